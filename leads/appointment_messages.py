"""What a person is sent about their appointment, and whether each message is still wanted.

Every message of an appointment (a confirmation, a reminder, a cancellation) is
an outbox row rendered from the appointment when it is sent (leads/notify.py),
so no personal data is copied into the outbox. Each carries the appointment's
version (``event`` "appointment.<change>:<sequence>"): 0 when booked, one more
for each move and for the cancel. The calendar file's SEQUENCE is that number,
so a calendar replaces the old time with the new one.

A confirmation or reminder of an older version never goes out: a move or a
cancel marks the pending ones "skipped" (``skip_pending``), and delivery checks
again (``still_wanted``) in case a sender had claimed one just before. The
reminder is queued for ``reminder_hours`` (a clinic setting, 24 by default)
before the start; when that moment has already passed, none is queued: the
confirmation going out now says the same.

Kept apart from the booking (leads/appointments.py), which changes the lead's
status and so reaches the outbox: the delivery reads this module.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from core import clinic_settings
from core.dbtypes import utcnow
from core.extensions import db
from leads.models import Appointment, Lead, OutboxMessage

#: What kind of visit, stored as its code, named in the console's or the person's language.
KIND_LABELS = {
    "consultation": _l("Free consultation"),
    "medical_review": _l("Medical review"),
    "microneedling": _l("Microneedling session"),
}

#: What the person can expect, or bring, for each kind: one or two lines in the clinic's voice.
KIND_EXPECTATIONS = {
    "consultation": _l(
        "At your free consultation we look at your acne scars together and talk about "
        "whether microneedling is right for you."
    ),
    "medical_review": _l(
        "A clinician goes through your health questions with you before any treatment. "
        "Please bring a list of the medicines you take."
    ),
    "microneedling": _l(
        "Please come with clean skin, without make-up where you are treated. We go through "
        "the aftercare with you before you leave."
    ),
}

CONFIRMATION = "appointment_confirmation"
REMINDER = "appointment_reminder"
CANCELLATION = "appointment_cancellation"

DEFAULT_REMINDER_HOURS = 24


def emails_go_to(lead: Lead) -> bool:
    """Whether the person is emailed about their appointments: a mail server and an address."""
    return bool(current_app.config["SMTP_HOST"] and lead.email)


def reminder_hours() -> int:
    """How many hours before an appointment its reminder goes (the clinic's setting)."""
    try:
        return int(clinic_settings.text("reminder_hours"))
    except ValueError:
        return DEFAULT_REMINDER_HOURS


def reminder_at(starts_at: datetime) -> datetime | None:
    """When the reminder of an appointment at ``starts_at`` goes; None when that has passed."""
    hours = reminder_hours()
    if hours <= 0:
        return None
    moment = starts_at - timedelta(hours=hours)
    return moment if moment > utcnow() else None


def _number(event: str) -> int | None:
    _, _, number = event.rpartition(":")
    return int(number) if number.isdigit() else None


def sequence_of(message: OutboxMessage) -> int:
    """The appointment version a message was written for ("appointment.moved:2" → 2)."""
    return _number(message.event) or 0


def current_sequence(appointment_id: int) -> int:
    """The latest version of the appointment any of its messages was written for."""
    events = db.session.scalars(
        select(OutboxMessage.event).where(OutboxMessage.appointment_id == appointment_id)
    )
    return max((n for n in map(_number, events) if n is not None), default=0)


def still_wanted(message: OutboxMessage, appointment: Appointment | None) -> bool:
    """Whether this message should still go out, checked as it is sent.

    A cancellation always does (while its appointment is there). A confirmation or
    reminder does not once the appointment was cancelled or moved (a newer version
    was queued); a reminder not once the appointment has begun (a retry too late).
    """
    if appointment is None:
        return False
    if message.kind == CANCELLATION:
        return True
    if appointment.cancelled_at is not None:
        return False
    if sequence_of(message) < current_sequence(appointment.id):
        return False
    return not (message.kind == REMINDER and appointment.starts_at <= utcnow())


def queue(appointment: Appointment, change: str, sequence: int) -> tuple[int, ...]:
    """The person's emails about this change ("booked", "moved", "cancelled"), uncommitted.

    None when the person gave no email or no mail server is set up.
    """
    if not emails_go_to(appointment.lead):
        return ()
    now = utcnow()
    if change == "cancelled":
        planned = [(CANCELLATION, now)]
    else:
        planned = [(CONFIRMATION, now)]
        remind = reminder_at(appointment.starts_at)
        if remind is not None:
            planned.append((REMINDER, remind))
    messages = [
        OutboxMessage(
            lead_id=appointment.lead_id,
            appointment_id=appointment.id,
            kind=kind,
            event=f"appointment.{change}:{sequence}",
            created_at=now,
            next_attempt_at=at,
        )
        for kind, at in planned
    ]
    db.session.add_all(messages)
    db.session.flush()
    return tuple(message.id for message in messages)


def skip_pending(appointment: Appointment) -> None:
    """The confirmation and reminder not yet sent for the time before a move or cancel."""
    db.session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.appointment_id == appointment.id,
            OutboxMessage.status == "pending",
            OutboxMessage.kind.in_((CONFIRMATION, REMINDER)),
        )
        .values(status="skipped", last_error="the appointment was moved or cancelled")
    )
