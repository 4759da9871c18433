"""Bookings that came back for no known lead, matched by hand; and how a tool's booking
reads in a lead's history.

The front desk sees each booking waiting (tool, time, the name and email given to
the tool), attaches it to a lead by its number, and the lead gets the appointment,
"Booked" and the history line, with one audit row naming who attached it. A number
that is no lead or a merged one is named on the page again (422), nothing written.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from html import unescape

from sqlalchemy import select

from core.extensions import db
from leads import bookings
from leads.models import Appointment, BookingEvent, Lead
from staff.models import AuditEvent
from tests.factories import make_lead, post_form

PAGE = "/staff/leads/bookings"
START = (datetime.now(UTC) + timedelta(days=4)).replace(hour=9, minute=30, second=0, microsecond=0)


def _receive(app, **fields) -> None:
    notice = {
        "tool": "calendly",
        "event_id": "invitee.created:https://api.calendly.com/invitees/X1",
        "change": "booked",
        "booking_id": "https://api.calendly.com/invitees/X1",
        "starts_at": START,
        "duration_minutes": 30,
        "booker_name": "Sam Nolink",
        "booker_email": "sam.nolink@example.com",
        **fields,
    }
    with app.app_context():
        bookings.receive(bookings.BookingNotice(**notice))


def _event_id(app) -> int:
    with app.app_context():
        return db.session.scalar(select(BookingEvent.id))


def test_a_booking_for_no_known_lead_waits_with_what_the_tool_was_told(db_app, coordinator):
    _receive(db_app)
    page = unescape(coordinator.get(PAGE).get_data(as_text=True))
    assert "Booked through Calendly" in page
    assert "Sam Nolink" in page and "sam.nolink@example.com" in page
    assert "Attach to this lead" in page


def test_attaching_it_books_the_lead_with_the_history_and_an_audit_row(db_app, coordinator):
    lead_id = make_lead(db_app)
    _receive(db_app)
    event_id = _event_id(db_app)
    answer = post_form(coordinator, PAGE, f"{PAGE}/{event_id}/attach", **{
        f"booking-{event_id}-lead": str(lead_id)})  # fmt: skip
    assert answer.status_code == 303
    assert answer.headers["Location"].endswith(f"/staff/leads/{lead_id}#appointments")
    with db_app.app_context():
        lead = db.session.get(Lead, lead_id)
        (appointment,) = lead.appointments
        assert (appointment.starts_at, appointment.booking_tool) == (START, "calendly")
        assert lead.status == "booked"
        event = db.session.get(BookingEvent, event_id)
        assert (event.state, event.lead_id, event.attached_by_id) == (
            "attached", lead_id, coordinator.staff_id)  # fmt: skip
        audit = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "appointment")
        ).one()
        assert audit.staff_id == coordinator.staff_id and audit.lead_id == lead_id
    with db_app.test_request_context():
        from staff.console.audit import sentence

        assert sentence(audit).endswith("(through Calendly)")
    lead_page = unescape(coordinator.get(f"/staff/leads/{lead_id}").get_data(as_text=True))
    assert "Booked through Calendly for" in lead_page
    assert "No booking is waiting" in unescape(coordinator.get(PAGE).get_data(as_text=True))
    # The tool's later events for that booking find the lead by its booking id.
    _receive(db_app, event_id="invitee.canceled:X1", change="cancelled", booker_name="")
    with db_app.app_context():
        assert db.session.get(Appointment, appointment.id).cancelled_at is not None


def test_a_number_that_is_no_lead_or_a_merged_one_is_named_and_nothing_is_written(
    db_app, coordinator
):
    kept = make_lead(db_app)
    merged = make_lead(db_app, direct=True, merged_into_id=kept)
    _receive(db_app)
    event_id = _event_id(db_app)
    field = f"booking-{event_id}-lead"
    for value, said in (
        ("99999", "There is no lead #99999."),
        (str(merged), f"Lead #{merged} was merged into lead #{kept}: attach it there."),
        ("", "Enter the number of the lead this booking is for."),
        ("twelve", "Enter a lead number, such as 12."),
    ):
        answer = post_form(coordinator, PAGE, f"{PAGE}/{event_id}/attach", **{field: value})
        assert answer.status_code == 422
        page = unescape(answer.get_data(as_text=True))
        assert said in page
        assert f'value="{value}"' in page  # what was typed is kept
    with db_app.app_context():
        assert db.session.get(BookingEvent, event_id).state == "unmatched"
        assert not db.session.scalars(select(Appointment)).all()


def test_the_page_is_in_spanish_for_a_spanish_console(db_app, coordinator):
    _receive(db_app)
    page = unescape(coordinator.get(PAGE, headers={"Accept-Language": "es"}).get_data(as_text=True))
    assert "Reservas por asociar" in page and "Asociar a este contacto" in page


def test_a_booking_attached_by_hand_stays_with_that_lead(db_app, coordinator):
    """A later event of the same booking that carries another lead's reference (a link
    forwarded to someone else) moves the appointment where the front desk put it."""
    chosen = make_lead(db_app)
    other = make_lead(db_app, direct=True)
    with db_app.app_context():
        other_reference = db.session.get(Lead, other).booking_reference
    _receive(db_app)
    event_id = _event_id(db_app)
    post_form(coordinator, PAGE, f"{PAGE}/{event_id}/attach", **{
        f"booking-{event_id}-lead": str(chosen)})  # fmt: skip
    later = START + timedelta(days=1)
    _receive(db_app, event_id="invitee.created:X1-again", change="moved", starts_at=later,
             reference=other_reference)  # fmt: skip
    with db_app.app_context():
        (appointment,) = db.session.scalars(select(Appointment)).all()
        assert (appointment.lead_id, appointment.starts_at) == (chosen, later)
        assert db.session.get(Lead, other).status == "new"
