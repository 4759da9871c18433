"""A withdrawn sign-off stops deciding for patients at once, on every instance, without a
redeploy: production falls back to the newest other signed version, or answers 503; the
same text cannot be signed again; stored decisions say their sign-off was withdrawn.
On SQLite and PostgreSQL."""

from __future__ import annotations

import time

import pytest
import schemathesis
from sqlalchemy import func, select

from core.extensions import db
from signoff.deployed import deployed
from signoff.models import RuleSignOff
from signoff.service import SignRefused, sign, signoff_of
from staff.models import StaffUser
from staff.rulebook.signing import Refused, sign_deployed
from tests.api_token_support import bearer, make_token
from tests.factories import PASSWORD, csrf_token, make_lead
from tests.signoff_support import (
    PRODUCTION,
    clinician_console,
    sign_as_clinician,
    widened_rules,
    withdraw_in_console,
)
from tests.support import HEALTHY, Walker

NOTICE = "Rules not yet signed off: not for patients."
#: 19 is under 21, not under 18: the widened rules send them to a clinician first.
NINETEEN = {**HEALTHY, "age": 19}


def decided(client, answers=NINETEEN):
    response = client.post("/api/v1/assessments", json=answers)
    assert response.status_code == 200, response.status_code
    body = response.get_json()
    return body["rulebase"]["sha256"], body["outcome"]


def two_signed_versions(app_factory, tmp_path, **config):
    """The shipped rules signed, then a widened version deployed and signed too: the app
    deploying the widened one, and the two sign-offs (older, newer)."""
    older = sign_as_clinician(app_factory(**PRODUCTION))
    app = app_factory(**PRODUCTION, RULES_FILE=str(widened_rules(tmp_path, "2026.12.0")), **config)
    newer = sign_as_clinician(app)
    return app, older, newer


def test_withdrawing_the_deployed_signoff_in_production_falls_back_then_refuses(
    app_factory, tmp_path
):
    app, older, newer = two_signed_versions(app_factory, tmp_path)
    api = app.test_client()
    assert decided(api) == (newer.sha256, "clinician_review")
    console = clinician_console(app)

    done = withdraw_in_console(console, newer.sha256, "The under-21 rule was widened in error.")
    assert done.status_code == 303
    # This instance stops using it at once: the older signed version decides again.
    assert decided(api) == (older.sha256, "book_consultation")
    ready = api.get("/readyz").get_json()["checks"]["rules"]
    assert ready["sha256"] == older.sha256 and ready["deployed"]["signed"] is False

    withdraw_in_console(console, older.sha256, "The older rules are wrong too.")
    assert api.post("/api/v1/assessments", json=NINETEEN).status_code == 503
    assert api.get("/").status_code == 503
    with app.app_context():
        rows = db.session.scalars(select(RuleSignOff)).all()
        assert len(rows) == 2 and all(row.withdrawn_at is not None for row in rows)


def test_another_instance_follows_a_withdrawal_within_its_ttl(app_factory, tmp_path):
    app, older, newer = two_signed_versions(app_factory, tmp_path)
    other = app_factory(**PRODUCTION, RULES_FILE=app.config["RULES_FILE"], LIVE_RULES_TTL=0.5)
    assert decided(other.test_client()) == (newer.sha256, "clinician_review")
    withdraw_in_console(clinician_console(app), newer.sha256, "Widened in error.")
    time.sleep(0.6)
    assert decided(other.test_client()) == (older.sha256, "book_consultation")


def test_outside_production_a_withdrawn_deployed_version_decides_as_not_for_patients(db_app):
    signed = sign_as_clinician(db_app)
    client = db_app.test_client()
    assert NOTICE not in client.get("/").get_data(as_text=True)
    withdraw_in_console(clinician_console(db_app), signed.sha256, "A rule is wrong.")
    for path in ("/", Walker(client).complete(HEALTHY)):
        assert NOTICE in client.get(path).get_data(as_text=True), path
    assert decided(client, HEALTHY)[0] == signed.sha256
    assert client.get("/readyz").get_json()["checks"]["rules"]["status"] == "not_signed"


def test_a_withdrawn_version_cannot_be_signed_again(db_app):
    signed = sign_as_clinician(db_app)
    console = clinician_console(db_app)
    withdraw_in_console(console, signed.sha256, "A rule is wrong.")
    with db_app.app_context():
        user = db.session.scalar(select(StaffUser).filter_by(email="lead@clinic.test"))
        again = sign_deployed(
            user, PASSWORD, registration="GMC 7654321", sha256=deployed().base.sha256
        )
        assert again == Refused("withdrawn")
        with pytest.raises(SignRefused) as refused:
            sign(signer_id=user.id, name="Dr Ada", registration="GMC 7654321", email=user.email)
        assert refused.value.reason == "withdrawn"
        db.session.rollback()
    # The console's sign-off form is gone, and a form sent anyway is refused in words.
    page = console.get("/staff/rules").get_data(as_text=True)
    assert 'name="registration"' not in page
    assert "publish a new version to sign it again" in page
    response = console.post(
        "/staff/rules/sign",
        data={
            "csrf_token": csrf_token(page),
            "sha256": signed.sha256,
            "registration": "GMC 7654321",
            "reviewed": "y",
            "password": PASSWORD,
        },
        follow_redirects=True,
    )
    assert response.status_code == 200
    assert "publish a new version to sign it again" in response.get_data(as_text=True)
    with db_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(RuleSignOff)) == 1
        assert signoff_of(signed.sha256).withdrawn


def test_a_stored_decision_says_its_signoff_was_withdrawn(app_factory):
    app = app_factory(RATELIMIT_API="100000 per minute")
    signed = sign_as_clinician(app)
    lead_id = make_lead(app)
    secret = make_token(app)
    client = app.test_client()
    before = client.get(f"/api/v1/leads/{lead_id}", headers=bearer(secret)).get_json()
    assert before["decision"]["sign_off"]["withdrawn_at"] is None

    console = clinician_console(app)
    withdraw_in_console(console, signed.sha256, "A rule is wrong.")
    after = client.get(f"/api/v1/leads/{lead_id}", headers=bearer(secret)).get_json()
    with app.app_context():
        row = db.session.scalar(select(RuleSignOff))
        assert after["decision"]["sign_off"]["withdrawn_at"] == row.withdrawn_at.isoformat()
    assert after["decision"]["sign_off"]["signed_at"] == before["decision"]["sign_off"]["signed_at"]
    # The answer still matches the OpenAPI document (which says withdrawn_at may be set).
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    case = schema.find_operation_by_id("getLead").Case(path_parameters={"lead_id": lead_id})
    case.call_and_validate(headers={**bearer(secret), "Accept-Encoding": "identity"})
    # The console's lead page says it too.
    page = console.get(f"/staff/leads/{lead_id}").get_data(as_text=True)
    assert "That sign-off was withdrawn on" in page
