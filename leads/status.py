"""Changing a lead's status: the one way the console, a recorded call and the API do it.

The new status, a status note on the lead's history, the time it changed (and,
the first time a lead leaves "new", when it was first contacted) and the
webhook event ("lead.status_changed:<status>", when a webhook is set up) are
written in one transaction with the audit event: a status never changes without
its history, its audit and its notification, nor is a notification queued for a
change that was not stored. The webhook is sent through the outbox (claimed,
retried, exactly once); the caller hands ``message_ids`` to ``deliver_after_response``.

``change_status`` is the whole action (the audit row is its own ``update``, or
``api_update`` for a program, and it commits). ``apply_status`` is the part a
larger action reuses: a recorded call changes the status inside its own
transaction and writes one ``call`` audit row for everything it did, so it must
not write a second one.

"Booked" always has an appointment: whichever path sets it (the status form, a
recorded call, the API, a booking), the lead must hold an appointment not
cancelled, or ``BookedWithoutAppointment`` is raised with nothing written. A
booking stores (and flushes) its appointment first, then sets the status.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from core.audit import record
from core.dbtypes import utcnow
from core.extensions import db
from leads import outbox
from leads.merged_guard import refuse_if_merged
from leads.models import STATUS_NOTE_ARROW, STATUSES, Appointment, Lead, LeadNote

#: The status that needs an appointment behind it.
BOOKED = "booked"


class BookedWithoutAppointment(ValueError):
    """Refused: "booked" asked for a lead with no appointment (booking is what sets it)."""


def has_appointment(lead: Lead) -> bool:
    """Whether the lead holds an appointment not cancelled (one pending in this session too)."""
    found = db.session.scalar(
        select(Appointment.id)
        .where(Appointment.lead_id == lead.id, Appointment.cancelled_at.is_(None))
        .limit(1)
    )
    return found is not None


@dataclass(frozen=True)
class StatusChange:
    lead_id: int
    before: str
    after: str
    message_ids: tuple[int, ...]  # the webhook event queued, if any


def note_first_contact(lead: Lead) -> None:
    """Remember when the clinic first reached out (a call, or leaving "new"); only once."""
    if lead.first_contacted_at is None:
        lead.first_contacted_at = utcnow()


def apply_status(lead: Lead, status: str, *, author_id: int | None) -> StatusChange | None:
    """Set the status with its note, times and webhook event in the caller's transaction.

    Writes no audit row and does not commit: the caller does both, once for its
    whole action. None (nothing written) when the lead had that status already.
    Raises BookedWithoutAppointment, with nothing written, for "booked" on a lead
    with no appointment.
    """
    if status not in STATUSES:
        raise ValueError(f"unknown status {status!r}")
    refuse_if_merged(lead)
    if status == lead.status:
        return None
    if status == BOOKED and not has_appointment(lead):
        raise BookedWithoutAppointment("book an appointment: that sets the status to booked")
    before = lead.status
    lead.status = status
    lead.status_changed_at = utcnow()
    if before == "new":
        note_first_contact(lead)
    db.session.add(
        LeadNote(
            lead_id=lead.id,
            author_id=author_id,
            kind="status",
            text=f"{before}{STATUS_NOTE_ARROW}{status}",
        )
    )
    message_ids = outbox.queue_event(lead.id, f"lead.status_changed:{status}")
    return StatusChange(lead.id, before, status, message_ids)


def change_status(
    lead: Lead, status: str, *, author_id: int | None, api_token: object | None = None
) -> StatusChange | None:
    """Set and commit the lead's status with one audit row; None when it had it already.

    ``author_id`` is the member of staff (signs the note; the audit names the
    signed-in one); ``api_token`` the ApiToken of a program (audited as such).
    """
    change = apply_status(lead, status, author_id=author_id)
    if change is None:
        return None
    detail = f"status {change.before} -> {change.after}"
    data = {"from": change.before, "to": change.after}
    if api_token is None:
        record("update", lead_id=lead.id, detail=detail, data=data)
    else:
        record(
            "api_update",
            lead_id=lead.id,
            detail=detail,
            data=data,
            actor=None,
            api_token=api_token,
        )
    db.session.commit()
    return change


def status_history(lead: Lead) -> list[tuple[LeadNote, str, str]]:
    """The lead's status notes, oldest first, each with the status before and after."""
    history = []
    for note in lead.notes:
        if note.kind == "status" and STATUS_NOTE_ARROW in note.text:
            before, after = note.text.split(STATUS_NOTE_ARROW, 1)
            history.append((note, before, after))
    return history
