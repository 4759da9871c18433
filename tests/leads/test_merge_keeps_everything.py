"""Merging keeps everything (issue 28): each differing contact detail chosen from either lead
(the newer by default), the value not kept in the kept lead's history where data requests
find it, and every call, note, appointment and booking event carried; once merged, a lead
refuses every change through every service. On SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from core.dbtypes import utcnow
from core.extensions import db
from leads import appointments, status
from leads.data_rights import Person, export_document, find_person
from leads.merge import merge_leads
from leads.merged_guard import LeadMerged
from leads.models import Appointment, BookingEvent, Lead, LeadNote, OutboxMessage
from leads.verdict_models import Verdict
from leads.verdicts import VerdictInput, find_clinician, record_verdict, set_cause
from staff.models import AuditEvent
from tests.factories import make_lead, make_staff

OLD_PHONE, NEW_PHONE = "+442079460958", "+442079460001"


def _counts() -> dict[str, int]:
    return {
        model.__name__: db.session.scalar(select(func.count()).select_from(model))
        for model in (Lead, LeadNote, Appointment, BookingEvent, OutboxMessage, Verdict)
    }


@pytest.fixture
def pair(db_app):
    """Lead ``kept`` (older: the old phone, a message) and ``duplicate`` (newer: a new phone,
    its own message, a call, an appointment, a booking-tool event and a clinician's verdict)."""
    make_staff(db_app, "doctor@clinic.test", role="clinician", name="Dr Dee")
    kept = make_lead(
        db_app, name="Zoë Example", email="zoe@example.com", phone=OLD_PHONE,
        message="Mornings are best.", direct=True, created_at=utcnow() - timedelta(days=30),
    )  # fmt: skip
    duplicate = make_lead(
        db_app, name="Zoë Example", email="Zoe@Example.com", phone=NEW_PHONE,
        message="New number: please call this one.", direct=True,
        follow_up_at=utcnow() + timedelta(days=1),
    )  # fmt: skip
    with db_app.app_context():
        db.session.add(
            LeadNote(lead_id=duplicate, kind="call", call_outcome="no_answer", text="Rang once.")
        )
        db.session.add(
            Appointment(
                lead_id=duplicate, starts_at=utcnow() + timedelta(days=3), kind="consultation"
            )
        )
        db.session.add(
            BookingEvent(
                tool="calcom", event_id="evt-1", change="booked", booking_id="b-1",
                state="applied", lead_id=duplicate,
            )
        )  # fmt: skip
        record_verdict(
            db.session.get(Lead, duplicate),
            VerdictInput(outcome="book_consultation", examined_on=utcnow().date()),
            find_clinician("doctor@clinic.test"),
            source="console",
        )
        db.session.commit()
    return kept, duplicate


def _merge(app, kept: int, duplicate: int, **choices: str):
    with app.app_context():
        return merge_leads(
            duplicate, kept, by_id=None, describe=lambda lead: f"from {lead.id}", choices=choices
        )


def test_the_newer_phone_is_kept_the_older_is_history_and_nothing_is_lost(db_app, pair):
    kept, duplicate = pair
    with db_app.app_context():
        before = _counts()
    _merge(db_app, kept, duplicate)
    with db_app.app_context():
        after = _counts()
        assert after["LeadNote"] == before["LeadNote"] + 3  # merge, contact, duplicate's closing
        assert {k: v for k, v in after.items() if k != "LeadNote"} == {
            k: v for k, v in before.items() if k != "LeadNote"
        }  # nothing deleted, nothing orphaned
        lead = db.session.get(Lead, kept)
        assert lead.phone == NEW_PHONE  # the newer lead's number, by default
        assert lead.name == "Zoë Example" and lead.email == "zoe@example.com"
        assert lead.message == "Mornings are best."  # its own; the duplicate keeps its own
        assert lead.follow_up_at is not None  # the duplicate's follow-up, since it had none
        (history,) = [note for note in lead.notes if note.kind == "contact"]
        assert history.text == f"phone: {OLD_PHONE} → {NEW_PHONE}"
        kinds = sorted(note.kind for note in lead.notes)
        assert kinds == ["call", "contact", "merge"]
        assert [a.lead_id for a in db.session.scalars(select(Appointment))] == [kept]
        assert db.session.scalars(select(BookingEvent.lead_id)).all() == [kept]
        # The verdict judged the duplicate's answers: it stays with them.
        assert db.session.scalars(select(Verdict.lead_id)).all() == [duplicate]
        gone = db.session.get(Lead, duplicate)
        assert (gone.merged_into_id, gone.status) == (kept, "closed")
        assert gone.message == "New number: please call this one." and gone.phone == NEW_PHONE
        merge = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "merge")).one()
        assert merge.data["chosen"] == {"phone": "duplicate"}
        assert OLD_PHONE not in str(merge.data)  # ids and codes, never the details

        # A data request for the old number finds the kept lead (and its export holds it).
        held = find_person(Person.of(phone=OLD_PHONE))
        assert kept in held.lead_ids
        document = export_document(held, exported_by="test")
        assert any(OLD_PHONE in note["text"] for note in document["notes"])


