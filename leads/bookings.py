"""Bookings that come back from the clinic's booking tool: found, applied once, or kept.

A receiver (integrations/) turns a tool's signed event into a ``BookingNotice`` and
hands it here. The event is stored once per tool and event id (a unique pair), in
the same transaction as what it changes: a replayed or duplicated event changes
nothing. The lead is found by the booking reference the hand-off link carried
(leads/booking_reference.py), or by the tool's booking id of an appointment
already stored. An event for no known lead is kept "unmatched" for the front desk
to attach by hand (``attach``); none is dropped.

A matched event books, moves or cancels the lead's appointment (one per tool booking
id; the event's start time is the appointment's), sets the status ("booked"; back to
"contacted" when a cancellation leaves nothing upcoming) and writes a "booking" note
in the lead's history ("Booked through Cal.com") and one audit row. No email is sent:
the tool confirms the booking to the person itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError

from core.audit import record
from core.dbtypes import utcnow
from core.extensions import db
from leads import status
from leads.booking_reference import find_reference, is_booking_reference
from leads.models import Appointment, BookingEvent, Lead, LeadNote

__all__ = ["find_reference", "is_booking_reference"]  # and what is defined below

#: The tools whose events come back, by the code stored with their appointments.
TOOL_NAMES = {"calcom": "Cal.com", "calendly": "Calendly", "acuity": "Acuity", "jane": "Jane"}
CHANGES = ("booked", "moved", "cancelled", "none")

#: The kind of visit a tool's booking is recorded as, from the lead's result.
KIND_BY_OUTCOME = {"clinician_review": "medical_review"}
DEFAULT_KIND = "consultation"
DEFAULT_MINUTES = 30
LONGEST_MINUTES = 8 * 60

#: The booking note's text: "<tool>:<change>:<start, ISO 8601 UTC or empty>".
NOTE_KIND = "booking"


@dataclass(frozen=True)
class BookingNotice:
    """One event from a tool, as its receiver read it (signature already verified)."""

    tool: str
    event_id: str
    change: str  # "booked", "moved", "cancelled"; "none" for one that changes nothing
    booking_id: str
    starts_at: datetime | None = None
    duration_minutes: int | None = None
    reference: str = ""
    previous_booking_id: str = ""  # the booking this one replaces (a reschedule)
    booker_name: str = ""
    booker_email: str = ""


@dataclass(frozen=True)
class Received:
    outcome: str  # "applied", "unmatched", "duplicate"; "retry" (a concurrent event won)
    lead_id: int | None = None
    message_ids: tuple[int, ...] = ()  # the status webhooks to deliver now


def _minutes(value: int | None) -> int:
    if value is None or value <= 0:
        return DEFAULT_MINUTES
    return min(value, LONGEST_MINUTES)


def _kept_lead(lead: Lead | None) -> Lead | None:
    """A merged duplicate's booking goes to the lead it was merged into."""
    seen = 0
    while lead is not None and lead.merged_into_id is not None and seen < 10:
        lead = db.session.get(Lead, lead.merged_into_id)
        seen += 1
    return lead


def _appointment_of(event: BookingEvent) -> Appointment | None:
    ids = [i for i in (event.booking_id, event.previous_booking_id) if i]
    if not ids:
        return None
    return db.session.scalar(
        select(Appointment)
        .where(
            Appointment.booking_tool == event.tool, or_(*(Appointment.booking_id == i for i in ids))
        )
        .order_by(Appointment.id)
        .limit(1)
    )


def _lead_for(event: BookingEvent) -> Lead | None:
    """The lead whose appointment this booking already is (it stays with it, even one
    attached by hand), else the lead whose reference the event carries."""
    appointment = _appointment_of(event)
    lead = appointment.lead if appointment is not None else None
    if lead is None and event.reference:
        lead = db.session.scalar(select(Lead).where(Lead.booking_reference == event.reference))
    return _kept_lead(lead)


def _note(lead: Lead, event: BookingEvent, change: str, starts_at: datetime | None) -> None:
    at = starts_at.isoformat() if starts_at is not None else ""
    db.session.add(
        LeadNote(
            lead_id=lead.id, author_id=None, kind=NOTE_KIND, text=f"{event.tool}:{change}:{at}"
        )
    )


