"""Deleting personal data: everything past retention, or one person's on request.

Only leads (with their notes and pending notifications) are deleted; the daily
anonymous counters stay, so the dashboard's history is kept.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete, select, update

from core.dbtypes import utcnow
from core.extensions import db
from leads.models import Appointment, BookingEvent, Lead, LeadNote, OutboxMessage
from leads.verdict_models import SafetyIncident, Verdict


def _delete_leads(ids: list[int]) -> int:
    if not ids:
        return 0
    # Explicit deletes: SQLite enforces ON DELETE CASCADE only with a pragma.
    db.session.execute(delete(OutboxMessage).where(OutboxMessage.lead_id.in_(ids)))
    db.session.execute(delete(LeadNote).where(LeadNote.lead_id.in_(ids)))
    db.session.execute(delete(Appointment).where(Appointment.lead_id.in_(ids)))
    # A missed concern's incident stays (its rule version and outcomes, nothing personal),
    # no longer pointing at the lead or its verdicts, which go with the lead.
    db.session.execute(
        update(SafetyIncident)
        .where(SafetyIncident.lead_id.in_(ids))
        .values(lead_id=None, verdict_id=None)
    )
    db.session.execute(delete(Verdict).where(Verdict.lead_id.in_(ids)))
    # The booking tool's events for it (the name and email the person gave the tool).
    db.session.execute(delete(BookingEvent).where(BookingEvent.lead_id.in_(ids)))
    # A duplicate merged into a deleted lead no longer points at it (ON DELETE SET NULL).
    db.session.execute(update(Lead).where(Lead.merged_into_id.in_(ids)).values(merged_into_id=None))
    db.session.execute(delete(Lead).where(Lead.id.in_(ids)))
    return len(ids)


def purge_older_than(days: int) -> int:
    """Delete every lead created more than ``days`` days ago; returns how many (uncommitted)."""
    cutoff = utcnow() - timedelta(days=days)
    ids = list(db.session.scalars(select(Lead.id).where(Lead.created_at < cutoff)))
    # Bookings that came back for no lead hold a name and email too: kept no longer.
    db.session.execute(
        delete(BookingEvent).where(
            BookingEvent.lead_id.is_(None), BookingEvent.received_at < cutoff
        )
    )
    return _delete_leads(ids)


def delete_lead(lead_id: int) -> bool:
    """Delete one person's lead and everything attached to it (uncommitted)."""
    return _delete_leads([lead_id]) == 1 if db.session.get(Lead, lead_id) else False
