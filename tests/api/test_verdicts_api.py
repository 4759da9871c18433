"""`PUT /api/v1/leads/{id}/verdict` as a clinic's other system uses it: a verdicts:write
token records a clinician's verdict, the lead then carries it (with the verdicts it
corrected), and every wrong request is refused with each problem named. On SQLite and
PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from core.dbtypes import utcnow
from core.extensions import db
from leads.verdict_models import SafetyIncident, Verdict
from tests.api_token_support import bearer, make_token
from tests.factories import make_lead, make_staff


def _put(client, lead_id, secret, body):
    return client.put(f"/api/v1/leads/{lead_id}/verdict", json=body, headers=bearer(secret))


def _count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def test_a_verdict_is_recorded_corrected_and_carried_by_the_lead(db_app):
    make_staff(db_app, "doctor@clinic.test", role="clinician")
    lead_id = make_lead(db_app, outcome="book_consultation")
    writer = make_token(db_app, "verdicts:write")
    reader = make_token(db_app, "leads:read")
    client = db_app.test_client()
    today = utcnow().date().isoformat()

    first = _put(client, lead_id, writer, {
        "verdict": "book_consultation", "clinician_email": "Doctor@clinic.test",
        "examined_on": today,
    })  # fmt: skip
    assert first.status_code == 200, first.get_json()
    assert first.get_json()["verdict"]["outcome"] == "book_consultation"

    corrected = _put(client, lead_id, writer, {
        "verdict": "clinician_review", "concerns": ["keloid_history"],
        "clinician_email": "doctor@clinic.test", "examined_on": today,
        "saw_check_first": True, "cause": "answer_wrong", "cause_question": "keloid_history",
    })  # fmt: skip
    assert corrected.status_code == 200, corrected.get_json()
    assert _count(db_app, SafetyIncident) == 1  # a missed concern: hazard H1's incident

    lead = client.get(f"/api/v1/leads/{lead_id}", headers=bearer(reader)).get_json()
    verdict = lead["verdict"]
    assert verdict["outcome"] == "clinician_review" and verdict["missed_concern"] is True
    assert verdict["concerns"] == ["keloid_history"] and verdict["saw_check_first"] is True
    assert verdict["cause"] == "answer_wrong" and verdict["cause_question"] == "keloid_history"
    assert verdict["clinician"] == "doctor@clinic.test" and verdict["source"] == "api"
    (earlier,) = verdict["earlier"]
    assert earlier["outcome"] == "book_consultation" and earlier["replaced_at"]

    # verdicts:write does not read leads, and leads:read does not record verdicts.
    assert client.get(f"/api/v1/leads/{lead_id}", headers=bearer(writer)).status_code == 403
    refused = _put(client, lead_id, reader, {"verdict": "book_consultation"})
    assert refused.status_code == 403


def test_every_problem_is_named_and_nothing_is_stored(db_app):
    make_staff(db_app, "doctor@clinic.test", role="clinician")
    make_staff(db_app, "desk@clinic.test", role="staff")
    lead_id = make_lead(db_app, outcome="see_dermatologist")
    writer = make_token(db_app, "verdicts:write")
    client = db_app.test_client()
    tomorrow = (utcnow().date() + timedelta(days=2)).isoformat()

    wrong = _put(client, lead_id, writer, {
        "verdict": "fine", "concerns": ["no_such_key"], "clinician_email": "desk@clinic.test",
        "examined_on": tomorrow, "colour": "blue",
    })  # fmt: skip
    assert wrong.status_code == 422
    fields = {error["field"] for error in wrong.get_json()["errors"]}
    assert fields == {"verdict", "concerns", "clinician_email", "examined_on", "colour"}

    missing = _put(client, lead_id, writer, {"concerns": "keloid_history"})
    fields = {error["field"] for error in missing.get_json()["errors"]}
    assert fields == {"verdict", "clinician_email", "examined_on", "concerns"}

    # A cause is given only for a disagreement: checked once the lead is known.
    today = utcnow().date().isoformat()
    agreeing = _put(client, lead_id, writer, {
        "verdict": "see_dermatologist", "clinician_email": "doctor@clinic.test",
        "examined_on": today, "cause": "clinical_judgement",
    })  # fmt: skip
    assert agreeing.status_code == 422
    assert agreeing.get_json()["errors"][0]["field"] == "cause"
    # A valid body for a lead that does not exist: 404.
    nobody = _put(client, 999999, writer, {
        "verdict": "see_dermatologist", "clinician_email": "doctor@clinic.test",
        "examined_on": today,
    })  # fmt: skip
    assert nobody.status_code == 404
    # An address no account can have (a NUL, as a fuzzer sends it): named, never a 500.
    for odd in ("doctor\x00@clinic.test", "d" * 300 + "@clinic.test"):
        refused = _put(client, lead_id, writer, {
            "verdict": "book_consultation", "clinician_email": odd, "examined_on": today,
        })  # fmt: skip
        assert refused.status_code == 422
        assert [e["field"] for e in refused.get_json()["errors"]] == ["clinician_email"]
    assert _count(db_app, Verdict) == 0
