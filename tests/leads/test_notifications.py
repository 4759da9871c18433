"""New-lead notifications through the outbox: a real SMTP server and a real HTTP receiver.

Each notification is delivered exactly once, even when the server is down at
submit time and comes back later; the lead is stored whatever happens to them.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import timedelta
from email.header import decode_header, make_header

import pytest
from sqlalchemy import func, select, update

from core.dbtypes import utcnow
from core.extensions import db
from leads.models import Lead, OutboxMessage
from leads.outbox import deliver_due
from questionnaire.catalogue import STEPS
from tests.console_support import CONTACT, submit_contact
from tests.services import HangingServer
from tests.support import BY_OUTCOME, Walker, form_fields, hidden_token, token_of

SECRET = "webhook-test-secret"


def notify_app(app_factory, smtp=None, webhook=None, **overrides):
    settings = {"SMTP_TLS": "none", "OUTBOX_BACKOFF_SECONDS": 60}
    if smtp is not None:
        settings |= {
            "SMTP_HOST": "127.0.0.1",
            "SMTP_PORT": smtp.port,
            "CLINIC_NOTIFY_EMAIL": "leads@clinic.test",
            "MAIL_FROM": "screening@clinic.test",
        }
    if webhook is not None:
        settings |= {"WEBHOOK_URL": webhook.url, "WEBHOOK_SECRET": SECRET}
    return app_factory(**(settings | overrides))


def make_due(app) -> None:
    """Fast-forward the backoff: every pending message is due now."""
    with app.app_context():
        db.session.execute(
            update(OutboxMessage).values(next_attempt_at=utcnow() - timedelta(seconds=1))
        )
        db.session.commit()


def statuses(app) -> dict[str, str]:
    with app.app_context():
        return dict(db.session.execute(select(OutboxMessage.kind, OutboxMessage.status)).all())


def test_email_arrives_at_once_for_clinic_and_person_without_health_details(app_factory, smtp):
    app = notify_app(app_factory, smtp)
    client = app.test_client()
    submit_contact(client, Walker(client), "not_suitable_now")

    by_recipient = {m["X-Envelope-To"]: m for m in smtp.messages}
    assert set(by_recipient) == {"leads@clinic.test", "zoe@example.com"}
    clinic = by_recipient["leads@clinic.test"].get_payload()
    person = by_recipient["zoe@example.com"].get_payload()
    assert "http://console.test/staff/leads/1" in clinic
    for body in (clinic, person):
        assert "pregnan" not in body.lower()
        assert "not_suitable_now" not in body and "not suitable" not in body.lower()
    assert "Zoë" not in person and "Zo=C3=AB" not in person  # nothing the sender typed
    assert "morning" in person
    assert statuses(app) == {"clinic_email": "sent", "confirmation_email": "sent"}


def test_the_person_is_written_to_in_the_language_of_their_questionnaire(app_factory, smtp):
    """Spanish chosen with the header's switch (the browser asks for English throughout)."""
    app = notify_app(app_factory, smtp)
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    location = client.get("/check/start?lang=es").headers["Location"]
    for step in STEPS:
        page = client.get(location)
        assert 'lang="es"' in page.get_data(as_text=True)
        fields = form_fields(BY_OUTCOME["book_consultation"], step.id)
        data = {"s": hidden_token(page.get_data(as_text=True)), **fields}
        location = client.post(f"/check/{step.id}", data=data).headers["Location"]
    response = client.post("/check/contact", data={"s": token_of(location), **CONTACT})
    assert response.status_code == 303

    by_recipient = {m["X-Envelope-To"]: m for m in smtp.messages}
    person, clinic = by_recipient["zoe@example.com"], by_recipient["leads@clinic.test"]
    subject = str(make_header(decode_header(person["Subject"])))
    body = person.get_payload(decode=True).decode(person.get_content_charset())
    assert subject.startswith("Hemos recibido su solicitud"), subject
    assert body.startswith("Hola:") and "Zoë" not in body
    assert "Intentaremos llamarle por la mañana." in body
    assert "llámenos al" in body
    assert "morning" not in body and "Thank you" not in body
    # The clinic's own email stays in the clinic's language.
    assert str(make_header(decode_header(clinic["Subject"]))).startswith("New contact request")
    with app.app_context():
        assert db.session.scalar(select(Lead.lang)) == "es"


