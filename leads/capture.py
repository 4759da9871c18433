"""Storing a lead: the person, their answers and the decision, and its notifications, at once.

Everything is written in one transaction (the lead, its outbox messages, the
anonymous counter): either all of it is stored or none of it. The flow id is
unique, so a double submit, a refresh or a replay finds the lead already stored
instead of making a second one.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

import metrics
import rules
from dbtypes import utcnow
from extensions import db
from leads import outbox
from leads.consent import CONSENT_VERSION
from leads.models import Lead


class CaptureError(RuntimeError):
    """The lead could not be stored; nothing of it was written."""


@dataclass(frozen=True)
class Contact:
    name: str
    email: str
    phone: str  # E.164, or "" when not given
    contact_time: str
    message: str


def capture_lead(
    *,
    flow_id: str,
    answers: dict[str, object],
    decision: rules.Decision,
    contact: Contact,
    lang: str,
    source: str = "site",
    embed_origin: str = "",
    entered_by_id: int | None = None,
) -> tuple[Lead, bool]:
    """Store the lead and queue its notifications; returns (lead, created)."""
    existing = find_by_flow(flow_id)
    if existing is not None:
        return existing, False
    lead = Lead(
        flow_id=flow_id,
        name=contact.name,
        email=contact.email,
        phone=contact.phone,
        contact_time=contact.contact_time,
        message=contact.message,
        lang=lang,
        consent_version=CONSENT_VERSION,
        consented_at=utcnow(),
        source=source,
        embed_origin=embed_origin,
        entered_by_id=entered_by_id,
        answers=answers,
        outcome=decision.outcome,
        reasons=[
            {"key": r.key, "severity": r.severity, "rule": r.rule, "text": r.text}
            for r in decision.reasons
        ],
        rulebase_version=decision.rulebase.version,
        rulebase_sha256=decision.rulebase.sha256,
    )
    try:
        db.session.add(lead)
        db.session.flush()
        outbox.enqueue_for(lead)
        metrics.record("lead", decision.outcome)
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        existing = find_by_flow(flow_id)  # a concurrent submit of the same questionnaire won
        if existing is None:
            raise CaptureError("the lead could not be stored") from None
        return existing, False
    except SQLAlchemyError as exc:
        db.session.rollback()
        raise CaptureError("the lead could not be stored") from exc
    return lead, True


def find_by_flow(flow_id: str) -> Lead | None:
    return db.session.scalar(select(Lead).where(Lead.flow_id == flow_id))
