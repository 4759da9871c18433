"""A "lead.created" event tells the status the lead was created with, not always "new".

A lead taken on the phone starts "contacted"; a later change must not rewrite
what the creation event said.
"""

from __future__ import annotations

import rules
from core.dbtypes import utcnow
from core.extensions import db
from leads.capture import capture_lead
from leads.models import Contact, Lead, OutboxMessage
from leads.status import change_status
from leads.webhook_payload import payload
from tests.support import HEALTHY

CONTACT = Contact("Ana Phone", "ana@example.com", "+442079460958", "any", "")


def _created_status(lead: Lead) -> str:
    return payload(
        lead, OutboxMessage(lead_id=lead.id, kind="webhook", event="", created_at=utcnow()), "u"
    )["lead"]["status"]


def test_the_creation_event_gives_the_status_the_lead_started_with(db_app):
    with db_app.test_request_context():
        decision = rules.evaluate(HEALTHY)
        phone = capture_lead(
            flow_id="phone-1", answers=HEALTHY, decision=decision, contact=CONTACT,
            lang="en", source="staff_intake", status="contacted",
        )  # fmt: skip
        web = capture_lead(
            flow_id="web-1", answers=HEALTHY, decision=decision, contact=CONTACT, lang="en"
        )
        phone_lead, web_lead = (
            db.session.get(Lead, phone.lead_id),
            db.session.get(Lead, web.lead_id),
        )
        assert _created_status(phone_lead) == "contacted"
        assert _created_status(web_lead) == "new"

        change_status(web_lead, "closed", author_id=None, api_token=None)
        change_status(phone_lead, "closed", author_id=None, api_token=None)
        assert _created_status(web_lead) == "new"
        assert _created_status(phone_lead) == "contacted"
