"""Hostile requests through a real gunicorn on PostgreSQL: a clear 4xx, never a 5xx.

The test client builds well-formed requests, so what only a real server sees is
tried here on raw sockets: broken chunked bodies, a chunked body past the size
limit, ids and page numbers too large for PostgreSQL's integers, control
characters in sign-in's ``next``, and a Host header the app does not serve.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest

from app import create_app
from tests.factories import PASSWORD, make_staff
from tests.services import PostgresSchema, free_port

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """gunicorn (two sync workers) on a PostgreSQL schema of its own, with one staff account."""
    schema = PostgresSchema()
    url = schema.create()
    folder = tmp_path_factory.mktemp("gunicorn")
    settings = {"SECRET_KEY": "hostile-test-secret", "SQLALCHEMY_DATABASE_URI": url}
    app = create_app({**settings, "AUTO_MIGRATE": True}, instance_path=str(folder))
    make_staff(app, email="admin@clinic.test", role="admin")
    port = free_port()
    environment = {
        **{k: v for k, v in os.environ.items() if k not in ("APP_ENV", "AUTO_MIGRATE")},
        "SECRET_KEY": "hostile-test-secret",
        "DATABASE_URL": url,
        "RATELIMIT_ENABLED": "0",
        "PUBLIC_BASE_URL": f"http://127.0.0.1:{port}",
    }
    log_path = folder / "gunicorn.log"
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [str(BIN / "gunicorn"), "--workers", "2", "--bind", f"127.0.0.1:{port}",
             "--no-control-socket", f"app:create_app(instance_path={str(folder)!r})"],
            cwd=ROOT, env=environment, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError):
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            assert process.poll() is None, log_path.read_text()
            time.sleep(0.1)
        yield port, log_path
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
        schema.drop()


def exchange(port: int, request: bytes) -> tuple[int, bytes, bytes]:
    """Send raw bytes, read the whole answer (Connection: close): (status, head, body)."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(request)
        sock.shutdown(socket.SHUT_WR)  # all sent: a body cut short ends here
        answer = b""
        while part := sock.recv(65536):
            answer += part
    head, _, body = answer.partition(b"\r\n\r\n")
    return int(head.split(b" ", 2)[1]), head, body


def request(method: str, path: str, body: bytes = b"", *, chunked: bytes | None = None,
            host: str = "127.0.0.1", cookie: str = "") -> bytes:  # fmt: skip
    lines = [f"{method} {path} HTTP/1.1", f"Host: {host}", "Connection: close"]
    json = path.startswith("/api/")
    lines.append(
        f"Content-Type: {'application/json' if json else 'application/x-www-form-urlencoded'}"
    )
    if cookie:
        lines.append(f"Cookie: session={cookie}")
    if chunked is not None:
        lines.append("Transfer-Encoding: chunked")
    elif body or method == "POST":
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + (body if chunked is None else chunked)


def chunk(data: bytes) -> bytes:
    return f"{len(data):x}\r\n".encode() + data + b"\r\n"


def _session(head: bytes, default: str = "") -> str:
    found = re.search(rb"Set-Cookie: session=([^;]+)", head)
    return found.group(1).decode() if found else default


def sign_in(port: int, next_path: str = "") -> tuple[int, bytes, str]:
    """Sign in as the admin over the socket: (status, head, session cookie)."""
    query = "?next=" + quote(next_path, safe="") if next_path else ""
    _status, head, page = exchange(port, request("GET", "/staff/sign-in" + query))
    cookie = _session(head)
    token = re.search(rb'name="csrf_token"[^>]*value="([^"]+)"', page).group(1).decode()
    body = f"email=admin%40clinic.test&password={quote(PASSWORD)}&csrf_token={token}".encode()
    status, head, _ = exchange(port, request("POST", "/staff/sign-in" + query, body, cookie=cookie))
    return status, head, _session(head, cookie)


HOSTILE = {
    "a bad chunk size": ("POST", "/check/scars", b"zz\r\nabc\r\n0\r\n\r\n"),
    "a NUL in a chunk extension": ("POST", "/check/contact", b"3;\x00\r\nabc\r\n0\r\n\r\n"),
    "an unterminated chunk": ("POST", "/api/v1/assessments", b"ffff\r\nabc"),
}


@pytest.mark.parametrize("case", HOSTILE)
def test_a_malformed_chunked_body_is_a_400(server, case):
    port, log = server
    method, path, body = HOSTILE[case]
    status, _head, _body = exchange(port, request(method, path, chunked=body))
    assert status == 400
    assert "Traceback" not in log.read_text()


@pytest.mark.parametrize("path", ["/check/scars", "/check/contact", "/api/v1/assessments"])
def test_a_chunked_body_over_the_limit_is_refused_like_a_sized_one(server, path):
    port, _log = server
    big = b"s=" + b"x" * 70_000
    sized = exchange(port, request("POST", path, big))[0]
    chunked = exchange(port, request("POST", path, chunked=chunk(big) + b"0\r\n\r\n"))[0]
    assert sized == chunked == 413


def test_a_small_chunked_body_still_works(server):
    port, _log = server
    small = chunk(b"s=x") + b"0\r\n\r\n"
    status, head, _body = exchange(port, request("POST", "/check/scars", chunked=small))
    assert status == 303 and b"/?notice=invalid" in head


@pytest.mark.parametrize(
    "path",
    [
        "/staff/leads/2147483648",
        "/staff/leads/99999999999999999999/status",
        "/staff/admin/staff/2147483648/remove",
        "/staff/leads?page=99999999999999999999",
        "/staff/admin/audit?page=-99999999999999999999",
        "/staff/leads?page=2147483648",
    ],
)
def test_numbers_too_large_for_the_database_are_not_a_server_error(server, path):
    port, log = server
    cookie = sign_in(port)[2]
    status, _head, _body = exchange(port, request("GET", path, cookie=cookie))
    assert status in (200, 302, 404, 405)  # the first page, the last page, or no such page
    assert "Traceback" not in log.read_text()


@pytest.mark.parametrize("target", ["/staff/\r\nSet-Cookie: x=1", "/staff/\x7f", "/staff/\tx"])
def test_control_characters_in_next_lead_to_the_leads(server, target):
    port, log = server
    status, head, _cookie = sign_in(port, next_path=target)
    assert status == 302
    assert re.search(rb"\r\nLocation: /staff/leads\r\n", head + b"\r\n"), head
    assert b"x=1" not in head
    assert "Traceback" not in log.read_text()


def test_a_host_the_app_does_not_serve_is_refused(server):
    port, _log = server
    for path in ("/", "/check/start", "/staff/sign-in", "/embed/"):
        status, head, body = exchange(port, request("GET", path, host="evil.example"))
        assert status == 400, path
        assert b"evil.example" not in head + body
