"""Merging a duplicate lead into the lead the clinic keeps working.

Nothing is deleted. For each contact detail the two leads hold differently (name,
email, phone, best time, language) staff choose which the kept lead keeps
(``choices``; by default the newer lead's, when it has one: a person who asks again
usually gives their current number). The value not chosen is written on the kept
lead's history as a "contact" note ("Phone: old → new"), the form data requests
search (leads/data_rights.py), so it is found, exported and erased with the person.
The duplicate's notes, calls, appointments and booking-tool events move to the kept
lead with their authors and times; its message becomes the kept lead's when that
has none, and the "merged from" note (whose words the console writes, in its
language) carries it either way. A follow-up or an assignee the kept lead lacks is
taken from the duplicate. Verdicts stay on the duplicate: they judge its answers.

The duplicate stays, so its answers and decision remain readable, but it points to
the kept lead (``merged_into_id``), is closed (with its own status note), leaves the
list and the duplicate checks, has no follow-up left, and is read-only from then on
(leads/merged_guard.py). Its status notes stay on it: they are its history, not
the kept lead's. Leads merged into the duplicate before now point to the kept one.

One ``merge`` audit row names both ids; the audit rows of both leads stay, since
they refer to lead ids. Both rows are locked first (PostgreSQL), so two people
merging the same pair, or the pair both ways, cannot both succeed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from sqlalchemy import select, update

from core.audit import record
from core.dbtypes import utcnow
from core.extensions import db
from leads import outbox
from leads.duplicates import are_duplicates, normalised_email
from leads.models import Appointment, BookingEvent, Lead, LeadNote, OutboxMessage
from leads.status import STATUS_NOTE_ARROW

#: Why a merge was refused (the console says each in words).
SAME_LEAD = "same_lead"
ALREADY_MERGED = "already_merged"  # the duplicate went into a lead before
INTO_MERGED = "into_merged"  # the lead to keep was itself merged away
NOT_DUPLICATES = "not_duplicates"  # no email or phone in common
NOT_FOUND = "not_found"


#: The contact details chosen field by field, in the order the merge page shows them.
CHOSEN_FIELDS = ("name", "email", "phone", "contact_time", "lang")
KEPT, DUPLICATE = "kept", "duplicate"


@dataclass(frozen=True)
class FieldChoice:
    """One differing detail: the value the kept lead ends with, and the one not chosen."""

    field: str
    chosen: str
    other: str
    other_from: int  # the lead the value not chosen was on


def differing_fields(duplicate: Lead, kept: Lead) -> tuple[str, ...]:
    """The contact details the two leads hold differently (emails compared in any case)."""
    return tuple(
        name
        for name in CHOSEN_FIELDS
        if (
            normalised_email(duplicate.email) != normalised_email(kept.email)
            if name == "email"
            else getattr(duplicate, name) != getattr(kept, name)
        )
    )


def default_choices(duplicate: Lead, kept: Lead) -> dict[str, str]:
    """The newer lead's value of each differing detail, unless it is empty."""
    newer, older = (
        (DUPLICATE, KEPT)
        if (duplicate.created_at, duplicate.id) > (kept.created_at, kept.id)
        else (KEPT, DUPLICATE)
    )
    lead_of = {KEPT: kept, DUPLICATE: duplicate}
    return {
        name: newer if getattr(lead_of[newer], name) else older
        for name in differing_fields(duplicate, kept)
    }


def field_choices(
    duplicate: Lead, kept: Lead, choices: Mapping[str, str] | None = None
) -> list[FieldChoice]:
    """What the kept lead ends with: ``choices`` (KEPT or DUPLICATE per field), else defaults."""
    chosen = default_choices(duplicate, kept)
    for name, side in (choices or {}).items():
        if name not in chosen or side not in (KEPT, DUPLICATE):
            raise ValueError(f"no choice {side!r} for {name!r}")
        chosen[name] = side
    result = []
    for name, side in chosen.items():
        winner, loser = (duplicate, kept) if side == DUPLICATE else (kept, duplicate)
        result.append(FieldChoice(name, getattr(winner, name), getattr(loser, name), loser.id))
    return result


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
    choices: Mapping[str, str] | None = None,
    describe_fields: Callable[[list[FieldChoice]], str] | None = None,
) -> Merged:
    """Merge the duplicate into the kept lead in one transaction and commit.

    MergeRefused (and ValueError for a choice of a field that does not differ) write
    nothing. ``describe(duplicate)`` gives the words of the kept lead's "merged from"
    note; ``describe_fields(changes)`` those of its "contact" note, one line per detail
    in data requests' form "Label: not chosen → chosen" (plain lines by default).
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
    try:
        changes = field_choices(duplicate, kept, choices)
    except ValueError:
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
        update(BookingEvent).where(BookingEvent.lead_id == duplicate.id).values(lead_id=kept.id)
    )
    db.session.execute(
        update(Lead).where(Lead.merged_into_id == duplicate.id).values(merged_into_id=kept.id)
    )
    db.session.add(
        LeadNote(
            lead_id=kept.id, author_id=by_id, kind="merge", text=describe(duplicate), created_at=now
        )
    )
    if changes:
        db.session.add(
            LeadNote(
                lead_id=kept.id,
                author_id=by_id,
                kind="contact",
                text=(describe_fields or _plain_lines)(changes),
                created_at=now,
            )
        )
    for change in changes:
        setattr(kept, change.field, change.chosen)
    if not kept.message and duplicate.message:
        kept.message = duplicate.message
    if kept.follow_up_at is None:
        kept.follow_up_at = duplicate.follow_up_at
    if kept.assigned_to_id is None:
        kept.assigned_to_id = duplicate.assigned_to_id
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
        # Which details came from where, never the details themselves.
        data={
            "from": duplicate.id,
            "into": kept.id,
            "chosen": {c.field: DUPLICATE if c.other_from == kept.id else KEPT for c in changes},
        },
    )
    merged = Merged(duplicate.id, kept.id, moved, message_ids)
    db.session.commit()
    return merged


def _plain_lines(changes: list[FieldChoice]) -> str:
    return "\n".join(f"{c.field}: {c.other or '–'} → {c.chosen or '–'}" for c in changes)
