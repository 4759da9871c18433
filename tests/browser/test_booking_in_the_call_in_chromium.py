"""Booking inside the call at 1366×768, in Chromium, in English and Spanish: from "My
calls", a call recorded as booked with its appointment is two clicks (open the call; the
outcome "Booked") plus typing the note, two Tabs and the appointment's time. The message
that says to tell the person yourself is in view after it, and the booking is at the top
of the lead's timeline. The clicks are counted (docs/staff-console.md)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from app import create_app
from core.clinic_time import clinic_now, from_clinic_clock
from core.dbtypes import utcnow
from core.extensions import db
from leads.models import Lead
from tests.factories import PASSWORD, make_lead, make_staff

LAPTOP = {"width": 1366, "height": 768}
WORDS = {
    "en": {
        "booked": "Appointment booked: Medical review on",
        "tell": "Tell the person yourself.",
        "timeline": "Booked: Medical review on",
        "missing": "Enter the date and time of the appointment.",
    },
    "es": {
        "booked": "Cita reservada:",
        "tell": "Avise usted a la persona.",
        "timeline": "Reservada:",
        "missing": "Escriba la fecha y la hora de la cita.",
    },
}


@pytest.fixture
def one_call_due(tmp_path, live_server_class):
    app = create_app(
        {"TESTING": True, "SECRET_KEY": "browser-booking", "CLINIC_TIME_ZONE": "Europe/Madrid"},
        instance_path=str(tmp_path),
    )
    cora = make_staff(app, "cora@example.com", name="Cora Coordinator")
    lead_id = make_lead(
        app,
        name="Alba Review",
        phone="+34912345678",
        outcome="clinician_review",
        assigned_to_id=cora,
        follow_up_at=utcnow() - timedelta(hours=2),
    )
    with live_server_class(app) as server:
        yield server, lead_id


def _sign_in(page, server, lang: str) -> None:
    page.goto(f"{server.url}/staff/calls?lang={lang}")
    page.get_by_label("Email" if lang == "en" else "Correo electrónico").fill("cora@example.com")
    page.locator("input[type=password]").fill(PASSWORD)
    page.locator("form button[type=submit]").first.click()
    page.wait_for_load_state()
    if "/staff/calls" not in page.url:
        page.goto(f"{server.url}/staff/calls")


@pytest.mark.browser
@pytest.mark.parametrize("lang", ["en", "es"])
def test_a_call_booked_with_its_appointment_is_two_clicks_from_my_calls(
    browser, one_call_due, artifacts, lang
):
    server, lead_id = one_call_due
    words = WORDS[lang]
    context = browser.new_context(viewport=LAPTOP)
    page = context.new_page()
    _sign_in(page, server, lang)

    clicks = 0
    page.locator("table.calls-list tbody tr a").first.click()  # click 1: open the call
    clicks += 1
    page.wait_for_load_state()
    # The type follows the result: a clinician's review.
    assert page.locator("#call_appointment_kind").input_value() == "medical_review"

    # "Booked" with no time first: the error is named, the note kept, nothing written.
    page.keyboard.type("Booked for Thursday morning.")
    page.locator("#call button[name=call_outcome][value=booked]").click()
    page.wait_for_load_state()
    assert words["missing"] in page.locator(".error-summary").inner_text()
    assert page.locator("#call_note").input_value() == "Booked for Thursday morning."
    with server.app.app_context():
        assert db.session.get(Lead, lead_id).appointments == []
    page.goto(f"{server.url}/staff/calls")
    clicks = 0
    page.locator("table.calls-list tbody tr a").first.click()  # click 1: open the call
    clicks += 1
    page.wait_for_load_state()

    page.keyboard.type("Booked for Thursday morning.")  # the note has the focus
    page.keyboard.press("Tab")  # the status
    page.keyboard.press("Tab")  # the appointment's date and time
    time_field = page.locator("#call_appointment_at")
    assert time_field.evaluate("element => element.matches(':focus')")
    with server.app.test_request_context():
        typed = (clinic_now() + timedelta(days=3)).strftime("%Y-%m-%dT10:30")
        expected = from_clinic_clock(datetime.strptime(typed, "%Y-%m-%dT%H:%M"))
    time_field.fill(typed)
    booked = page.locator("#call button[name=call_outcome][value=booked]")
    page.screenshot(path=artifacts / f"booking-in-the-call-{lang}.png")
    box = booked.bounding_box()
    assert box and box["y"] + box["height"] <= LAPTOP["height"], box  # in the first screen
    booked.click()  # click 2: the call and its appointment, saved together
    clicks += 1
    page.wait_for_load_state()
    assert clicks == 2

    message = page.locator("[role=status]")
    assert words["booked"] in message.inner_text() and words["tell"] in message.inner_text()
    box = message.bounding_box()
    assert box and box["y"] >= 0 and box["y"] + box["height"] <= LAPTOP["height"]  # in view
    timeline_box = page.locator("#notes").bounding_box()
    assert timeline_box and timeline_box["y"] < 2 * LAPTOP["height"]  # near the call form
    assert words["timeline"] in " ".join(page.locator("#notes .timeline li").all_inner_texts())
    page.screenshot(path=artifacts / f"booked-in-the-call-{lang}.png", full_page=True)
    with server.app.app_context():
        lead = db.session.get(Lead, lead_id)
        (appointment,) = lead.appointments
        assert (appointment.starts_at, appointment.kind) == (expected, "medical_review")
        assert lead.status == "booked"
    context.close()
