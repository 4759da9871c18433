"""Booking, moving and cancelling an appointment from the lead page, as a coordinator does.

One POST books: the appointment, the status "booked", one audit row and the
person's confirmation and reminder, in one transaction; a bad form writes
nothing and comes back (422) naming every error, the rest kept. The clinic's
own booking tool opens with the person's details filled in, URL-encoded.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from html import unescape

import pytest
from sqlalchemy import func, select

from core import clinic_settings
from core.clinic_time import clinic_now, from_clinic_clock
from core.extensions import db
from leads.models import Appointment, Contact, Lead, LeadNote, OutboxMessage
from staff.models import AuditEvent
from tests.factories import csrf_token, make_lead, post_form, staff_client

PERSON = Contact(
    name="Zoë O'Brien & Co",
    email="zoe+scars@example.com",
    phone="+442079460958",
    contact_time="morning",
    message="Evenings are hard for me.",
)


@pytest.fixture
def clinic(app_factory, smtp):
    return app_factory(
        SMTP_HOST="127.0.0.1",
        SMTP_PORT=smtp.port,
        SMTP_TLS="none",
        CLINIC_TIME_ZONE="Europe/Madrid",
    )


@pytest.fixture
def coordinator(clinic):
    """Cora, signed in to the clinic's console (this file's app: SMTP, Madrid)."""
    return staff_client(clinic, "cora@clinic.test", name="Cora Coordinator")


def wall_clock(app, days: int = 2, hour: int = 10) -> str:
    """A datetime-local value: the clinic's day ``days`` ahead at ``hour``:00."""
    with app.test_request_context():
        return (clinic_now() + timedelta(days=days)).strftime(f"%Y-%m-%dT{hour:02d}:00")


def book(client, lead_id: int, **fields):
    data = {"appointment_length": "30", "appointment_kind": "consultation", **fields}
    return post_form(
        client, f"/staff/leads/{lead_id}", f"/staff/leads/{lead_id}/appointments", data
    )


def counts(app, lead_id: int) -> dict[str, int]:
    with app.app_context():
        return {
            "appointments": db.session.scalar(
                select(func.count()).select_from(Appointment).where(Appointment.lead_id == lead_id)
            ),
            "messages": db.session.scalar(
                select(func.count())
                .select_from(OutboxMessage)
                .where(OutboxMessage.appointment_id.is_not(None))
            ),
            "audit": db.session.scalar(
                select(func.count())
                .select_from(AuditEvent)
                .where(AuditEvent.action.in_(("appointment", "update")))
            ),
            "notes": db.session.scalar(
                select(func.count()).select_from(LeadNote).where(LeadNote.lead_id == lead_id)
            ),
        }


def views_of(app, lead_id: int) -> int:
    with app.app_context():
        return db.session.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.lead_id == lead_id, AuditEvent.action == "view")
        )


def appointment_rows(app, lead_id: int) -> list[dict]:
    with app.app_context():
        rows = db.session.scalars(
            select(AuditEvent)
            .where(AuditEvent.lead_id == lead_id, AuditEvent.action == "appointment")
            .order_by(AuditEvent.id)
        )
        return [{"data": row.data, "detail": row.detail, "by": row.staff_email} for row in rows]


def test_the_lead_page_offers_the_booking_form(clinic, coordinator):
    lead_id = make_lead(clinic, contact=PERSON, status="contacted")
    page = coordinator.get(f"/staff/leads/{lead_id}").get_data(as_text=True)
    assert 'id="appointments"' in page and "Book an appointment" in page
    assert 'type="datetime-local" id="appointment_at" name="appointment_at"' in page
    assert "Clinic time (Europe/Madrid)." in page
    for kind in ("Free consultation", "Medical review", "Microneedling session"):
        assert kind in page
    assert '<option value="30" selected>30 minutes</option>' in page
    assert "a reminder 24 hours before" in page
    assert "No upcoming appointment." in page
    assert "Book in " not in page  # the clinic has no booking tool


