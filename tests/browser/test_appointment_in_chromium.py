"""A coordinator books a consultation from the lead page in Chromium, with and without JavaScript.

Tomorrow at 10:00 clinic time, typed in the datetime-local field: the page lists
it as upcoming, the lead's status is Booked, and the person's confirmation
arrives at a real SMTP server with its calendar file.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from icalendar import Calendar

from app import create_app
from core.clinic_time import clinic_now
from core.extensions import db
from leads.models import Appointment, Contact
from tests.factories import PASSWORD, make_lead, make_staff
from tests.services import SmtpServer

PERSON = Contact("Zoë Example", "zoe@example.com", "+442079460958", "morning", "")


@pytest.fixture
def clinic_server(tmp_path, live_server_class):
    smtp = SmtpServer()
    smtp.start()
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "browser-appointment-key",
            "SMTP_HOST": "127.0.0.1",
            "SMTP_PORT": smtp.port,
            "SMTP_TLS": "none",
            "CLINIC_TIME_ZONE": "Europe/Madrid",
        },
        instance_path=str(tmp_path),
    )
    make_staff(app, "cora@example.com", name="Cora Coordinator")
    lead_id = make_lead(app, contact=PERSON, status="contacted")
    with live_server_class(app) as server:
        yield server, smtp, lead_id
    smtp.stop()


@pytest.mark.browser
@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_a_coordinator_books_a_consultation_for_tomorrow_at_ten(
    browser, clinic_server, artifacts, javascript
):
    server, smtp, lead_id = clinic_server
    context = browser.new_context(
        java_script_enabled=javascript, viewport={"width": 390, "height": 900}
    )
    page = context.new_page()
    page.goto(f"{server.url}/staff/leads/{lead_id}")
    page.get_by_label("Email").fill("cora@example.com")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    # The call form has its own booking fields ("Booked" with the call); this test books
    # from the Appointments panel, so every field is found inside that region.
    panel = page.get_by_role("region", name="Appointments")
    assert panel.get_by_role("heading", name="Book an appointment").is_visible()

    with server.app.test_request_context():
        tomorrow = (clinic_now() + timedelta(days=1)).date()
    panel.locator("#appointment_at").fill(f"{tomorrow.isoformat()}T10:00")
    panel.get_by_label("Kind").select_option(label="Free consultation")
    panel.get_by_role("button", name="Book the appointment").click()

    notice = page.locator("main .notice[role=status]").inner_text()
    assert "Appointment booked: Free consultation on" in notice, notice
    upcoming = page.locator(".appointment-list .appointment").first
    assert "Free consultation" in upcoming.inner_text()
    assert "10:00" in upcoming.inner_text() and "30 minutes" in upcoming.inner_text()
    assert page.locator("#contact-title + .facts").inner_text().count("Booked") == 1
    tag = "js" if javascript else "nojs"
    page.screenshot(path=artifacts / f"appointment-booked-{tag}.png", full_page=True)
    context.close()

    (email,) = smtp.wait_for(1)
    assert email["X-Envelope-To"] == "zoe@example.com"
    (part,) = [p for p in email.walk() if p.get_content_type() == "text/calendar"]
    (event,) = Calendar.from_ical(part.get_payload(decode=True)).walk("VEVENT")
    with server.app.app_context():
        (appointment,) = db.session.query(Appointment).all()
        assert event.decoded("DTSTART") == appointment.starts_at
        assert appointment.kind == "consultation"
