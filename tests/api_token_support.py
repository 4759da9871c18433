"""Helpers for the leads API and webhook tests: stored leads and API tokens, made directly."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import update

from api import tokens
from core.extensions import db
from leads.capture import capture_lead
from leads.models import Contact, Lead
from questionnaire.service import evaluate
from tests.support import BY_OUTCOME


def make_lead(
    app,
    *,
    name: str = "Zoë Example",
    email: str = "zoe@example.com",
    phone: str = "+442079460958",
    outcome: str = "book_consultation",
    source: str = "site",
    created_at: datetime | None = None,
) -> int:
    """A lead stored as the contact form stores one (its decision, consent, notifications)."""
    with app.app_context():
        answers = BY_OUTCOME[outcome]
        captured = capture_lead(
            flow_id=f"api-test-{uuid.uuid4()}",
            answers=answers,
            decision=evaluate(answers, lang="en"),
            contact=Contact(name, email, phone, "morning", "Evenings are hard."),
            lang="en",
            source=source,
        )
        if created_at is not None:
            db.session.execute(
                update(Lead)
                .where(Lead.id == captured.lead_id)
                .values(created_at=created_at, updated_at=created_at)
            )
            db.session.commit()
        return captured.lead_id


def make_token(app, *scopes: str, name: str = "Clinic CRM", created_by_id=None) -> str:
    """A new token's secret (leads:read unless other scopes are named)."""
    with app.app_context():
        _token, secret = tokens.issue(name, scopes or ("leads:read",), created_by_id=created_by_id)
        db.session.commit()
        return secret


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}