def test_booking_stores_the_appointment_status_audit_and_emails_together(clinic, coordinator, smtp):
    lead_id = make_lead(clinic, contact=PERSON, status="contacted")
    typed = wall_clock(clinic)
    response = book(coordinator, lead_id, appointment_at=typed, appointment_kind="medical_review")
    assert response.status_code == 303
    # The page's top, where the message says whether the person was told (not the panel).
    assert response.headers["Location"] == f"/staff/leads/{lead_id}#main"

    with clinic.test_request_context():
        expected = from_clinic_clock(datetime.strptime(typed, "%Y-%m-%dT%H:%M"))
    with clinic.app_context():
        lead = db.session.get(Lead, lead_id)
        (appointment,) = lead.appointments
        assert appointment.starts_at == expected
        assert (appointment.duration_minutes, appointment.kind) == (30, "medical_review")
        assert appointment.created_by.email == "cora@clinic.test"
        assert lead.status == "booked" and lead.status_changed_at is not None
        status_note = lead.notes[-1]
        assert (status_note.kind, status_note.text) == ("status", "contacted → booked")
        messages = db.session.scalars(
            select(OutboxMessage).where(OutboxMessage.appointment_id == appointment.id)
        ).all()
        by_kind = {message.kind: message for message in messages}
        assert set(by_kind) == {"appointment_confirmation", "appointment_reminder"}
        assert by_kind["appointment_confirmation"].status == "sent"  # just after the answer
        assert by_kind["appointment_reminder"].status == "pending"
        assert by_kind["appointment_reminder"].next_attempt_at == expected - timedelta(hours=24)
        appointment_id = appointment.id
    # One audit row for the whole booking: no second "update" row for the status.
    at = expected.isoformat()
    assert appointment_rows(clinic, lead_id) == [
        {
            "data": {
                "change": "booked",
                "appointment": appointment_id,
                "at": at,
                "kind": "medical_review",
            },
            "detail": f"appointment {appointment_id} booked: medical_review at {at}",
            "by": "cora@clinic.test",
        }
    ]
    assert counts(clinic, lead_id)["audit"] == 1
    assert [m["X-Envelope-To"] for m in smtp.messages] == ["zoe+scars@example.com"]

    page = coordinator.get(f"/staff/leads/{lead_id}").get_data(as_text=True)
    assert "Appointment booked: Medical review on" in page
    assert "The person is emailed about it." in page
    upcoming = page[page.index("Upcoming") : page.index("book-title")]
    assert "Medical review" in upcoming and "30 minutes" in upcoming
    assert f'/staff/leads/{lead_id}/appointments/{appointment_id}/cancel"' in upcoming
    assert f'action="/staff/leads/{lead_id}/appointments/{appointment_id}/move"' in upcoming
    assert f'value="{typed}"' in upcoming  # the Move form starts from its time


def test_a_booked_lead_stays_booked_with_no_second_status_note(clinic, coordinator):
    lead_id = make_lead(clinic, contact=PERSON, status="booked")
    before = counts(clinic, lead_id)
    assert book(coordinator, lead_id, appointment_at=wall_clock(clinic)).status_code == 303
    after = counts(clinic, lead_id)
    # One note: the booking in the history; no status note (it was booked already).
    assert after["notes"] == before["notes"] + 1 and after["appointments"] == 1
    with clinic.app_context():
        kinds = db.session.scalars(select(LeadNote.kind).where(LeadNote.lead_id == lead_id)).all()
    assert "status" not in kinds and kinds.count("appointment") == 1


@pytest.mark.parametrize(
    ("fields", "errors"),
    [
        (
            {"appointment_at": "", "appointment_length": "", "appointment_kind": ""},
            [
                "Enter the date and time of the appointment.",
                "Choose a length from the list.",
                "Choose the kind of appointment.",
            ],
        ),
        (
            {"appointment_at": "next tuesday", "appointment_length": "31", "appointment_kind": "x"},
            [
                "Enter the date and time, like 2025-03-14 09:00.",
                "Choose a length from the list.",
                "Choose the kind of appointment from the list.",
            ],
        ),
        (
            {"appointment_at": "2020-01-01T10:00"},
            ["Choose a time from now on: that one has passed."],
        ),
        ({"appointment_at": "9999-12-31T23:59"}, ["Choose a time within the next two years."]),
        (
            {"appointment_at": "99999-01-01T10:00"},
            ["Enter the date and time, like 2025-03-14 09:00."],
        ),
        ({"appointment_at": "x" * 5_000}, ["Enter the date and time, like 2025-03-14 09:00."]),
        ({"appointment_length": "1e9"}, ["Choose a length from the list."]),
    ],
)
def test_a_bad_booking_names_every_error_keeps_the_rest_and_writes_nothing(
    clinic, coordinator, fields, errors
):
    lead_id = make_lead(clinic, contact=PERSON, status="contacted")
    before = counts(clinic, lead_id)
    views = views_of(clinic, lead_id)
    sent = {
        "appointment_at": wall_clock(clinic),
        "appointment_length": "45",
        "appointment_kind": "microneedling",
        **fields,
    }
    response = book(coordinator, lead_id, **sent)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    summary = page[page.index('<div class="error-summary"') :]
    summary = unescape(summary[: summary.index("</div>")])
    assert re.findall(r'<a href="#[^"]+">([^<]+)</a>', summary) == errors
    assert 'aria-invalid="true"' in page
    # What was typed is kept (the page's own forms are untouched).
    form = page[page.index('id="book-title"') :]
    if sent["appointment_length"] == "45":
        assert '<option value="45" selected>' in form
    if sent["appointment_kind"] == "microneedling":
        assert '<option value="microneedling" selected>' in form
    if len(sent["appointment_at"]) < 100:
        assert f'value="{sent["appointment_at"]}"' in form
    assert counts(clinic, lead_id) == before
    # One view, the page the booking was sent from; the page shown again is no new view.
    assert views_of(clinic, lead_id) == views + 1
    with clinic.app_context():
        assert db.session.get(Lead, lead_id).status == "contacted"


