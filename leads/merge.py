"""Merging a duplicate lead into the lead the clinic keeps working.

Nothing is deleted. The duplicate's notes and appointments move to the kept lead
with their authors and times, and the kept lead gets a "merged from" note (whose
words the console writes, in its language). The duplicate stays, so its answers
and decision remain readable, but it points to the kept lead (``merged_into_id``),
is closed (with its own status note), leaves the list and the duplicate checks,
and has no follow-up left. Its status notes stay on it: they are its history, not
the kept lead's. Leads merged into the duplicate before now point to the kept one.

One ``merge`` audit row names both ids; the audit rows of both leads stay, since
they refer to lead ids. Both rows are locked first (PostgreSQL), so two people
merging the same pair, or the pair both ways, cannot both succeed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import select, update

from core.audit import record
from core.dbtypes import utcnow
from core.extensions import db
from leads import outbox
from leads.duplicates import are_duplicates
from leads.models import Appointment, Lead, LeadNote, OutboxMessage
from leads.status import STATUS_NOTE_ARROW

#: Why a merge was refused (the console says each in words).
SAME_LEAD = "same_lead"
ALREADY_MERGED = "already_merged"  # the duplicate went into a lead before
INTO_MERGED = "into_merged"  # the lead to keep was itself merged away
NOT_DUPLICATES = "not_duplicates"  # no email or phone in common
NOT_FOUND = "not_found"


class MergeRefused(Exception):
    """The merge was not made; ``reason`` is one of the codes above. Nothing was written."""

    def __init__(self, reason: str):
        self.reason = reason
        super().__init__(reason)


@dataclass(frozen=True)
class Merged:
    duplicate_id: int
    kept_id: int
    notes_moved: int
    message_ids: tuple[int, ...]  # the webhook event of the duplicate's closing, if any


def check_merge(duplicate: Lead | None, kept: Lead | None) -> None:
    """Raise MergeRefused when ``duplicate`` may not be merged into ``kept``."""
    if duplicate is None or kept is None:
        raise MergeRefused(NOT_FOUND)
    if duplicate.id == kept.id:
        raise MergeRefused(SAME_LEAD)
    if duplicate.merged_into_id is not None:
        raise MergeRefused(ALREADY_MERGED)
    if kept.merged_into_id is not None:
        raise MergeRefused(INTO_MERGED)
    if not are_duplicates(duplicate, kept):
        raise MergeRefused(NOT_DUPLICATES)


def merge_leads(
    duplicate_id: int,
    kept_id: int,
    *,
    by_id: int | None,
    describe: Callable[[Lead], str],
) -> Merged:
    """Merge the duplicate into the kept lead and commit; MergeRefused writes nothing.

    ``describe(duplicate)`` gives the words of the kept lead's "merged from" note.
    """
    if duplicate_id == kept_id:
        raise MergeRefused(SAME_LEAD)
    locked = db.session.scalars(
        select(Lead)
        .where(Lead.id.in_((duplicate_id, kept_id)))
        .order_by(Lead.id)  # always the same order: two merges never wait on each other
        .with_for_update()
        .execution_options(populate_existing=True)
    ).all()
    by_id_of = {lead.id: lead for lead in locked}
    duplicate, kept = by_id_of.get(duplicate_id), by_id_of.get(kept_id)
    try:
        check_merge(duplicate, kept)
    except MergeRefused:
        db.session.rollback()
        raise
    now = utcnow()
    moved = db.session.execute(
        update(LeadNote)
        .where(LeadNote.lead_id == duplicate.id, LeadNote.kind != "status")
        .values(lead_id=kept.id)
    ).rowcount
    appointment_ids = select(Appointment.id).where(Appointment.lead_id == duplicate.id)
    db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.appointment_id.in_(appointment_ids))
        .values(lead_id=kept.id)
    )
    db.session.execute(
        update(Appointment).where(Appointment.lead_id == duplicate.id).values(lead_id=kept.id)
    )
    db.session.execute(
        update(Lead).where(Lead.merged_into_id == duplicate.id).values(merged_into_id=kept.id)
    )
    db.session.add(
        LeadNote(
            lead_id=kept.id, author_id=by_id, kind="merge", text=describe(duplicate), created_at=now
        )
    )
    message_ids: tuple[int, ...] = ()
    # Not leads.status.apply_status: a merge is no contact with the person, so the
    # duplicate's first-contact time (the dashboard's time to first contact) stays unset.
    if duplicate.status != "closed":
        db.session.add(
            LeadNote(
                lead_id=duplicate.id,
                author_id=by_id,
                kind="status",
                text=f"{duplicate.status}{STATUS_NOTE_ARROW}closed",
                created_at=now,
            )
        )
        duplicate.status = "closed"
        duplicate.status_changed_at = now
        message_ids = outbox.queue_event(duplicate.id, "lead.status_changed:closed")
    duplicate.merged_into_id = kept.id
    duplicate.follow_up_at = None
    record(
        "merge",
        lead_id=kept.id,
        detail=f"lead {duplicate.id} merged into lead {kept.id}",
        data={"from": duplicate.id, "into": kept.id},
    )
    merged = Merged(duplicate.id, kept.id, moved, message_ids)
    db.session.commit()
    return merged
