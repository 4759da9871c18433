"""Appointments: booking, moving and cancelling one, its emails queued in the same commit.

Booking stores the appointment, sets the lead's status to "booked" (the status
change's note, time and webhook event, leads/status.py), writes one audit row
and queues the person's confirmation (with a calendar file) and reminder, all
in one transaction: nothing is booked without its emails, and no email is
queued for a booking that was not stored. A move or a cancel does the same for
its own change, and each of the three writes an "appointment" note on the lead's
history (who, what, when: the lead page's timeline reads it with the booking
tool's "booking" notes). Cancelling the last appointment of a "booked" lead sets
it back to "contacted": "booked" never stands without an appointment
(leads/status.py). The outbox delivers the emails (claimed, retried, exactly
once); what each says and when it is no longer wanted is
leads/appointment_messages.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from core.audit import record
from core.dbtypes import utcnow
from core.extensions import db
from leads import appointment_messages as messages
from leads import status
from leads.appointment_messages import KIND_LABELS, emails_go_to, reminder_hours
from leads.merged_guard import refuse_if_merged
from leads.models import Appointment, Lead, LeadNote

__all__ = [
    "DEFAULT_DURATION",
    "DURATIONS",
    "KIND_LABELS",
    "NOTE_KIND",
    "AppointmentChange",
    "AppointmentRefused",
    "book",
    "book_in_session",
    "cancel",
    "describe_note",
    "emails_go_to",
    "is_upcoming",
    "kind_for",
    "move",
    "reminder_hours",
]

#: The history note of a booking, move or cancellation made in the console.
NOTE_KIND = "appointment"

#: The kind of visit each screening result calls for (anything else: the free consultation).
KIND_FOR_OUTCOME = {
    "book_consultation": "consultation",
    "clinician_review": "medical_review",
    "see_dermatologist": "medical_review",
}

#: The lengths staff choose from, in minutes.
DURATIONS = (15, 30, 45, 60, 90)
DEFAULT_DURATION = 30

#: How far ahead an appointment may be booked (beyond that, a typing slip like 2205).
FURTHEST_AHEAD = timedelta(days=2 * 366)


class AppointmentRefused(ValueError):
    """Not done: a time past or too far ahead, a length or kind not offered, or it is over."""


@dataclass(frozen=True)
class AppointmentChange:
    appointment_id: int
    change: str  # "booked", "moved", "cancelled"
    message_ids: tuple[int, ...]  # the emails (and a status webhook) to deliver now
    emailed: bool  # whether the person is emailed about it
    status_changed: bool  # the lead's status became "booked"


def is_upcoming(appointment: Appointment) -> bool:
    return appointment.cancelled_at is None and appointment.starts_at > utcnow()


def _check(starts_at: datetime, duration_minutes: int, kind: str) -> None:
    now = utcnow()
    if starts_at <= now:
        raise AppointmentRefused("the time has passed")
    if starts_at > now + FURTHEST_AHEAD:
        raise AppointmentRefused("the time is too far ahead")
    if duration_minutes not in DURATIONS:
        raise AppointmentRefused(f"unknown length {duration_minutes!r}")
    if kind not in KIND_LABELS:
        raise AppointmentRefused(f"unknown kind {kind!r}")


def _audit(appointment: Appointment, change: str) -> None:
    at = appointment.starts_at.isoformat()
    record(
        "appointment",
        lead_id=appointment.lead_id,
        detail=f"appointment {appointment.id} {change}: {appointment.kind} at {at}",
        data={"change": change, "appointment": appointment.id, "at": at, "kind": appointment.kind},
    )


def _note(appointment: Appointment, change: str, by: int | None) -> None:
    """The history's line: "<change>:<kind>:<start time>" (read back by describe_note)."""
    db.session.add(
        LeadNote(
            lead_id=appointment.lead_id,
            author_id=by,
            kind=NOTE_KIND,
            text=f"{change}:{appointment.kind}:{appointment.starts_at.isoformat()}",
        )
    )


def describe_note(text: str) -> tuple[str, str, datetime | None]:
    """An appointment note's change, kind and start time (for the history)."""
    change, _, rest = text.partition(":")
    kind, _, at = rest.partition(":")
    try:
        when = datetime.fromisoformat(at) if at else None
    except ValueError:
        when = None
    return change, kind, when


