"""The clinician's verdict in the console, as a clinician gives it: blind first (the check's
result hidden until the verdict is saved, unless they choose to see it, which is recorded),
the cause chosen once both are visible, a correction that keeps the earlier verdict; the
Consultations list with missed concerns at the top; the scorecard page and its CSV. On
SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from core.audit import AuditEvent
from core.dbtypes import utcnow
from core.extensions import db
from leads.models import Appointment
from leads.verdict_models import Verdict
from tests.factories import make_lead, post_form, staff_client

# What the lead page and the check's result say of a "see a dermatologist" lead (its reason).
CHECK_SAYS = "The check said: See dermatologist"


def _verdicts(app, lead_id):
    with app.app_context():
        return db.session.scalars(
            select(Verdict).where(Verdict.lead_id == lead_id).order_by(Verdict.id)
        ).all()


def test_blind_verdict_then_cause_then_correction(db_app):
    lead_id = make_lead(db_app, outcome="see_dermatologist")
    doctor = staff_client(db_app, "doctor@clinic.test", role="clinician", name="Dr Dee")
    url = f"/staff/leads/{lead_id}/verdict"
    today = utcnow().date().isoformat()

    blind = doctor.get(url).get_data(as_text=True)
    assert "The check’s result is hidden" in blind and CHECK_SAYS not in blind
    assert "keloid_history" in blind  # a concern to tick, not the check's reason

    missing = post_form(doctor, url, data={"examined_on": ""})
    assert missing.status_code == 422
    page = missing.get_data(as_text=True)
    assert "Choose your verdict." in page and "Give the examination date." in page
    assert CHECK_SAYS not in page and _verdicts(db_app, lead_id) == []

    saved = post_form(doctor, url, data={
        "verdict": "clinician_review", "concerns": ["keloid_history"], "examined_on": today,
    })  # fmt: skip
    assert saved.status_code == 303
    (verdict,) = _verdicts(db_app, lead_id)
    assert verdict.saw_check_first is False and verdict.concerns == ["keloid_history"]
    after = doctor.get(url).get_data(as_text=True)
    assert CHECK_SAYS in after and "Why do the check and your verdict differ?" in after

    wrong = post_form(doctor, url, f"{url}/cause", data={"cause": "rule_wrong"})
    assert wrong.status_code == 422 and "Name the rule that is wrong." in wrong.get_data(True)
    cause = post_form(doctor, url, f"{url}/cause", data={
        "cause": "answer_wrong", "cause_question": "keloid_history",
    })  # fmt: skip
    assert cause.status_code == 303
    (verdict,) = _verdicts(db_app, lead_id)
    assert (verdict.cause, verdict.cause_question) == ("answer_wrong", "keloid_history")

    corrected = post_form(doctor, f"{url}?correct=1", url, data={
        "verdict": "see_dermatologist", "examined_on": today,
    })  # fmt: skip
    assert corrected.status_code == 303
    earlier, current = _verdicts(db_app, lead_id)
    assert earlier.replaced_at is not None and earlier.outcome == "clinician_review"
    assert current.outcome == "see_dermatologist" and current.saw_check_first is True
    assert "Earlier verdicts (corrected)" in doctor.get(url).get_data(as_text=True)
    with db_app.app_context():
        audited = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "verdict").order_by(AuditEvent.id)
        ).all()
    changes = [(event.data["change"], event.staff_email) for event in audited]
    assert changes == [("recorded", "doctor@clinic.test"), ("cause", "doctor@clinic.test"),
                       ("corrected", "doctor@clinic.test")]  # fmt: skip


def test_choosing_to_see_the_check_first_is_recorded_with_the_verdict(db_app):
    lead_id = make_lead(db_app, outcome="see_dermatologist")
    doctor = staff_client(db_app, "doctor@clinic.test", role="clinician")
    url = f"/staff/leads/{lead_id}/verdict"
    shown = post_form(doctor, url, f"{url}/see-check")
    assert shown.status_code == 303
    assert CHECK_SAYS in doctor.get(url).get_data(as_text=True)
    post_form(doctor, url, data={"verdict": "see_dermatologist",
                                 "examined_on": utcnow().date().isoformat()})  # fmt: skip
    (verdict,) = _verdicts(db_app, lead_id)
    assert verdict.saw_check_first is True


def test_only_clinicians_give_verdicts_and_missed_concerns_lead_the_consultations(db_app):
    booked = make_lead(db_app, outcome="book_consultation", name="Bea Booked", status="booked")
    sampled = make_lead(db_app, outcome="not_suitable_now", name="Sam Sampled",
                        audit_sample=True)  # fmt: skip
    with db_app.app_context():
        db.session.add(Appointment(lead_id=booked, kind="consultation",
                                   starts_at=utcnow() - timedelta(hours=2)))  # fmt: skip
        db.session.commit()
    desk = staff_client(db_app, "desk@clinic.test", role="staff")
    assert desk.get(f"/staff/leads/{booked}/verdict").status_code == 403
    assert desk.get("/staff/consultations").status_code == 403
    lead_page = desk.get(f"/staff/leads/{sampled}").get_data(as_text=True)
    assert "offer this person a free clinician review" in lead_page

    doctor = staff_client(db_app, "doctor@clinic.test", role="clinician")
    waiting = doctor.get("/staff/consultations").get_data(as_text=True)
    assert waiting.index("Sam Sampled") < waiting.index("Bea Booked")  # audit sample first
    assert "No missed concern has been recorded." in waiting

    url = f"/staff/leads/{booked}/verdict"
    saved = post_form(doctor, url, data={"verdict": "clinician_review",
                                         "examined_on": utcnow().date().isoformat()})  # fmt: skip
    assert saved.status_code == 303
    listed = doctor.get("/staff/consultations").get_data(as_text=True)
    assert "H1-" in listed and f"#{booked}<" in listed
    assert "Bea Booked" not in listed  # given a verdict: no longer waiting

    card = doctor.get("/staff/rules/scorecard")
    assert card.status_code == 200 and "FN: not flagged, with a concern" in card.get_data(True)
    exported = doctor.get("/staff/rules/scorecard.csv")
    assert exported.status_code == 200 and exported.mimetype == "text/csv"
    header, *rows = exported.get_data(as_text=True).splitlines()
    assert "sensitivity_denominator" in header and rows
    assert desk.get("/staff/rules/scorecard").status_code == 403


def test_the_scorecard_counts_a_lead_stored_or_deleted_since_it_was_last_viewed(db_app):
    """Each version's leads per outcome are a stored figure (computed once for the leads
    stored now); a lead stored or deleted after a view is counted at the next one."""
    import csv

    from leads.service import delete_lead

    def counted() -> tuple[int, int]:
        text = doctor.get("/staff/rules/scorecard.csv").get_data(as_text=True)
        (row,) = list(csv.DictReader(text.splitlines()))
        return int(row["leads"]), int(row["see_dermatologist_leads"])

    make_lead(db_app, outcome="book_consultation")
    doctor = staff_client(db_app, "doctor@clinic.test", role="clinician")
    assert counted() == (1, 0)
    later = make_lead(db_app, outcome="see_dermatologist")
    assert counted() == (2, 1)
    with db_app.app_context():
        delete_lead(later)
        db.session.commit()
    assert counted() == (1, 0)
