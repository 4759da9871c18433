"""Browser-registry states of bookings that came back from the booking tool (joined into
pages.PAGES): the list of bookings to match with one waiting, the attach form sent with a
number that is no lead, the same list in the Spanish console, and a lead's history with a
booking that came back through Cal.com.

The events are received directly through leads/bookings.py (their signatures and HTTP
are tested in tests/integrations/), once per live server.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from core.clinic_time import clinic_now, from_clinic_clock
from core.extensions import db
from leads import bookings
from leads.models import Contact, Lead
from tests.browser.pages import PageState, once, staff
from tests.factories import make_lead

PERSON = Contact(
    name="Noor Tool",
    email="noor@example.com",
    phone="+442079460777",
    contact_time="any",
    message="",
)


def _starts(days: int) -> datetime:
    return from_clinic_clock(datetime.combine(clinic_now().date() + timedelta(days=days), time(11)))


def _unmatched(server) -> None:
    def make() -> None:
        with server.app.test_request_context():
            bookings.receive(
                bookings.BookingNotice(
                    tool="calendly",
                    event_id="invitee.created:browser-unmatched",
                    change="booked",
                    booking_id="https://api.calendly.com/scheduled_events/B1/invitees/I1",
                    starts_at=_starts(4),
                    duration_minutes=30,
                    booker_name="Someone Withoutlink",
                    booker_email="someone.withoutlink@example.com",
                )
            )

    once(server, "bookings-unmatched", make)


def _booked_through_tool(server) -> int:
    def make() -> int:
        lead_id = make_lead(server.app, contact=PERSON)
        with server.app.test_request_context():
            reference = db.session.get(Lead, lead_id).booking_reference
            for change, booking, previous, days in (
                ("booked", "uid-browser-1", "", 5),
                ("moved", "uid-browser-2", "uid-browser-1", 6),
            ):
                bookings.receive(
                    bookings.BookingNotice(
                        tool="calcom",
                        event_id=f"{change}:{booking}",
                        change=change,
                        booking_id=booking,
                        previous_booking_id=previous,
                        starts_at=_starts(days),
                        duration_minutes=45,
                        reference=reference,
                    )
                )
        return lead_id

    return once(server, "bookings-through-tool", make)


def unmatched_list(page, server) -> None:
    _unmatched(server)
    staff("/staff/leads/bookings", with_lead=False, role="staff")(page, server)
    page.wait_for_selector(".unmatched-bookings")


def attach_error(page, server) -> None:
    unmatched_list(page, server)
    form = page.locator(".unmatched-bookings li").first
    form.locator("input[inputmode=numeric]").fill("2147480000")
    form.get_by_role("button").click()
    page.wait_for_load_state()
    page.wait_for_selector("#error-summary")


def history_with_tool_booking(page, server) -> None:
    lead_id = _booked_through_tool(server)
    staff(f"/staff/leads/{lead_id}#notes", with_lead=False, role="staff")(page, server)
    page.wait_for_selector(".note-booking")


PAGES: list[PageState] = [
    PageState("staff-bookings-to-match", unmatched_list),
    PageState("staff-bookings-to-match-error", attach_error),
    PageState("es-staff-bookings-to-match", unmatched_list, lang="es"),
    PageState("staff-lead-booked-through-tool", history_with_tool_booking),
]
