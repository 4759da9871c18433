"""Helpers for the data-rights tests: a person's leads with notes, notifications and audit rows.

Rows are written directly (not through the questionnaire) so each test can give
people the exact emails and phone numbers it searches for.
"""

from __future__ import annotations

import uuid

from core.audit import AuditEvent
from core.dbtypes import utcnow
from core.extensions import db
from leads.consent import CONSENT_VERSION
from leads.models import Lead, LeadNote, OutboxMessage
from tests.support import HEALTHY


def add_lead(
    app,
    *,
    name: str,
    email: str = "",
    phone: str = "",
    notes: tuple[str, ...] = (),
    notifications: tuple[str, ...] = (),
    audit: tuple[str, ...] = (),
    lang: str = "en",
) -> int:
    """One lead with its notes, outbox rows (kinds) and audit events (actions); its id."""
    with app.app_context():
        lead = Lead(
            flow_id=f"data-rights-{uuid.uuid4()}",
            name=name,
            email=email,
            phone=phone,
            contact_time="morning",
            message=f"A message from {name}.",
            lang=lang,
            consent_version=CONSENT_VERSION,
            consented_at=utcnow(),
            answers=dict(HEALTHY),
            outcome="book_consultation",
            reasons=[],
            rulebase_version="test",
            rulebase_sha256="0" * 64,
        )
        db.session.add(lead)
        db.session.flush()
        for text in notes:
            db.session.add(LeadNote(lead_id=lead.id, text=text))
        for kind in notifications:
            db.session.add(OutboxMessage(lead_id=lead.id, kind=kind, event="lead.created"))
        for action in audit:
            db.session.add(
                AuditEvent(action=action, lead_id=lead.id, staff_email="desk@clinic.test")
            )
        db.session.commit()
        return lead.id
