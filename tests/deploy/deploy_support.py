"""Clients of the loopback stack: people at their own addresses, finished questionnaires."""

from __future__ import annotations

import json
import secrets
import select
import socket
import ssl
import time
from pathlib import Path
from urllib.parse import urlencode

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
