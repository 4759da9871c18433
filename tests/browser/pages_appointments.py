"""Browser-registry states of a lead's appointments (joined into pages.PAGES): the panel with
the booking form and the clinic's booking tool, the booking form sent empty, an upcoming
appointment with its Move form open and its Cancel link, the cancel question, and the
upcoming appointment in the Spanish console.

The lead and its appointment are made once, directly (the live server has no mail
server, so the panel says nothing is emailed).
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from core import clinic_settings
from core.clinic_time import clinic_now, from_clinic_clock
from core.extensions import db
from leads import appointments
from leads.models import Contact, Lead
from tests.browser.pages import PageState, once, signed_in_cookies, staff
from tests.factories import make_lead

PERSON = Contact(
    name="Maya Booking",
    email="maya@example.com",
    phone="+442079460123",
    contact_time="morning",
    message="",
)
BOOKING_TOOL = "https://calendly.com/skin-clinic/consultation?name={name}&email={email}&a1={phone}"


def _lead(server, key: str) -> int:
    def make() -> int:
        return make_lead(server.app, contact=PERSON)

    return once(server, f"appointments-{key}", make)


def _booked(server) -> tuple[int, int]:
    """A lead with a consultation in three days at 10:00 clinic time."""

    def make() -> tuple[int, int]:
        lead_id = _lead(server, "booked")
        with server.app.test_request_context():
            day = clinic_now().date() + timedelta(days=3)
            starts = from_clinic_clock(datetime.combine(day, time(10)))
            lead = db.session.get(Lead, lead_id)
            change = appointments.book(lead, starts, 45, "consultation", by=None)
            return lead_id, change.appointment_id

    return once(server, "appointments-booked-appointment", make)


def panel_with_booking_tool(page, server) -> None:
    """The booking form, and the clinic's booking tool with the person's details in."""
    signed_in_cookies(page, server)
    app = server.app
    with app.app_context():
        clinic_settings.set_text("booking_tool_url", BOOKING_TOOL, by=None)
        db.session.commit()
    try:
        staff(f"/staff/leads/{_lead(server, 'fresh')}#appointments", with_lead=False)(page, server)
        page.wait_for_selector("#book-title")
    finally:  # the other states' pages show no booking tool
        with app.app_context():
            clinic_settings.set_text("booking_tool_url", "", by=None)
            db.session.commit()


def booking_errors(page, server) -> None:
    """The booking form sent empty: its error summary names the date and time."""
    staff(f"/staff/leads/{_lead(server, 'fresh')}", with_lead=False)(page, server)
    page.locator("#appointment_length").select_option("30")
    page.get_by_role("button", name="Book the appointment").click()
    page.wait_for_selector("#appointment-error-title")


def upcoming(page, server) -> None:
    lead_id, appointment_id = _booked(server)
    staff(f"/staff/leads/{lead_id}#appointments", with_lead=False)(page, server)
    page.locator(f"#appointment-{appointment_id} summary").click()
    page.wait_for_selector(f"#move-{appointment_id}-appointment_at")


def cancel_question(page, server) -> None:
    lead_id, appointment_id = _booked(server)
    path = f"/staff/leads/{lead_id}/appointments/{appointment_id}/cancel"
    staff(path, with_lead=False)(page, server)
    page.wait_for_selector("form.confirm-actions")


PAGES: list[PageState] = [
    PageState("staff-appointment-panel", panel_with_booking_tool),
    PageState("staff-appointment-errors", booking_errors),
    PageState("staff-appointment-upcoming", upcoming),
    PageState("staff-appointment-cancel-question", cancel_question),
    PageState("es-staff-appointment-upcoming", upcoming, lang="es"),
]