def kind_for(lead: Lead) -> str:
    """The kind of visit the lead's result calls for: a clinician's review when the rules
    asked for one (or for a dermatologist), else the free consultation."""
    return KIND_FOR_OUTCOME.get(lead.outcome, "consultation")


def book_in_session(
    lead: Lead, starts_at: datetime, duration_minutes: int, kind: str, *, by: int | None
) -> AppointmentChange:
    """Book in the caller's transaction (a recorded call books with it): no commit.

    Raises AppointmentRefused before anything is written.
    """
    refuse_if_merged(lead)
    _check(starts_at, duration_minutes, kind)
    appointment = Appointment(
        lead_id=lead.id,
        starts_at=starts_at,
        duration_minutes=duration_minutes,
        kind=kind,
        created_by_id=by,
    )
    db.session.add(appointment)
    db.session.flush()
    _audit(appointment, "booked")
    _note(appointment, "booked", by)
    emails = messages.queue(appointment, "booked", 0)
    changed = status.apply_status(lead, status.BOOKED, author_id=by)
    webhooks = changed.message_ids if changed else ()
    return AppointmentChange(
        appointment.id, "booked", emails + webhooks, bool(emails), changed is not None
    )


def book(
    lead: Lead, starts_at: datetime, duration_minutes: int, kind: str, *, by: int | None
) -> AppointmentChange:
    """Book and commit an appointment; the lead becomes "booked" if it was not.

    ``by`` is the member of staff booking it (the audit names the signed-in one).
    Raises AppointmentRefused, with nothing written, for a time past or too far
    ahead, or a length or kind not offered.
    """
    change = book_in_session(lead, starts_at, duration_minutes, kind, by=by)
    db.session.commit()
    return change


def move(
    appointment: Appointment, starts_at: datetime, duration_minutes: int, *, by: int | None = None
) -> AppointmentChange | None:
    """Give an upcoming appointment a new time (and length) and commit; None if unchanged.

    The old time's confirmation and reminder not yet sent are skipped; a new
    confirmation (SEQUENCE one higher) and reminder are queued.
    """
    refuse_if_merged(appointment.lead)
    if not is_upcoming(appointment):
        raise AppointmentRefused("the appointment is cancelled or over")
    _check(starts_at, duration_minutes, appointment.kind)
    if (appointment.starts_at, appointment.duration_minutes) == (starts_at, duration_minutes):
        return None
    appointment.starts_at = starts_at
    appointment.duration_minutes = duration_minutes
    messages.skip_pending(appointment)
    _audit(appointment, "moved")
    _note(appointment, "moved", by)
    sequence = messages.current_sequence(appointment.id) + 1
    emails = messages.queue(appointment, "moved", sequence)
    db.session.commit()
    return AppointmentChange(appointment.id, "moved", emails, bool(emails), False)


def cancel(appointment: Appointment, *, by: int | None = None) -> AppointmentChange | None:
    """Cancel an upcoming appointment and commit; None when it was cancelled already.

    Its confirmation and reminder not yet sent are skipped; the person is sent a
    short cancellation whose calendar file removes it (METHOD:CANCEL). A "booked"
    lead left with no appointment becomes "contacted" (its status note and webhook).
    """
    refuse_if_merged(appointment.lead)
    if appointment.cancelled_at is not None:
        return None
    if not is_upcoming(appointment):
        raise AppointmentRefused("the appointment is over")
    appointment.cancelled_at = utcnow()
    messages.skip_pending(appointment)
    _audit(appointment, "cancelled")
    _note(appointment, "cancelled", by)
    sequence = messages.current_sequence(appointment.id) + 1
    emails = messages.queue(appointment, "cancelled", sequence)
    lead = appointment.lead
    changed = None
    if lead.status == status.BOOKED and not status.has_appointment(lead):
        changed = status.apply_status(lead, "contacted", author_id=by)
    db.session.commit()
    webhooks = changed.message_ids if changed else ()
    return AppointmentChange(
        appointment.id, "cancelled", emails + webhooks, bool(emails), changed is not None
    )
