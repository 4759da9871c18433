"""An appointment's emails through the outbox and a real SMTP server, with its calendar file.

The confirmation goes at once with an .ics a calendar reads back (the same UID,
DTSTART the stored UTC time, no health data), in the person's language; the
reminder goes when it is due and not before, exactly once, and never after the
appointment was moved or cancelled; a move raises SEQUENCE, a cancel sends
METHOD:CANCEL. Delivery is driven with a clock set later (the outbox's own).
"""

from __future__ import annotations

from datetime import timedelta
from email.header import decode_header, make_header
from email.message import Message
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar
from sqlalchemy import select, update

from core import clinic_settings
from core.audit import AuditEvent
from core.dbtypes import utcnow
from core.extensions import db
from leads import appointment_messages, appointments, outbox
from leads.models import Appointment, Lead, OutboxMessage
from tests.console_support import submit_contact
from tests.support import Walker

REAL_UTCNOW = utcnow


@pytest.fixture
def clock(monkeypatch):
    """The outbox's clock (and the check of what is still wanted), moved forward at will."""

    class Clock:
        ahead = timedelta(0)

        def __call__(self):
            return REAL_UTCNOW() + self.ahead

    moved = Clock()
    monkeypatch.setattr(outbox, "utcnow", moved)
    monkeypatch.setattr(appointment_messages, "utcnow", moved)
    return moved


@pytest.fixture
def clinic(app_factory, smtp):
    """The app with a mail server, and one lead (a medical-review outcome: cold sores)."""
    app = app_factory(
        SMTP_HOST="127.0.0.1",
        SMTP_PORT=smtp.port,
        SMTP_TLS="none",
        MAIL_FROM="desk@clinic.test",
        CLINIC_TIME_ZONE="Europe/Madrid",
        OUTBOX_BACKOFF_SECONDS=60,
    )
    public = app.test_client()
    submit_contact(public, Walker(public), "clinician_review")
    smtp.collector.messages.clear()  # the request's own confirmation
    return app


def book(app, starts_in: timedelta, kind: str = "consultation") -> appointments.AppointmentChange:
    with app.test_request_context():
        lead = db.session.get(Lead, 1)
        starts = (utcnow() + starts_in).replace(second=0, microsecond=0)
        return appointments.book(lead, starts, 30, kind, by=None)


def deliver_due(app) -> outbox.DeliveryReport:
    with app.app_context():
        return outbox.deliver_due()


def outbox_rows(app) -> list[tuple[str, str, str]]:
    with app.app_context():
        rows = db.session.execute(
            select(OutboxMessage.kind, OutboxMessage.status, OutboxMessage.event).order_by(
                OutboxMessage.id
            )
        )
        return [tuple(row) for row in rows if row.kind.startswith("appointment_")]


def text_of(message: Message) -> str:
    part = next(p for p in message.walk() if p.get_content_type() == "text/plain")
    return part.get_payload(decode=True).decode(part.get_content_charset()).replace("\r\n", "\n")


def calendar_of(message: Message) -> tuple[Calendar, object, str]:
    (part,) = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
    assert part.get_filename() == "appointment.ics"
    raw = part.get_payload(decode=True)
    calendar = Calendar.from_ical(raw)
    (event,) = calendar.walk("VEVENT")
    return calendar, event, raw.decode()


def subject_of(message: Message) -> str:
    return str(make_header(decode_header(message["Subject"]))).strip()


def stored_start(app, appointment_id: int):
    with app.app_context():
        return db.session.get(Appointment, appointment_id).starts_at


def test_the_confirmation_arrives_at_once_with_a_calendar_file_and_no_health_data(clinic, smtp):
    change = book(clinic, timedelta(days=3), "medical_review")
    with clinic.app_context():
        outbox.deliver(change.message_ids)  # as the console does once its answer is sent

    (email,) = smtp.messages  # the reminder is not due for days
    assert email["X-Envelope-To"] == "zoe@example.com"
    assert subject_of(email).startswith("Your appointment at Trilogy Medical Center on ")
    body = text_of(email)
    assert body.startswith("Hello,\n")
    assert "Medical review" in body and "(Europe/Madrid time)" in body and "30 minutes" in body
    assert "call us on +1 (555) 010-0199" in body
    calendar, event, raw = calendar_of(email)
    assert str(calendar["METHOD"]) == "PUBLISH"
    assert str(event["UID"]) == f"appointment-{change.appointment_id}@console.test"
    assert event.decoded("DTSTART") == stored_start(clinic, change.appointment_id)
    assert event.decoded("DTSTART").utcoffset() == timedelta(0)
    assert int(event["SEQUENCE"]) == 0
    # Nothing the person typed or answered: not their name, message, phone or outcome.
    for text in (body, raw, subject_of(email)):
        for private in ("Zoë", "Zo=C3=AB", "Evenings", "7946", "cold", "clinician_review"):
            assert private not in text, private
    assert outbox_rows(clinic) == [
        ("appointment_confirmation", "sent", "appointment.booked:0"),
        ("appointment_reminder", "pending", "appointment.booked:0"),
    ]