def test_each_detail_can_be_chosen_from_either_lead(db_app, pair):
    kept, duplicate = pair
    _merge(db_app, kept, duplicate, phone="kept")
    with db_app.app_context():
        lead = db.session.get(Lead, kept)
        assert lead.phone == OLD_PHONE
        (history,) = [note for note in lead.notes if note.kind == "contact"]
        assert history.text == f"phone: {NEW_PHONE} → {OLD_PHONE}"
        assert find_person(Person.of(phone=NEW_PHONE)).lead_ids == (kept, duplicate)


@pytest.mark.parametrize("choices", [{"name": "duplicate"}, {"phone": "both"}])
def test_a_choice_of_a_detail_that_does_not_differ_or_of_no_side_writes_nothing(
    db_app, pair, choices
):
    kept, duplicate = pair
    with db_app.app_context():
        before = _counts()
    with pytest.raises(ValueError):
        _merge(db_app, kept, duplicate, **choices)
    with db_app.app_context():
        assert _counts() == before
        assert db.session.get(Lead, duplicate).merged_into_id is None


def test_a_merged_lead_refuses_every_change_through_every_service(db_app, pair):
    kept, duplicate = pair
    _merge(db_app, kept, duplicate)
    with db_app.app_context():
        gone = db.session.get(Lead, duplicate)
        # An appointment left on it (as by a hand-made row) cannot be moved or cancelled either.
        left = Appointment(lead_id=duplicate, starts_at=utcnow() + timedelta(days=2), kind="x")
        db.session.add(left)
        db.session.commit()
        before = _counts()
        audit_before = db.session.scalar(select(func.count()).select_from(AuditEvent))
        refused = [
            lambda: status.apply_status(gone, "contacted", author_id=None),
            lambda: status.change_status(gone, "booked", author_id=None),
            lambda: appointments.book(
                gone, utcnow() + timedelta(days=2), 30, "consultation", by=None
            ),
            lambda: appointments.move(left, utcnow() + timedelta(days=4), 30),
            lambda: appointments.cancel(left),
            lambda: record_verdict(
                gone,
                VerdictInput(outcome="clinician_review", examined_on=utcnow().date()),
                find_clinician("doctor@clinic.test"),
                source="api",
            ),
            lambda: set_cause(
                gone, db.session.scalars(select(Verdict)).one(), "answer_wrong", "age"
            ),
        ]
        for change in refused:
            with pytest.raises(LeadMerged) as raised:
                change()
            assert (raised.value.lead_id, raised.value.into_id) == (duplicate, kept)
            db.session.rollback()
        assert _counts() == before
        assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == audit_before
        assert db.session.get(Lead, duplicate).status == "closed"
