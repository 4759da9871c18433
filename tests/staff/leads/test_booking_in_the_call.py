"""Booking inside the call: the outcome "Booked" books the appointment with the call (its
type from the lead's result, its time in the clinic's zone), in one transaction; without a
time it comes back (422) naming the error with everything kept; "Booked" never stands
without an appointment, from the call, the status form or a cancellation. SQLite and
PostgreSQL."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from core.clinic_time import clinic_now, from_clinic_clock
from core.extensions import db
from leads import appointments
from leads.models import Appointment, Lead, LeadNote
from leads.status import BookedWithoutAppointment, apply_status
from staff.models import AuditEvent
from tests.factories import make_lead, post_form, staff_client

ZONE = "America/Toronto"


@pytest.fixture
def toronto(app_factory):
    """A clinic in Toronto with no mail server: the person must be told by the front desk."""
    return app_factory(CLINIC_TIME_ZONE=ZONE)


def _typed(app, days: int = 2) -> str:
    with app.test_request_context():
        return (clinic_now() + timedelta(days=days)).strftime("%Y-%m-%dT10:30")


def _call(client, lead_id: int, **fields):
    url = f"/staff/leads/{lead_id}"
    return post_form(client, url, f"{url}/call", {"call_status": "contacted", **fields})


def _count(app, model, lead_id: int) -> int:
    with app.app_context():
        return db.session.scalar(
            select(func.count()).select_from(model).where(model.lead_id == lead_id)
        )


@pytest.mark.parametrize(
    ("outcome", "kind"),
    [
        ("clinician_review", "medical_review"),
        ("book_consultation", "consultation"),
        ("not_suitable_now", "consultation"),
    ],
)
def test_the_call_form_offers_the_booking_with_the_type_from_the_result(db_app, outcome, kind):
    client = staff_client(db_app, "cora@clinic.test")
    lead_id = make_lead(db_app, outcome=outcome)
    page = client.get(f"/staff/leads/{lead_id}").get_data(as_text=True)
    form = page.split('id="call-booking"', 1)[1].split("</fieldset>", 1)[0]
    assert f'<option value="{kind}" selected>' in form
    assert 'type="datetime-local" class="input-datetime" id="call_appointment_at"' in form
    assert 'name="call_outcome" value="booked"' in page  # "Booked" is an outcome button
    # The appointment panel's own form follows the result too.
    panel = page.split('id="appointments"', 1)[1]
    assert f'<option value="{kind}" selected>' in panel.split('id="appointment_kind"', 1)[1]


def test_a_booked_call_books_the_appointment_with_the_call(toronto):
    client = staff_client(toronto, "cora@clinic.test")
    lead_id = make_lead(toronto, outcome="clinician_review")
    typed = _typed(toronto)
    answer = _call(
        client,
        lead_id,
        call_outcome="booked",
        call_note="Booked her for Thursday.",
        call_appointment_kind="medical_review",
        call_appointment_at=typed,
        call_appointment_length="45",
        call_then="",
    )
    assert answer.status_code == 303
    assert answer.headers["Location"] == f"/staff/leads/{lead_id}"  # stays with this person
    page = client.get(answer.headers["Location"]).get_data(as_text=True)
    assert "Appointment booked: Medical review on" in page
    assert "Tell the person yourself." in page
    with toronto.test_request_context():
        expected = from_clinic_clock(datetime.strptime(typed, "%Y-%m-%dT%H:%M"))
    with toronto.app_context():
        lead = db.session.get(Lead, lead_id)
        (appointment,) = lead.appointments
        assert (appointment.starts_at, appointment.duration_minutes, appointment.kind) == (
            expected,
            45,
            "medical_review",
        )
        assert lead.status == "booked" and lead.follow_up_at is None
        kinds = [(n.kind, n.call_outcome) for n in lead.notes]
        assert ("call", "booked") in kinds and ("appointment", "") in kinds
        assert ("status", "") in kinds
        actions = db.session.scalars(
            select(AuditEvent.action).where(AuditEvent.lead_id == lead_id).order_by(AuditEvent.id)
        ).all()
        assert [a for a in actions if a != "view"] == ["appointment", "call"]


@pytest.mark.parametrize(
    "fields",
    [
        {"call_outcome": "booked"},  # the outcome asks for the appointment
        {"call_outcome": "reached", "call_status": "booked"},  # and so does the status
    ],
)
def test_booked_without_a_time_comes_back_naming_it_with_everything_kept(db_app, fields):
    client = staff_client(db_app, "cora@clinic.test")
    lead_id = make_lead(db_app, outcome="clinician_review")
    answer = _call(
        client,
        lead_id,
        call_note="She wants Thursday.",
        call_appointment_kind="microneedling",
        call_appointment_length="60",
        **fields,
    )
    assert answer.status_code == 422
    page = answer.get_data(as_text=True)
    assert '<a href="#call_appointment_at">Enter the date and time of the appointment.</a>' in page
    assert "She wants Thursday.</textarea>" in page
    assert '<option value="microneedling" selected>' in page
    assert '<option value="60" selected>' in page
    assert _count(db_app, Appointment, lead_id) == 0
    assert _count(db_app, LeadNote, lead_id) == 0
    with db_app.app_context():
        assert db.session.get(Lead, lead_id).status == "new"


def test_a_time_typed_for_another_outcome_is_named_not_dropped(db_app):
    client = staff_client(db_app, "cora@clinic.test")
    lead_id = make_lead(db_app)
    answer = _call(client, lead_id, call_outcome="reached", call_appointment_at=_typed(db_app))
    assert answer.status_code == 422
    assert "You typed an appointment time: choose “Booked” to book it" in answer.get_data(
        as_text=True
    )
    assert _count(db_app, Appointment, lead_id) == 0


def test_the_status_form_cannot_set_booked_without_an_appointment(db_app):
    client = staff_client(db_app, "cora@clinic.test")
    lead_id = make_lead(db_app)
    url = f"/staff/leads/{lead_id}"
    answer = post_form(client, url, f"{url}/status", {"status": "booked"})
    assert answer.status_code == 422
    assert "“Booked” needs an appointment" in answer.get_data(as_text=True)
    with db_app.app_context():
        assert db.session.get(Lead, lead_id).status == "new"
    assert _count(db_app, LeadNote, lead_id) == 0


def test_the_service_refuses_booked_without_an_appointment_and_a_cancel_unbooks(db_app):
    lead_id = make_lead(db_app)
    with db_app.test_request_context():
        lead = db.session.get(Lead, lead_id)
        with pytest.raises(BookedWithoutAppointment):
            apply_status(lead, "booked", author_id=None)
        assert lead.status == "new"
        soon = clinic_now() + timedelta(days=3)
        first = appointments.book(lead, soon, 30, "consultation", by=None)
        second = appointments.book(lead, soon + timedelta(days=1), 30, "consultation", by=None)
        assert lead.status == "booked"
        appointments.cancel(db.session.get(Appointment, first.appointment_id))
        assert lead.status == "booked"  # the other one still stands
        change = appointments.cancel(db.session.get(Appointment, second.appointment_id))
        assert change.status_changed and lead.status == "contacted"
        notes = [
            appointments.describe_note(n.text)[0] for n in lead.notes if n.kind == "appointment"
        ]
        assert notes == ["booked", "booked", "cancelled", "cancelled"]