def test_the_person_is_written_to_in_their_language(clinic, smtp):
    with clinic.app_context():
        db.session.execute(update(Lead).values(lang="es"))
        db.session.commit()
    change = book(clinic, timedelta(days=3))
    with clinic.app_context():
        outbox.deliver(change.message_ids)
    (email,) = smtp.messages
    body = text_of(email)
    assert body.startswith("Hola:") and "Hello" not in body
    starts = stored_start(clinic, change.appointment_id).astimezone(ZoneInfo("Europe/Madrid"))
    weekdays = ["lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo"]
    assert weekdays[starts.weekday()] in body  # the date as Spanish writes it
    assert "(hora de Europe/Madrid)" in body  # the zone the time is in, in Spanish


def test_the_reminder_goes_when_due_not_before_and_exactly_once(clinic, smtp, clock):
    change = book(clinic, timedelta(days=3))
    with clinic.app_context():
        outbox.deliver(change.message_ids)
    assert len(smtp.messages) == 1

    clock.ahead = timedelta(days=2) - timedelta(minutes=2)  # 24h 2m before the start
    assert deliver_due(clinic).sent == []
    clock.ahead = timedelta(days=2) + timedelta(minutes=1)  # 23h 59m before
    assert len(deliver_due(clinic).sent) == 1
    clock.ahead = timedelta(days=2, hours=12)
    assert deliver_due(clinic).sent == []  # once
    assert len(smtp.messages) == 2
    reminder = smtp.messages[1]
    assert subject_of(reminder).startswith("Reminder: your appointment at Trilogy Medical Center")
    assert "A reminder of your appointment" in text_of(reminder)
    assert not [p for p in reminder.walk() if p.get_content_type() == "text/calendar"]


def test_the_reminder_hours_are_the_clinics_setting(clinic):
    with clinic.app_context():
        clinic_settings.set_text("reminder_hours", "48", by=None)
        db.session.commit()
    change = book(clinic, timedelta(days=3))
    with clinic.app_context():
        starts = db.session.get(Appointment, change.appointment_id).starts_at
        reminder = db.session.scalars(
            select(OutboxMessage).where(OutboxMessage.kind == "appointment_reminder")
        ).one()
        assert reminder.next_attempt_at == starts - timedelta(hours=48)


def test_no_reminder_when_its_moment_has_already_passed(clinic, smtp):
    """Booked for two hours from now: the confirmation says it all, now."""
    change = book(clinic, timedelta(hours=2))
    with clinic.app_context():
        outbox.deliver(change.message_ids)
    assert [kind for kind, _, _ in outbox_rows(clinic)] == ["appointment_confirmation"]
    assert len(smtp.messages) == 1


def test_a_move_sends_a_new_confirmation_with_a_higher_sequence_and_only_the_new_reminder(
    clinic, smtp, clock
):
    change = book(clinic, timedelta(days=3))
    with clinic.app_context():
        outbox.deliver(change.message_ids)
    with clinic.test_request_context():
        appointment = db.session.get(Appointment, change.appointment_id)
        moved = appointments.move(appointment, appointment.starts_at + timedelta(days=4), 45)
        outbox.deliver(moved.message_ids)
    assert len(smtp.messages) == 2
    new = smtp.messages[1]
    assert "has moved" in subject_of(new) and "45 minutes" in text_of(new)
    _, first, _ = calendar_of(smtp.messages[0])
    _, event, _ = calendar_of(new)
    assert event["UID"] == first["UID"]
    assert int(event["SEQUENCE"]) == 1
    assert event.decoded("DTSTART") == stored_start(clinic, change.appointment_id)
    assert event.decoded("DTEND") - event.decoded("DTSTART") == timedelta(minutes=45)
    assert outbox_rows(clinic) == [
        ("appointment_confirmation", "sent", "appointment.booked:0"),
        ("appointment_reminder", "skipped", "appointment.booked:0"),
        ("appointment_confirmation", "sent", "appointment.moved:1"),
        ("appointment_reminder", "pending", "appointment.moved:1"),
    ]

    clock.ahead = timedelta(days=2, hours=1)  # the old reminder's time: nothing goes
    assert deliver_due(clinic).sent == []
    clock.ahead = timedelta(days=6, hours=1)  # the new one's
    assert len(deliver_due(clinic).sent) == 1
    assert len(smtp.messages) == 3