def test_this_very_minute_passes_the_form_but_is_refused_as_past(clinic, coordinator):
    """The form allows the current minute (a follow-up may be now); an appointment may not."""
    lead_id = make_lead(clinic, contact=PERSON, status="contacted")
    with clinic.test_request_context():
        now = clinic_now().strftime("%Y-%m-%dT%H:%M")
    response = book(coordinator, lead_id, appointment_at=now)
    assert response.status_code == 422
    assert "Choose a time from now on: that one has passed." in unescape(response.get_data(True))
    assert counts(clinic, lead_id)["appointments"] == 0


def test_a_lead_without_email_is_booked_and_the_page_says_nothing_was_emailed(
    clinic, coordinator, smtp
):
    lead_id = make_lead(
        clinic, contact=Contact("Ann", "", "+442079460958", "any", ""), status="contacted"
    )
    page = coordinator.get(f"/staff/leads/{lead_id}").get_data(as_text=True)
    assert "This person gave no email address, so nothing is emailed" in page
    response = book(coordinator, lead_id, appointment_at=wall_clock(clinic))
    assert response.status_code == 303
    assert counts(clinic, lead_id)["messages"] == 0 and smtp.messages == []
    page = coordinator.get(f"/staff/leads/{lead_id}").get_data(as_text=True)
    assert "No email was sent: this person gave no email address. Tell them yourself." in page


def booked(clinic, coordinator, lead_id: int) -> int:
    assert book(coordinator, lead_id, appointment_at=wall_clock(clinic)).status_code == 303
    with clinic.app_context():
        return db.session.scalar(select(Appointment.id).where(Appointment.lead_id == lead_id))


def test_moving_an_appointment_gives_it_the_new_time_and_a_new_confirmation(
    clinic, coordinator, smtp
):
    lead_id = make_lead(clinic, contact=PERSON, status="contacted")
    appointment_id = booked(clinic, coordinator, lead_id)
    prefix = f"move-{appointment_id}-"
    typed = wall_clock(clinic, days=5, hour=16)
    response = post_form(
        coordinator,
        f"/staff/leads/{lead_id}",
        f"/staff/leads/{lead_id}/appointments/{appointment_id}/move",
        {f"{prefix}appointment_at": typed, f"{prefix}appointment_length": "60"},
    )
    assert response.status_code == 303
    with clinic.test_request_context():
        expected = from_clinic_clock(datetime.strptime(typed, "%Y-%m-%dT%H:%M"))
        appointment = db.session.get(Appointment, appointment_id)
        assert (appointment.starts_at, appointment.duration_minutes) == (expected, 60)
    assert [row["data"]["change"] for row in appointment_rows(clinic, lead_id)] == [
        "booked",
        "moved",
    ]
    assert appointment_rows(clinic, lead_id)[1]["data"]["at"] == expected.isoformat()
    assert len(smtp.messages) == 2 and "has moved" in smtp.messages[1]["Subject"]
    page = coordinator.get(f"/staff/leads/{lead_id}").get_data(as_text=True)
    assert "Appointment moved to" in page and "60 minutes" in page


