"""Recording verdicts: a correction keeps the history, a missed concern opens its incident
and emails the clinical lead through the outbox, and the audit sample is drawn when a lead
is stored, at the clinic's per-outcome percentages. On SQLite and PostgreSQL."""

from __future__ import annotations

from email.header import decode_header, make_header

from sqlalchemy import select

from core import clinic_settings
from core.dbtypes import utcnow
from core.extensions import db
from leads import outbox
from leads.models import Lead
from leads.verdict_models import SafetyIncident
from leads.verdicts import (
    VerdictInput,
    current_verdict,
    find_clinician,
    record_verdict,
    verdict_history,
)
from tests.factories import make_lead, make_staff


def _record(app, lead_id: int, outcome: str, **given):
    with app.test_request_context():
        lead = db.session.get(Lead, lead_id)
        clinician = find_clinician("doctor@clinic.test")
        recorded = record_verdict(
            lead,
            VerdictInput(outcome=outcome, examined_on=utcnow().date(), **given),
            clinician,
            source="console",
            actor=None,
        )
        db.session.commit()
        return recorded.corrected, recorded.incident is not None, recorded.message_ids


def test_a_correction_keeps_the_earlier_verdict_and_a_missed_concern_is_told(app_factory, smtp):
    app = app_factory(SMTP_HOST="127.0.0.1", SMTP_PORT=smtp.port, SMTP_TLS="none")
    make_staff(app, "doctor@clinic.test", role="clinician", name="Dr Dee")
    make_staff(app, "lead@clinic.test", role="clinician", name="Dr Lead")
    with app.app_context():
        clinic_settings.set_text("clinical_lead_email", "lead@clinic.test", by=None)
        db.session.commit()
    lead_id = make_lead(app, outcome="book_consultation")

    assert _record(app, lead_id, "book_consultation") == (False, False, ())
    corrected, opened, message_ids = _record(
        app, lead_id, "clinician_review", concerns=["keloid_history"],
        unasked_concern="Takes a supplement the check does not ask about",
    )  # fmt: skip
    assert corrected and opened and len(message_ids) == 1
    # Correcting it again (still a concern) opens no second incident.
    assert _record(app, lead_id, "see_dermatologist")[:2] == (True, False)

    with app.test_request_context():
        history = verdict_history(lead_id)
        assert [v.outcome for v in history] == [
            "book_consultation", "clinician_review", "see_dermatologist"
        ]  # fmt: skip
        assert all(v.replaced_at is not None for v in history[:2])
        assert current_verdict(lead_id).id == history[-1].id
        (incident,) = db.session.scalars(select(SafetyIncident)).all()
        assert incident.hazard == "H1" and incident.concerns == ["keloid_history", "not_asked"]
        outbox.deliver(message_ids)
    (email,) = smtp.wait_for(1)
    assert email["To"] == "lead@clinic.test"  # the clinical lead only, not every clinician
    assert "Missed concern" in str(make_header(decode_header(email["Subject"])))
    assert f"/staff/leads/{lead_id}" in email.get_payload(decode=True).decode()


def test_the_audit_sample_is_drawn_per_outcome_when_the_lead_is_stored(db_app):
    with db_app.app_context():
        clinic_settings.set_text("audit_sample_see_dermatologist", "100", by=None)
        db.session.commit()
    sampled = make_lead(db_app, outcome="see_dermatologist")
    not_asked = make_lead(db_app, outcome="not_suitable_now")  # its share is 0
    booked = make_lead(db_app, outcome="book_consultation")  # never sampled
    with db_app.app_context():
        marks = {lead.id: lead.audit_sample for lead in db.session.scalars(select(Lead))}
    assert marks == {sampled: True, not_asked: False, booked: False}


def test_an_admin_sets_the_audit_sample_in_the_clinic_settings(db_app):
    from tests.factories import post_form, staff_client

    admin = staff_client(db_app, "admin@clinic.test", role="admin")
    refused = post_form(
        admin, "/staff/admin/settings", data={"audit_sample_not_suitable_now": "150"}
    )
    assert refused.status_code == 422
    assert "Enter a whole percentage from 0 to 100." in refused.get_data(as_text=True)
    saved = post_form(admin, "/staff/admin/settings", data={"audit_sample_not_suitable_now": "100"})
    assert saved.status_code == 303
    drawn = make_lead(db_app, outcome="not_suitable_now")
    with db_app.app_context():
        assert db.session.get(Lead, drawn).audit_sample is True


def test_a_persons_data_export_holds_their_verdicts_and_erasure_takes_them(db_app):
    from leads.data_rights import Person, erase_person, export_document, find_person
    from leads.verdict_models import Verdict
    from tests.factories import PERSON

    make_staff(db_app, "doctor@clinic.test", role="clinician")
    lead_id = make_lead(db_app, outcome="book_consultation")
    _record(db_app, lead_id, "clinician_review", unasked_concern="A supplement")
    with db_app.test_request_context():
        person = Person.of(email=PERSON.email)
        document = export_document(find_person(person), exported_by="Ada")
        (verdict,) = document["leads"][0]["clinician_verdicts"]
        assert verdict["outcome"] == "clinician_review"
        assert verdict["not_asked_by_the_check"] == "A supplement"
        erase_person(person, [lead_id], actor=None)
        assert db.session.scalars(select(Verdict)).all() == []
        (incident,) = db.session.scalars(select(SafetyIncident)).all()
        assert incident.lead_id is None and incident.verdict_id is None  # kept, unlinked
