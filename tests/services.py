"""Real services for the tests: PostgreSQL, an SMTP server (aiosmtpd) and an HTTP receiver.

Each one is real and listens on loopback. A service that cannot be reached makes
the test fail loudly, never skip.
"""

from __future__ import annotations

import json
import os
import secrets
import socket
import threading
import time
from email import message_from_bytes
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import sqlalchemy
from aiosmtpd.controller import Controller

PG_URL = os.environ.get("TEST_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class PostgresSchema:
    """A schema of its own for one test run, so runs on the same server never collide."""

    def __init__(self, base_url: str = PG_URL):
        self.base_url = sqlalchemy.engine.make_url(base_url)
        self.name = f"test_run_{os.getpid()}_{secrets.token_hex(4)}"
        self.engine = sqlalchemy.create_engine(self.base_url)

    def create(self) -> str:
        try:
            with self.engine.begin() as connection:
                connection.exec_driver_sql(f'CREATE SCHEMA "{self.name}"')
        except sqlalchemy.exc.OperationalError as exc:
            pytest.fail(
                f"PostgreSQL is not reachable at {self.base_url!r}: {exc}. The storage tests "
                "need it (set TEST_DATABASE_URL); they never skip."
            )
        url = self.base_url.update_query_dict({"options": f"-csearch_path={self.name}"})
        return url.render_as_string(hide_password=False)

    def truncate(self) -> None:
        with self.engine.begin() as connection:
            tables = connection.exec_driver_sql(
                "SELECT tablename FROM pg_tables WHERE schemaname = %s "
                "AND tablename <> 'alembic_version'",
                (self.name,),
            ).scalars()
            names = ", ".join(f'"{self.name}"."{table}"' for table in tables)
            if names:
                connection.exec_driver_sql(f"TRUNCATE {names} RESTART IDENTITY CASCADE")

    def drop(self) -> None:
        with self.engine.begin() as connection:
            connection.exec_driver_sql(f'DROP SCHEMA IF EXISTS "{self.name}" CASCADE')
        self.engine.dispose()


class _Collector:
    def __init__(self):
        self.messages: list[Message] = []
        self.refused_recipients: set[str] = set()  # answered "550 no such mailbox"
        self.lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refused_recipients:
            return "550 5.1.1 No such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            message = message_from_bytes(envelope.content)
            message["X-Envelope-To"] = ", ".join(envelope.rcpt_tos)
            self.messages.append(message)
        return "250 Message accepted for delivery"


class SmtpServer:
    """aiosmtpd on a loopback port, which can be stopped and started again on that port."""

    def __init__(self):
        self.port = free_port()
        self.collector = _Collector()
        self.controller: Controller | None = None

    @property
    def messages(self) -> list[Message]:
        return list(self.collector.messages)

    def wait_for(self, count: int, timeout: float = 10) -> list[Message]:
        """The messages once ``count`` have arrived (notifications go after the answer)."""
        deadline = time.monotonic() + timeout
        while len(self.collector.messages) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        return self.messages

    def refuse(self, address: str) -> None:
        """Answer mail for this address with a permanent refusal (no such mailbox)."""
        self.collector.refused_recipients.add(address)

    def start(self) -> None:
        self.controller = Controller(self.collector, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller:
            self.controller.stop()
            self.controller = None


class HangingServer:
    """Accepts connections and never answers: a mail server behind a firewall that drops."""

    def __init__(self):
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.connections: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                self.connections.append(self.listener.accept()[0])
            except OSError:  # closed
                return

    def close(self) -> None:
        self.listener.close()
        for connection in self.connections:
            connection.close()


class LoopbackServer:
    """A real HTTP server on loopback, in a thread: started, stopped and started again.

    A subclass gives ``handler()``, the request handler class that answers for it.
    """

    path = "/"

    def __init__(self):
        self.port = free_port()
        self.requests: list[dict] = []
        self.server: ThreadingHTTPServer | None = None
        self.thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}{self.path}"

    def handler(self) -> type[BaseHTTPRequestHandler]:
        raise NotImplementedError

    def start(self) -> None:
        ThreadingHTTPServer.allow_reuse_address = True
        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), self.handler())
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        if self.server:
            self.server.shutdown()
            self.server.server_close()
            self.thread.join(timeout=5)
            self.server = None


class QuietHandler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass


class WebhookReceiver(LoopbackServer):
    """Records every POST and answers ``status``."""

    path = "/hook"

    def __init__(self, status: int = 200):
        super().__init__()
        self.status = status

    def handler(self) -> type[BaseHTTPRequestHandler]:
        receiver = self

        class Handler(QuietHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                receiver.requests.append(
                    {"path": self.path, "headers": dict(self.headers), "body": body}
                )
                self.send_response(receiver.status)
                self.send_header("Content-Length", "0")
                self.end_headers()

        return Handler

    def payloads(self) -> list[dict]:
        return [json.loads(r["body"]) for r in self.requests]


class ToolApiServer(LoopbackServer):
    """A booking tool's API on loopback (Acuity's, Jane's): ``GET /appointments/<id>``.

    Answers each appointment put in ``appointments`` as JSON (404 for another id),
    and records every request with its headers, so a test sees what the app asked.
    """

    path = "/api/v1"

    def __init__(self):
        super().__init__()
        self.appointments: dict[str, dict] = {}

    def handler(self) -> type[BaseHTTPRequestHandler]:
        tool = self

        class Handler(QuietHandler):
            def do_GET(self):
                tool.requests.append({"path": self.path, "headers": dict(self.headers)})
                prefix = "/api/v1/appointments/"
                found = self.path.startswith(prefix) and tool.appointments.get(
                    self.path.removeprefix(prefix)
                )
                body = json.dumps(found or {"error": "not_found"}).encode()
                self.send_response(200 if found else 404)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        return Handler
