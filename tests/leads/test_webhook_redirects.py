"""The webhook is never sent on to where a receiver redirects it (review finding 5).

A receiver answering ``302 Location: http://127.0.0.1:…/`` made the app post the
signed headers to that second address, and the outbox marked the event sent.
Now a 3xx is a failed delivery: nothing goes to the second receiver, the message
stays pending, is retried on the outbox's backoff, marks the webhook channel as
not reached (new leads leave it to the cron job) and finally gives up.
"""

from __future__ import annotations

import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlalchemy import select, update

from core.dbtypes import utcnow
from core.extensions import db
from leads.models import OutboxMessage
from leads.outbox import deliver_due, failing_channels
from tests.services import free_port
from tests.support import completed_token

SECRET = "redirect-test-secret"
CONTACT = {"name": "Ana Example", "email": "", "phone": "+44 20 7946 0958",
           "contact_time": "any", "consent": "y"}  # fmt: skip


class Receiver:
    """A real HTTP server that records every request, whatever its method.

    With ``location`` it answers ``status`` and ``Location: location`` (a redirect);
    without, 200.
    """

    def __init__(self, status: int = 200, location: str | None = None):
        self.port = free_port()
        self.status = status
        self.location = location
        self.requests: list[dict] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def answer(self):
                self.rfile.read(int(self.headers.get("Content-Length", 0)))
                receiver.requests.append({"method": self.command, "headers": dict(self.headers)})
                self.send_response(receiver.status)
                if receiver.location:
                    self.send_header("Location", receiver.location)
                self.send_header("Content-Length", "0")
                self.end_headers()

            do_GET = do_POST = do_PUT = do_HEAD = answer

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook"

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


@pytest.fixture
def elsewhere():
    """The second receiver, where the redirect points: it must never hear from the app."""
    receiver = Receiver()
    yield receiver
    receiver.stop()


@pytest.fixture
def redirector(elsewhere, request):
    """The configured receiver, answering every POST with a redirect to ``elsewhere``."""
    receiver = Receiver(request.param, location=elsewhere.url + "?stolen=1")
    yield receiver
    receiver.stop()


def webhook_row(app) -> OutboxMessage:
    with app.app_context():
        message = db.session.scalars(select(OutboxMessage)).one()
        db.session.expunge(message)
        return message


def make_due(app) -> None:
    with app.app_context():
        db.session.execute(
            update(OutboxMessage).values(next_attempt_at=utcnow() - timedelta(seconds=1))
        )
        db.session.commit()


@pytest.mark.parametrize("redirector", [302, 301, 303, 307, 308], indirect=True)
def test_a_redirecting_receiver_gets_a_failed_delivery_and_the_target_gets_nothing(
    app_factory, elsewhere, redirector
):
    status = redirector.status
    app = app_factory(
        WEBHOOK_URL=redirector.url,
        WEBHOOK_SECRET=SECRET,
        OUTBOX_BACKOFF_SECONDS=60,
        OUTBOX_MAX_ATTEMPTS=3,
    )
    client = app.test_client()
    response = client.post("/check/contact", data={"s": completed_token(app), **CONTACT})
    assert response.status_code == 303  # the lead is stored whatever the webhook does

    assert len(redirector.requests) == 1
    assert elsewhere.requests == []  # not followed: the signed headers went nowhere else
    first = webhook_row(app)
    assert first.status == "pending" and first.sent_at is None
    assert first.attempts == 1
    assert first.unreachable  # the configured address does not reach the receiver
    # The admins' outbox page says what happened, and where to point WEBHOOK_URL instead.
    assert f"answered {status}" in first.last_error and "not followed" in first.last_error
    assert elsewhere.url in first.last_error
    waited = first.next_attempt_at - utcnow()
    assert timedelta(seconds=50) < waited <= timedelta(seconds=60)  # the outbox's backoff
    with app.app_context():
        assert failing_channels() == {"webhook"}
        assert deliver_due().sent == []  # not due yet: nothing tried

    make_due(app)
    with app.app_context():
        report = deliver_due()
    assert report.retrying == [first.id] and report.sent == []
    second = webhook_row(app)
    assert second.attempts == 2 and second.status == "pending"
    assert timedelta(seconds=110) < second.next_attempt_at - utcnow() <= timedelta(minutes=2)

    make_due(app)
    with app.app_context():
        report = deliver_due()
    assert report.dead == [first.id]
    assert webhook_row(app).status == "dead"  # shown to admins as "Gave up"
    assert len(redirector.requests) == 3
    assert elsewhere.requests == []
