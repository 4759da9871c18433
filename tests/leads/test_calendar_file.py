"""The appointment's calendar file, read back with icalendar as a calendar program would.

The same UID for the appointment's whole life, so a move replaces it (a higher
SEQUENCE) and a cancellation removes it (METHOD:CANCEL); times in UTC; only the
clinic's name, the kind of visit and its phone, never a person's details.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from icalendar import Calendar

from leads.calendar_file import calendar_file
from leads.models import Appointment

STARTS = datetime(2031, 3, 14, 9, 30, tzinfo=UTC)


@pytest.fixture
def appointment(app):
    app.config.update(
        PUBLIC_BASE_URL="https://screening.clinic.example",
        CLINIC_NAME="Skin Clinic",
        CLINIC_PHONE="+44 20 7946 0000",
        MAIL_FROM="Skin Clinic <desk@clinic.example>",
    )
    with app.test_request_context():
        yield Appointment(
            id=7, lead_id=3, starts_at=STARTS, duration_minutes=45, kind="medical_review"
        )


def read(data: bytes):
    calendar = Calendar.from_ical(data)
    (event,) = calendar.walk("VEVENT")
    return calendar, event


def test_one_event_in_utc_with_a_stable_uid_and_the_clinics_words(appointment):
    calendar, event = read(calendar_file(appointment, sequence=0))
    assert str(calendar["METHOD"]) == "PUBLISH" and str(calendar["VERSION"]) == "2.0"
    assert str(event["UID"]) == "appointment-7@screening.clinic.example"
    assert event.decoded("DTSTART") == STARTS and event.decoded("DTSTART").utcoffset() == timedelta(
        0
    )
    assert event.decoded("DTEND") == STARTS + timedelta(minutes=45)
    assert b"DTSTART:20310314T093000Z" in calendar_file(appointment, sequence=0)
    assert int(event["SEQUENCE"]) == 0
    assert str(event["SUMMARY"]) == "Medical review at Skin Clinic"
    assert "+44 20 7946 0000" in str(event["DESCRIPTION"])
    assert str(event["LOCATION"]) == "Skin Clinic"
    assert str(event["STATUS"]) == "CONFIRMED"
    assert str(event["ORGANIZER"]) == "mailto:desk@clinic.example"


def test_a_move_keeps_the_uid_and_raises_the_sequence(appointment):
    _, first = read(calendar_file(appointment, sequence=0))
    appointment.starts_at = STARTS + timedelta(days=1)
    _, moved = read(calendar_file(appointment, sequence=1))
    assert moved["UID"] == first["UID"]
    assert int(moved["SEQUENCE"]) == 1
    assert moved.decoded("DTSTART") == STARTS + timedelta(days=1)


def test_a_cancellation_is_method_cancel_with_the_same_uid(appointment):
    calendar, event = read(calendar_file(appointment, sequence=2, cancelled=True))
    assert str(calendar["METHOD"]) == "CANCEL"
    assert str(event["STATUS"]) == "CANCELLED"
    assert str(event["UID"]) == "appointment-7@screening.clinic.example"
    assert int(event["SEQUENCE"]) == 2