def test_a_bad_move_reopens_that_appointments_form_with_its_errors(clinic, coordinator):
    lead_id = make_lead(clinic, contact=PERSON, status="contacted")
    appointment_id = booked(clinic, coordinator, lead_id)
    prefix = f"move-{appointment_id}-"
    response = post_form(
        coordinator,
        f"/staff/leads/{lead_id}",
        f"/staff/leads/{lead_id}/appointments/{appointment_id}/move",
        {f"{prefix}appointment_at": "2020-01-01T10:00", f"{prefix}appointment_length": "7"},
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert (
        f'href="#{prefix}appointment_at"' in page and f'href="#{prefix}appointment_length"' in page
    )
    assert '<details class="appointment-move" open>' in page
    assert 'value="2020-01-01T10:00"' in page
    assert [row["data"]["change"] for row in appointment_rows(clinic, lead_id)] == ["booked"]


def test_cancelling_asks_first_then_cancels_once(clinic, coordinator, smtp):
    lead_id = make_lead(clinic, contact=PERSON, status="contacted")
    appointment_id = booked(clinic, coordinator, lead_id)
    url = f"/staff/leads/{lead_id}/appointments/{appointment_id}/cancel"
    question = coordinator.get(url)
    assert question.status_code == 200
    text = question.get_data(as_text=True)
    assert "Cancel the appointment of lead #" in text and "Yes, cancel the appointment" in text
    assert "with a calendar file that removes it" in text
    with clinic.app_context():
        assert db.session.get(Appointment, appointment_id).cancelled_at is None  # only asked

    response = coordinator.post(url, data={"csrf_token": csrf_token(text)})
    assert response.status_code == 303
    again = coordinator.post(url, data={"csrf_token": csrf_token(text)})
    assert again.status_code == 303
    with clinic.app_context():
        assert db.session.get(Appointment, appointment_id).cancelled_at is not None
    changes = [row["data"]["change"] for row in appointment_rows(clinic, lead_id)]
    assert changes == ["booked", "cancelled"]
    assert len(smtp.messages) == 2 and "cancelled" in smtp.messages[1]["Subject"]
    page = coordinator.get(f"/staff/leads/{lead_id}").get_data(as_text=True)
    assert "That appointment was cancelled already." in page
    earlier = page[page.index("Past and cancelled") :]
    assert "Cancelled" in earlier and "No upcoming appointment." in page
    assert coordinator.get(url).status_code == 303  # nothing left to ask about


def test_unknown_leads_and_appointments_are_404(clinic, coordinator):
    lead_id = make_lead(clinic, contact=PERSON, status="contacted")
    other = make_lead(clinic, contact=PERSON, status="contacted")
    appointment_id = booked(clinic, coordinator, lead_id)
    token = csrf_token(coordinator.get(f"/staff/leads/{lead_id}").get_data(as_text=True))
    assert (
        coordinator.post("/staff/leads/999999/appointments", data={"csrf_token": token}).status_code
        == 404
    )
    for path in (
        f"/staff/leads/{other}/appointments/{appointment_id}/cancel",  # another lead's
        f"/staff/leads/{lead_id}/appointments/999999/cancel",
        f"/staff/leads/{lead_id}/appointments/99999999999999999999/move",
    ):
        assert coordinator.post(path, data={"csrf_token": token}).status_code == 404, path
    assert (
        coordinator.get(f"/staff/leads/{other}/appointments/{appointment_id}/cancel").status_code
        == 404
    )
    no_token = coordinator.post(
        f"/staff/leads/{lead_id}/appointments", data={"appointment_at": wall_clock(clinic)}
    )
    assert no_token.status_code == 400
    assert counts(clinic, lead_id)["appointments"] == 1


def test_the_clinics_booking_tool_opens_with_the_persons_details_filled_in(clinic, coordinator):
    lead_id = make_lead(clinic, contact=PERSON, status="contacted")
    with clinic.app_context():
        clinic_settings.set_text(
            "booking_tool_url",
            "https://calendly.com/skin-clinic/consultation?name={name}&email={email}&a1={phone}",
            by=None,
        )
        db.session.commit()
    page = coordinator.get(f"/staff/leads/{lead_id}").get_data(as_text=True)
    link = re.search(
        r'href="([^"]+)" target="_blank" rel="noopener noreferrer">Book in calendly.com',
        page,
    )
    assert link, "no booking tool link"
    with clinic.app_context():
        reference = db.session.get(Lead, lead_id).booking_reference
    # The person's details, then the lead's opaque reference (Calendly gives utm_content back
    # in its booking event, so the booking comes back to this lead: tests/integrations/).
    assert unescape(link.group(1)) == (
        "https://calendly.com/skin-clinic/consultation"
        "?name=Zo%C3%AB%20O%27Brien%20%26%20Co&email=zoe%2Bscars%40example.com&a1=%2B442079460958"
        f"&utm_content={reference}"
    )
    assert "Record the appointment here" in page and "Record the appointment</button>" in page
