"""Webhook events: a lead's creation and each status change, signed, sent exactly once, and
carrying the person's contact details only when the clinic opted in."""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime

from sqlalchemy import select

from core.clinic_settings import set_flag
from core.extensions import db
from leads.models import OutboxMessage
from leads.outbox import deliver_due
from tests.console_support import submit_contact
from tests.factories import make_lead, make_staff, post_form, sign_in
from tests.support import Walker

SECRET = "webhook-events-secret"


def webhook_app(app_factory, webhook, **overrides):
    return app_factory(WEBHOOK_URL=webhook.url, WEBHOOK_SECRET=SECRET, **overrides)


def verified(request: dict) -> bool:
    """The receiver's check, as docs/api.md shows it."""
    headers = {k.lower(): v for k, v in request["headers"].items()}
    mac = hmac.new(
        SECRET.encode(),
        headers["x-screening-timestamp"].encode() + b"." + request["body"],
        hashlib.sha256,
    )
    return hmac.compare_digest("sha256=" + mac.hexdigest(), headers["x-screening-signature"])


def change_in_console(app, lead_id: int, status: str):
    client = app.test_client()
    sign_in(client, "desk@clinic.test")
    page = f"/staff/leads/{lead_id}"
    return post_form(client, page, f"{page}/status", {"status": status})


def test_a_new_lead_event_carries_no_contact_details_by_default(app_factory, webhook):
    app = webhook_app(app_factory, webhook)
    client = app.test_client()
    submit_contact(client, Walker(client), "clinician_review")
    [request] = webhook.requests
    assert verified(request)
    [payload] = webhook.payloads()
    assert payload["event"] == "lead.created"
    assert payload["lead"]["status"] == "new"
    assert payload["lead"]["url"] == f"http://console.test/staff/leads/{payload['lead']['id']}"
    datetime.fromisoformat(payload["occurred_at"])
    for private in ("name", "email", "phone", "contact_time", "outcome", "answers", "message"):
        assert private not in payload["lead"]
    assert "zoe" not in request["body"].decode().lower()


def test_with_the_clinics_opt_in_the_events_carry_contact_details(app_factory, webhook):
    app = webhook_app(app_factory, webhook)
    with app.app_context():
        set_flag("webhook_contact_details", True, by=None)
        db.session.commit()
    client = app.test_client()
    submit_contact(client, Walker(client), "clinician_review")
    [payload] = webhook.payloads()
    assert {k: payload["lead"][k] for k in ("name", "email", "phone", "contact_time")} == {
        "name": "Zoë Example",
        "email": "zoe@example.com",
        "phone": "+442079460958",
        "contact_time": "morning",
    }
    assert payload["lead"]["outcome"] == "clinician_review"
    assert "answers" not in payload["lead"] and "message" not in payload["lead"]


def test_a_console_status_change_is_one_signed_event(app_factory, webhook):
    app = webhook_app(app_factory, webhook)
    lead_id = make_lead(app)  # stored directly: its lead.created waits in the outbox
    make_staff(app, "desk@clinic.test")
    assert change_in_console(app, lead_id, "contacted").status_code == 303
    [request] = webhook.requests
    assert verified(request)
    [payload] = webhook.payloads()
    assert payload["event"] == "lead.status_changed"
    assert (payload["lead"]["id"], payload["lead"]["status"]) == (lead_id, "contacted")
    assert "name" not in payload["lead"]
    # The cron job then sends the waiting lead.created, and nothing is sent twice.
    with app.app_context():
        deliver_due()
        deliver_due()
    assert sorted(p["event"] for p in webhook.payloads()) == [
        "lead.created",
        "lead.status_changed",
    ]
    assert len({p["delivery_id"] for p in webhook.payloads()}) == 2


def test_each_event_keeps_the_status_it_had_when_it_happened(app_factory, webhook):
    """Receiver down during two changes: both are delivered later, once each, in order."""
    app = webhook_app(app_factory, webhook, OUTBOX_BACKOFF_SECONDS=0)
    lead_id = make_lead(app)
    make_staff(app, "desk@clinic.test")
    webhook.stop()
    change_in_console(app, lead_id, "contacted")
    change_in_console(app, lead_id, "closed")
    with app.app_context():
        pending = db.session.scalars(
            select(OutboxMessage.event).where(OutboxMessage.status == "pending")
        ).all()
    assert sorted(pending) == ["", "lead.status_changed:closed", "lead.status_changed:contacted"]
    webhook.start()
    with app.app_context():
        deliver_due()
        deliver_due()
    events = [(p["event"], p["lead"]["status"]) for p in webhook.payloads()]
    assert events == [
        ("lead.created", "new"),
        ("lead.status_changed", "contacted"),
        ("lead.status_changed", "closed"),
    ]
    assert all(verified(request) for request in webhook.requests)


def test_without_a_webhook_a_status_change_queues_nothing(app_factory):
    app = app_factory()
    lead_id = make_lead(app)
    make_staff(app, "desk@clinic.test")
    assert change_in_console(app, lead_id, "closed").status_code == 303
    with app.app_context():
        assert db.session.scalars(select(OutboxMessage)).all() == []
