"""Storing a lead: the person, their answers and the decision, and its notifications, at once.

Everything is written in one transaction (the lead, its outbox messages, the
anonymous counter): either all of it is stored or none of it. The flow id is
unique, so a double submit, a refresh or a replay finds the lead already stored
instead of making a second one. The happy path relies on that constraint rather
than looking first: it inserts, and looks the lead up only when the insert is
refused, which costs a new request no extra query.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import insert, select
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
class Captured:
    """What the caller needs after the commit, kept before it so nothing is read back."""

    lead_id: int
    created: bool
    message_ids: tuple[int, ...] = ()  # the notifications this request queued


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
) -> Captured:
    """Store the lead and queue its notifications, or find the lead this flow already stored.

    The transaction keeps PostgreSQL's synchronous commit: an acknowledged lead is on disk.
    """
    values = {
        "flow_id": flow_id,
        "name": contact.name,
        "email": contact.email,
        "phone": contact.phone,
        "contact_time": contact.contact_time,
        "message": contact.message,
        "lang": lang,
        "consent_version": CONSENT_VERSION,
        "consented_at": utcnow(),
        "source": source,
        "embed_origin": embed_origin,
        "entered_by_id": entered_by_id,
        "answers": answers,
        "outcome": decision.outcome,
        "reasons": [
            {"key": r.key, "severity": r.severity, "rule": r.rule, "text": r.text}
            for r in decision.reasons
        ],
        "rulebase_version": decision.rulebase.version,
        "rulebase_sha256": decision.rulebase.sha256,
    }
    try:
        # A Core insert: nothing reads the lead back, and the ORM's unit of work
        # cost a fifth of a contact POST (profiled on PostgreSQL).
        lead_id = db.session.execute(_INSERT_LEAD, values).scalar_one()
        messages = outbox.enqueue_for(lead_id, contact.email)
        db.session.flush()  # the messages' ids; no statement when there are none
        captured = Captured(lead_id, True, tuple(message.id for message in messages))
        metrics.record("lead", decision.outcome)  # last: its row lock is held until commit
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        existing = find_by_flow(flow_id)  # stored before: a replay, or a concurrent submit won
        if existing is None:
            raise CaptureError("the lead could not be stored") from None
        return Captured(existing.id, False)
    except SQLAlchemyError as exc:
        db.session.rollback()
        raise CaptureError("the lead could not be stored") from exc
    return captured


_INSERT_LEAD = insert(Lead.__table__).returning(Lead.__table__.c.id)


def find_by_flow(flow_id: str) -> Lead | None:
    """The lead stored for this questionnaire, if any (the flow id is unique)."""
    return db.session.scalar(select(Lead).where(Lead.flow_id == flow_id))