def _apply(lead: Lead, event: BookingEvent, **audit_as: Any) -> tuple[int, ...]:
    """Book, move or cancel the lead's appointment for this event, with its note and status.

    ``audit_as`` is ``actor=None`` for the tool itself; nothing for the signed-in staff.
    """
    appointment = _appointment_of(event)
    if appointment is not None and appointment.lead_id != lead.id:
        appointment.lead_id = lead.id  # attached by hand: the front desk's choice of lead
    change = event.change
    if change in ("booked", "moved") and event.starts_at is not None:
        if appointment is None:
            appointment = Appointment(
                lead_id=lead.id,
                starts_at=event.starts_at,
                duration_minutes=_minutes(event.duration_minutes),
                kind=KIND_BY_OUTCOME.get(lead.outcome, DEFAULT_KIND),
                booking_tool=event.tool,
                booking_id=event.booking_id,
            )
            db.session.add(appointment)
            change = "booked"
        else:
            if appointment.starts_at == event.starts_at and appointment.cancelled_at is None:
                change = "none" if appointment.booking_id == event.booking_id else change
            else:
                change = "moved"
            appointment.starts_at = event.starts_at
            appointment.duration_minutes = _minutes(
                event.duration_minutes or appointment.duration_minutes
            )
            appointment.booking_id = event.booking_id
            appointment.cancelled_at = None
    elif change == "cancelled":
        if appointment is None or appointment.cancelled_at is not None:
            change = "none"
        else:
            appointment.cancelled_at = utcnow()
    else:
        change = "none"
    if change == "none":
        return ()
    db.session.flush()
    starts_at = appointment.starts_at
    _note(lead, event, change, starts_at)
    record(
        "appointment",
        lead_id=lead.id,
        detail=f"appointment {appointment.id} {change} through {TOOL_NAMES[event.tool]}",
        data={
            "change": change,
            "appointment": appointment.id,
            "at": starts_at.isoformat(),
            "kind": appointment.kind,
            "through": event.tool,
        },
        **audit_as,
    )
    if change == "cancelled":
        upcoming = [
            a
            for a in lead.appointments
            if a.cancelled_at is None and a.starts_at > utcnow() and a.id != appointment.id
        ]
        changed = (
            status.apply_status(lead, "contacted", author_id=None)
            if lead.status == "booked" and not upcoming
            else None
        )
    else:
        changed = status.apply_status(lead, "booked", author_id=None)
    return changed.message_ids if changed else ()


def receive(notice: BookingNotice) -> Received:
    """Store the event once and apply it to its lead, or keep it unmatched; commit.

    A second event with the same tool and event id (a replay, a retry, a duplicate
    sent concurrently) is answered "duplicate" with nothing written.
    """
    if notice.tool not in TOOL_NAMES or notice.change not in CHANGES:
        raise ValueError(f"unknown booking event {notice.tool!r} {notice.change!r}")
    event = BookingEvent(
        tool=notice.tool,
        event_id=notice.event_id[:255],
        change=notice.change,
        booking_id=notice.booking_id[:200],
        previous_booking_id=notice.previous_booking_id[:200],
        starts_at=notice.starts_at,
        duration_minutes=notice.duration_minutes,
        reference=notice.reference[:64],
        booker_name=notice.booker_name[:200],
        booker_email=notice.booker_email[:254],
        state="unmatched",
    )
    try:
        db.session.add(event)
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        return Received("duplicate")
    lead = _lead_for(event)
    message_ids: tuple[int, ...] = ()
    try:
        if lead is None and notice.change == "none":
            event.state = "noted"  # half of a reschedule, for no known lead: nothing to match
        elif lead is not None:
            event.state = "applied"
            event.lead_id = lead.id
            message_ids = _apply(lead, event, actor=None)
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        seen = db.session.scalar(
            select(BookingEvent.id).where(
                BookingEvent.tool == notice.tool, BookingEvent.event_id == event.event_id
            )
        )
        # The same event committed by a concurrent request first; or another event of the
        # same booking stored its appointment first: "retry" (the tool sends it again).
        return Received("duplicate" if seen is not None else "retry")
    if lead is None:
        return Received("unmatched" if event.state == "unmatched" else "applied")
    return Received("applied", lead.id, message_ids)


def unmatched_count() -> int:
    """How many events wait for the front desk (an index on the state answers it)."""
    return db.session.scalar(
        select(func.count()).select_from(BookingEvent).where(BookingEvent.state == "unmatched")
    )


def unmatched() -> list[BookingEvent]:
    """The events waiting for the front desk, newest first."""
    return list(
        db.session.scalars(
            select(BookingEvent)
            .where(BookingEvent.state == "unmatched")
            .order_by(BookingEvent.received_at.desc(), BookingEvent.id.desc())
        )
    )


def attach(event: BookingEvent, lead: Lead, *, by_id: int) -> tuple[int, ...]:
    """Apply an unmatched event to the lead the front desk chose, and commit.

    Returns the status webhooks to deliver. The audit row names the signed-in member
    of staff. Raises ValueError for an event that is not unmatched any more.
    """
    if event.state != "unmatched":
        raise ValueError("the booking is not waiting to be matched")
    lead = _kept_lead(lead) or lead
    event.state = "attached"
    event.lead_id = lead.id
    event.attached_by_id = by_id
    message_ids = _apply(lead, event)
    db.session.commit()
    return message_ids


def describe_note(text: str) -> tuple[str, str, datetime | None]:
    """A booking note's tool name, change and start time (for the history)."""
    tool, _, rest = text.partition(":")
    change, _, at = rest.partition(":")
    when = datetime.fromisoformat(at) if at else None
    return TOOL_NAMES.get(tool, tool), change, when