def test_smtp_down_then_back_delivers_each_email_exactly_once(app_factory, smtp):
    app = notify_app(app_factory, smtp)
    smtp.stop()
    client = app.test_client()
    response, _ = submit_contact(client, Walker(client))
    assert response.status_code == 303  # the lead is stored and the person told so
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Lead)) == 1
        clinic, person = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))
        assert clinic.attempts == 1 and clinic.status == "pending"
        assert clinic.next_attempt_at > utcnow() + timedelta(seconds=30)  # backed off
        assert "SMTP" in clinic.last_error
        # The server had just failed: the person's email was not tried, and waits for cron.
        assert person.attempts == 0 and person.status == "pending"

    make_due(app)
    result = app.test_cli_runner().invoke(args=["outbox", "deliver"])
    # Still down: one try per run, counted and backed off; the other waits untried.
    assert "will retry 1" in result.output and "Left 1 for the next run" in result.output
    smtp.start()
    make_due(app)
    result = app.test_cli_runner().invoke(args=["outbox", "deliver"])
    assert "Sent 2" in result.output, result.output
    make_due(app)
    app.test_cli_runner().invoke(args=["outbox", "deliver"])
    assert len(smtp.messages) == 2
    assert statuses(app) == {"clinic_email": "sent", "confirmation_email": "sent"}


def test_a_hanging_mail_server_holds_up_neither_the_person_nor_the_next_leads(
    app_factory, webhook, smtp
):
    """A server that accepts and never answers costs one send its timeout, not every lead."""
    hanging = HangingServer()
    app = notify_app(app_factory, smtp, webhook, SMTP_PORT=hanging.port, SMTP_TIMEOUT=1)
    client = app.test_client()
    token = token_of(Walker(client).complete(BY_OUTCOME["book_consultation"]))
    response = client.post("/check/contact", data={"s": token, **CONTACT}, buffered=False)
    assert response.status_code == 303
    assert hanging.connections == []  # the person's answer is made before anything is sent
    assert set(statuses(app).values()) == {"pending"}
    response.close()  # the server has sent the answer: now the notifications go
    assert len(hanging.connections) == 1  # the clinic's email waited out the timeout
    assert statuses(app) == {
        "clinic_email": "pending",  # timed out, to be retried
        "confirmation_email": "pending",  # same server: not tried
        "webhook": "sent",  # another channel: unaffected
    }

    for _ in range(3):  # more leads while the mail server is known to be failing
        response, _ = submit_contact(client, Walker(client))
        assert response.status_code == 303
    assert len(hanging.connections) == 1  # none of them waited for it
    assert len(webhook.requests) == 4

    hanging.close()
    app.config["SMTP_PORT"] = smtp.port  # the clinic's mail server answers again
    make_due(app)
    result = app.test_cli_runner().invoke(args=["outbox", "deliver"])
    assert "Sent 8" in result.output, result.output
    assert len(smtp.messages) == 8  # each lead's two emails, once


def test_an_address_the_mail_server_refuses_holds_up_no_other_email(app_factory, smtp):
    """A refusal is the message's own problem: the server answered, so its channel is fine."""
    app = notify_app(app_factory, smtp)
    smtp.refuse("typo@example.com")
    client = app.test_client()
    submit_contact(client, Walker(client), email="typo@example.com")  # the person mistyped
    submit_contact(client, Walker(client), email="right@example.com")  # the next lead
    recipients = sorted(message["X-Envelope-To"] for message in smtp.messages)
    assert recipients == ["leads@clinic.test", "leads@clinic.test", "right@example.com"]

    smtp.stop()  # down while two more leads arrive, one of them mistyped again
    submit_contact(client, Walker(client), email="typo@example.com")
    submit_contact(client, Walker(client), email="again@example.com")
    smtp.start()
    make_due(app)
    result = app.test_cli_runner().invoke(args=["outbox", "deliver"])
    # The refused addresses (the oldest pending messages) are tried and refused again;
    # every other email of the run goes out behind them.
    assert "Sent 3, will retry 2" in result.output, result.output
    assert "Left" not in result.output
    recipients = sorted(message["X-Envelope-To"] for message in smtp.messages[3:])
    assert recipients == ["again@example.com", "leads@clinic.test", "leads@clinic.test"]


def test_webhook_is_signed_and_documented_fields_are_sent(app_factory, webhook):
    app = notify_app(app_factory, webhook=webhook)
    client = app.test_client()
    submit_contact(client, Walker(client))
    assert len(webhook.requests) == 1
    request = webhook.requests[0]
    headers = {k.lower(): v for k, v in request["headers"].items()}
    timestamp = headers["x-screening-timestamp"]
    expected = hmac.new(
        SECRET.encode(), timestamp.encode() + b"." + request["body"], hashlib.sha256
    ).hexdigest()
    assert headers["x-screening-signature"] == "sha256=" + expected
    assert headers["content-type"] == "application/json"
    payload = json.loads(request["body"])
    assert payload["event"] == "lead.created"
    assert payload["lead"]["url"] == "http://console.test/staff/leads/1"
    assert str(payload["delivery_id"]) == headers["x-screening-delivery"]
    assert "answers" not in payload["lead"] and "email" not in payload["lead"]


