"""Deleting a lead (purge, a person's request) takes its appointments and merge links too.

SQLite enforces ON DELETE only with a pragma, so the purge deletes and unlinks
explicitly; this proves it does on both databases.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from core.dbtypes import utcnow
from core.extensions import db
from leads.models import Appointment, Lead, OutboxMessage
from leads.purge import delete_lead
from tests.console_support import submit_contact
from tests.support import Walker


def test_deleting_a_lead_deletes_its_appointments_and_unlinks_its_merged_duplicates(db_app):
    public = db_app.test_client()
    submit_contact(public, Walker(public), "book_consultation")
    submit_contact(public, Walker(public), "book_consultation")
    with db_app.app_context():
        kept, duplicate = db.session.scalars(select(Lead).order_by(Lead.id)).all()
        duplicate.merged_into_id = kept.id
        appointment = Appointment(
            lead_id=kept.id, starts_at=utcnow() + timedelta(days=2), kind="consultation"
        )
        db.session.add(appointment)
        db.session.flush()
        db.session.add(
            OutboxMessage(
                lead_id=kept.id, appointment_id=appointment.id, kind="appointment_reminder"
            )
        )
        db.session.commit()
        kept_id, duplicate_id = kept.id, duplicate.id

        assert delete_lead(kept_id)
        db.session.commit()

        assert db.session.scalar(select(func.count()).select_from(Appointment)) == 0
        assert (
            db.session.scalar(
                select(func.count())
                .select_from(OutboxMessage)
                .where(OutboxMessage.lead_id == kept_id)
            )
            == 0
        )
        assert db.session.get(Lead, duplicate_id).merged_into_id is None


def test_deleting_a_lead_deletes_the_booking_tools_events_for_it(db_app):
    """They hold the name and email the person gave the booking tool."""
    from leads import bookings
    from leads.models import BookingEvent

    public = db_app.test_client()
    submit_contact(public, Walker(public), "book_consultation")
    with db_app.app_context():
        lead = db.session.scalars(select(Lead)).one()
        lead_id, reference = lead.id, lead.booking_reference
        received = bookings.receive(
            bookings.BookingNotice(
                tool="calcom",
                event_id="BOOKING_CREATED:uid-purge:1",
                change="booked",
                booking_id="uid-purge",
                starts_at=utcnow() + timedelta(days=2),
                reference=reference,
                booker_name="Ana Ruiz",
                booker_email="ana@example.com",
            )
        )
        assert received.outcome == "applied"
        assert delete_lead(lead_id)
        db.session.commit()
        assert db.session.scalar(select(func.count()).select_from(BookingEvent)) == 0


def test_the_retention_purge_takes_bookings_that_never_found_a_lead(db_app):
    """An unmatched booking holds the name and email given to the tool: after the
    retention period it goes, like a lead; a recent one stays for the front desk."""
    from leads import bookings
    from leads.models import BookingEvent
    from leads.purge import purge_older_than

    with db_app.app_context():
        for event_id in ("old", "recent"):
            bookings.receive(
                bookings.BookingNotice(
                    tool="calendly",
                    event_id=event_id,
                    change="booked",
                    booking_id=f"uri-{event_id}",
                    starts_at=utcnow() + timedelta(days=2),
                    booker_name="Sam Nolink",
                    booker_email="sam@example.com",
                )
            )
        old = db.session.scalars(select(BookingEvent).where(BookingEvent.event_id == "old")).one()
        old.received_at = utcnow() - timedelta(days=400)
        db.session.commit()
        purge_older_than(365)
        db.session.commit()
        assert db.session.scalars(select(BookingEvent.event_id)).all() == ["recent"]