def test_a_reminder_claimed_just_before_a_move_is_not_sent(clinic, smtp, clock):
    """Delivery checks again: a reminder of the old time still pending is skipped, unsent."""
    change = book(clinic, timedelta(days=3))
    with clinic.test_request_context():
        appointment = db.session.get(Appointment, change.appointment_id)
        appointments.move(appointment, appointment.starts_at + timedelta(hours=1), 30)
        # As if a sender had held the old reminder when the move marked it skipped.
        db.session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.event == "appointment.booked:0")
            .values(status="pending")
        )
        db.session.commit()
    clock.ahead = timedelta(days=2, hours=2)  # both reminders' times have come
    report = deliver_due(clinic)
    assert len(report.not_wanted) == 2  # the old time's confirmation and reminder
    subjects = [subject_of(m) for m in smtp.messages]
    assert len(subjects) == 2 and sum("Reminder" in s for s in subjects) == 1
    assert deliver_due(clinic).sent == []


def test_a_cancel_sends_method_cancel_and_the_reminder_never_goes(clinic, smtp, clock):
    change = book(clinic, timedelta(days=3))
    with clinic.app_context():
        outbox.deliver(change.message_ids)
    with clinic.test_request_context():
        cancelled = appointments.cancel(db.session.get(Appointment, change.appointment_id))
        outbox.deliver(cancelled.message_ids)
        assert appointments.cancel(db.session.get(Appointment, change.appointment_id)) is None
    assert len(smtp.messages) == 2
    email = smtp.messages[1]
    assert "is cancelled" in subject_of(email)
    assert "call us on" in text_of(email)
    calendar, event, _ = calendar_of(email)
    _, booked, _ = calendar_of(smtp.messages[0])
    assert str(calendar["METHOD"]) == "CANCEL" and str(event["STATUS"]) == "CANCELLED"
    assert event["UID"] == booked["UID"] and int(event["SEQUENCE"]) == 1
    clock.ahead = timedelta(days=2, hours=1)
    assert deliver_due(clinic).sent == []
    assert len(smtp.messages) == 2


def test_a_mail_server_down_the_confirmation_is_retried_and_sent_once(clinic, smtp, clock):
    smtp.stop()
    change = book(clinic, timedelta(days=3))
    with clinic.app_context():
        report = outbox.deliver(change.message_ids)
    assert len(report.retrying) == 1
    smtp.start()
    clock.ahead = timedelta(minutes=2)  # past the backoff
    assert len(deliver_due(clinic).sent) == 1
    clock.ahead = timedelta(minutes=30)
    assert deliver_due(clinic).sent == []
    assert len(smtp.messages) == 1


def test_a_lead_without_email_gets_nothing_queued(clinic):
    with clinic.app_context():
        db.session.execute(update(Lead).values(email=""))
        db.session.commit()
    change = book(clinic, timedelta(days=3))
    assert change.message_ids == () and not change.emailed
    assert outbox_rows(clinic) == []


def test_a_booking_that_fails_half_way_leaves_nothing_behind(clinic, monkeypatch):
    """One transaction: the status change failing takes the appointment, audit and emails too."""

    def broken(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(appointments.status, "apply_status", broken)
    with pytest.raises(RuntimeError):
        book(clinic, timedelta(days=3))
    with clinic.app_context():
        assert db.session.scalars(select(Appointment)).all() == []
        assert db.session.get(Lead, 1).status == "new"
        actions = db.session.scalars(select(AuditEvent.action)).all()
        assert "appointment" not in actions
    assert outbox_rows(clinic) == []
