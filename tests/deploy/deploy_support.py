"""Clients of the loopback stack: people at their own addresses, finished questionnaires."""

from __future__ import annotations

import contextlib
import http.server
import json
import secrets
import select
import shutil
import signal
import socket
import ssl
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlencode

from deploy.stack import free_port, make_certificate, render_main, render_site
from questionnaire.state import StateCodec
from tests.console_support import CONTACT
from tests.support import HEALTHY

# The stack's API limit (RATELIMIT_API) for these tests: small, so a test can reach it.
API_LIMIT = 3
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def person() -> str:
    """A loopback address of its own (127.x.y.z): one person, with rate limits of their own.

    Random, so runs on the same Redis never share a budget; never 127.0.0.1, nginx's own.
    """
    return f"127.{secrets.randbelow(254) + 1}.{secrets.randbelow(256)}.{secrets.randbelow(254) + 1}"


def finished_questionnaire(secret_key: str) -> tuple[str, str]:
    """A sealed token of a completed, healthy questionnaire, and its flow id (one lead)."""
    codec = StateCodec(secret_key, 3600)
    state = codec.new()
    state.answers = dict(HEALTHY)
    return codec.dumps(state), state.flow_id


def contact_form(token: str) -> str:
    return urlencode({"s": token, **CONTACT})


def assess(stack, source: str, headers: dict[str, str] | None = None) -> int:
    answer = stack.request(
        "POST",
        "/api/v1/assessments",
        body=json.dumps(HEALTHY),
        headers={"Content-Type": "application/json", **(headers or {})},
        source=source,
    )
    return answer.status


def exchange(sock: socket.socket, *parts: bytes, timeout: float = 10) -> bytes:
    """Send the parts (stopping when the server has closed), then read its answer's head."""
    for part in parts:
        try:
            sock.sendall(part)
        except OSError:  # the server answered early (413) and stopped reading
            break
    sock.settimeout(timeout)
    received = b""
    try:
        while b"\r\n\r\n" not in received:
            chunk = sock.recv(65536)
            if not chunk:
                break
            received += chunk
    except (OSError, ssl.SSLError):
        pass
    return received


def status_of(head: bytes) -> int:
    """The status code of an answer's head; 0 when the server closed without answering."""
    if not head.startswith(b"HTTP/1."):
        return 0
    return int(head.split(b" ", 2)[1])


def closed_by_server(sock: socket.socket) -> bool:
    """Whether the server has closed (or answered and closed) this connection, without waiting."""
    readable, _, _ = select.select([sock], [], [], 0)
    if not readable and not (isinstance(sock, ssl.SSLSocket) and sock.pending()):
        return False
    try:
        sock.setblocking(False)
        data = sock.recv(4096)
    except (ssl.SSLWantReadError, BlockingIOError):
        return False
    except OSError:
        return True
    finally:
        sock.setblocking(True)
    return data == b"" or data.startswith(b"HTTP/1.")


def wait_for(condition, timeout: float, step: float = 0.1) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(step)
    return condition()


def log_lines(path: Path, since: int) -> list[str]:
    """The lines written to ``path`` after its first ``since`` bytes (nginx writes at once)."""
    deadline = time.monotonic() + 5
    text = ""
    while time.monotonic() < deadline:
        text = path.read_bytes()[since:].decode(errors="replace") if path.exists() else ""
        if text.endswith("\n"):
            break
        time.sleep(0.05)
    return text.splitlines()


def size_of(path: Path) -> int:
    return path.stat().st_size if path.exists() else 0


class _ClinicPage(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # http.server calls it by this name
        found = self.path in ClinicSite.PAGES
        body = b"<!doctype html><title>Northside Skin Clinic</title>" if found else b"no page"
        self.send_response(200 if found else 404)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_args) -> None:  # quiet: pytest shows what a test prints
        pass


class ClinicSite:
    """The clinic's own website on loopback, over HTTPS: the booking pages the result pages
    link to, and the origin allowed to embed the check (what deploy-check follows)."""

    PAGES = ("/", "/book/", "/review/")

    def __init__(self, folder: Path):
        self.certificate, key = make_certificate(folder)
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(self.certificate, key)
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _ClinicPage)
        self.server.socket = context.wrap_socket(self.server.socket, server_side=True)
        self.origin = f"https://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def settings(self) -> dict[str, str]:
        """The clinic's details for the stack: its own, none a placeholder."""
        return {
            "CLINIC_NAME": "Northside Skin Clinic",
            "CLINIC_URL": f"{self.origin}/",
            "CLINIC_PHONE": "+44 20 7946 0958",
            "BOOKING_URL": f"{self.origin}/book/",
            "MEDICAL_REVIEW_URL": f"{self.origin}/review/",
            "EMBED_ALLOWED_ORIGINS": self.origin,
        }

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def trusted_certificates(folder: Path, *certificates: Path) -> Path:
    """One CA file of the given self-signed certificates, for deploy-check's --cafile."""
    bundle = folder / "trusted.pem"
    bundle.write_text("".join(path.read_text() for path in certificates))
    return bundle


@contextlib.contextmanager
def nginx_variant(stack, change: Callable[[str], str]) -> Iterator[tuple[int, int]]:
    """A second nginx in front of the same instances, with the shipped site as the stack
    renders it, then changed by ``change`` (a deliberately wrong deployment): its HTTPS
    and HTTP ports. Starting one takes a fraction of a second; no instance restarts."""
    prefix = Path(tempfile.mkdtemp(prefix="screening-variant-"))
    https_port, http_port = free_port(), free_port()
    site = render_site(https_port, http_port, stack.instance_ports, stack.certificate,
                       stack.prefix / "localhost.key", prefix / "access.log")  # fmt: skip
    changed = change(site)
    assert changed != site, "the variant changes nothing"
    (prefix / "screening.conf").write_text(changed)
    main = prefix / "nginx.conf"
    main.write_text(render_main(prefix, prefix / "screening.conf"))
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    process = subprocess.Popen(  # a fixed argument list
        [nginx, "-p", str(prefix), "-c", str(main), "-e", str(prefix / "error.log")],
        stdin=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        listening = wait_for(lambda: _accepts(https_port) or process.poll() is not None, 15)
        assert listening and process.poll() is None, (prefix / "error.log").read_text()
        yield https_port, http_port
    finally:
        process.send_signal(signal.SIGQUIT)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        shutil.rmtree(prefix, ignore_errors=True)


def _accepts(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), 1).close()
    except OSError:
        return False
    return True