@pytest.mark.parametrize("failure", ["down", "error_status"])
def test_webhook_down_then_back_is_delivered_exactly_once(app_factory, webhook, failure):
    app = notify_app(app_factory, webhook=webhook)
    if failure == "down":
        webhook.stop()
    else:
        webhook.status = 503
    client = app.test_client()
    response, token = submit_contact(client, Walker(client))
    assert response.status_code == 303
    failed_calls = len(webhook.requests)
    assert statuses(app) == {"webhook": "pending"}

    if failure == "down":
        webhook.start()
    else:
        webhook.status = 200
    make_due(app)
    with app.app_context():
        assert len(deliver_due().sent) == 1
    make_due(app)
    with app.app_context():
        assert deliver_due().sent == []
    # a replayed contact form neither makes a second lead nor a second notification
    client.post("/check/contact", data={"s": token, "name": "x", "consent": "y"})
    assert len(webhook.requests) == failed_calls + 1
    assert statuses(app) == {"webhook": "sent"}


def test_a_message_that_keeps_failing_is_marked_dead(app_factory, webhook):
    app = notify_app(app_factory, webhook=webhook, OUTBOX_MAX_ATTEMPTS=2)
    webhook.stop()
    client = app.test_client()
    submit_contact(client, Walker(client))
    make_due(app)
    with app.app_context():
        report = deliver_due()
    assert report.dead and statuses(app) == {"webhook": "dead"}


def webhook_waiting_for_the_cron(app_factory, webhook, **overrides):
    """An app whose one lead's webhook failed at once and is now due again."""
    app = notify_app(app_factory, webhook=webhook, **overrides)
    webhook.stop()
    client = app.test_client()
    submit_contact(client, Walker(client))
    webhook.start()
    make_due(app)
    return app


def test_a_claimed_message_is_not_sent_twice(app_factory, webhook):
    """A message another worker holds (leased) is skipped, not sent again."""
    app = webhook_waiting_for_the_cron(app_factory, webhook)
    with app.app_context():
        db.session.execute(
            update(OutboxMessage).values(claimed_until=utcnow() + timedelta(minutes=5))
        )
        db.session.commit()
        assert deliver_due().sent == []
    assert webhook.requests == []


def test_a_message_whose_sender_died_is_sent_once_its_lease_ends(app_factory, webhook):
    """A worker killed mid-send keeps its claim for OUTBOX_LEASE_SECONDS, then the cron sends."""
    app = webhook_waiting_for_the_cron(app_factory, webhook, OUTBOX_LEASE_SECONDS=30)
    with app.app_context():
        from leads import outbox

        message_id = db.session.scalars(select(OutboxMessage.id)).one()
        assert outbox._claim(message_id)  # the sender that then died
        claimed_until = db.session.get(OutboxMessage, message_id).claimed_until
        assert timedelta(seconds=29) < claimed_until - utcnow() <= timedelta(seconds=30)
        assert deliver_due().sent == []  # still held
        db.session.execute(update(OutboxMessage).values(claimed_until=utcnow()))
        db.session.commit()  # the lease has ended
        assert deliver_due().sent == [message_id]
    assert len(webhook.requests) == 1


def test_the_notifications_page_says_what_is_set_up_and_what_waits(app_factory, smtp, webhook):
    """It said "Every notification was delivered." when nothing was set up to send any."""
    from tests.factories import make_staff, sign_in

    bare = app_factory()
    make_staff(bare, "admin@clinic.test", role="admin")
    client = bare.test_client()
    sign_in(client, "admin@clinic.test")
    page = client.get("/staff/admin/outbox").get_data(as_text=True)
    assert "New leads are not emailed to anyone" in page and "No webhook is set" in page
    assert "no notifications are set up" in page and "Every notification was delivered" not in page

    app = notify_app(app_factory, smtp, webhook)
    smtp.stop()
    public = app.test_client()
    submit_contact(public, Walker(public))
    client = app.test_client()  # the same database: the same admin
    sign_in(client, "admin@clinic.test")
    page = client.get("/staff/admin/outbox").get_data(as_text=True)
    assert "New leads are emailed to leads@clinic.test." in page
    assert "<td>Email to the clinic</td><td>Waiting to be sent</td>" in page
    assert "clinic_email" not in page
    host, path = webhook.url.split("/", 3)[2], "/" + webhook.url.split("/", 3)[3]
    assert f"Each new lead is also sent to {host}." in page
    assert path not in page  # a webhook's path may hold its secret


def test_the_clinics_email_gives_the_time_received_on_the_clinics_clock(app_factory, smtp):
    app = notify_app(app_factory, smtp, CLINIC_TIME_ZONE="Asia/Kolkata")  # UTC+5:30
    client = app.test_client()
    submit_contact(client, Walker(client), "book_consultation")
    with app.app_context():
        received = db.session.scalar(select(Lead.created_at))
    local = received + timedelta(hours=5, minutes=30)

    clinic = next(m for m in smtp.messages if m["X-Envelope-To"] == "leads@clinic.test")
    body = clinic.get_payload(decode=True).decode(clinic.get_content_charset())
    line = next(line for line in body.splitlines() if line.startswith("Received:"))
    assert "(Asia/Kolkata)" in line and "UTC" not in line
    assert f"{local.hour % 12 or 12}:{local.minute:02d}" in line, line
