"""In production only a signed rule version decides; outside production an unsigned one
does, with a notice on every patient page. Tested on SQLite and PostgreSQL."""

from __future__ import annotations

import hashlib
import time

from sqlalchemy import func, select, update
from sqlalchemy.exc import OperationalError

from core.extensions import db
from leads.models import Lead
from rules.engine import RULES_PATH
from signoff.models import RuleSignOff
from tests.console_support import CONTACT
from tests.signoff_support import PRODUCTION, SIGNER, sign_as_clinician, widened_rules
from tests.support import HEALTHY, Walker, completed_token

NOTICE = "Rules not yet signed off: not for patients."
REFUSAL = "The check is not available right now"


def lead_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Lead))


def test_a_production_start_without_a_signoff_decides_nobody(app_factory):
    app = app_factory(**PRODUCTION)
    client = app.test_client()
    for path in ("/", "/check/start", "/check/scars", "/embed/", "/api/v1/questionnaire"):
        response = client.get(path)
        assert response.status_code == 503, path
        assert response.headers["Retry-After"]
    page = client.get("/").get_data(as_text=True)
    assert REFUSAL in page and "clinical review" in page
    api = client.post("/api/v1/assessments", json=HEALTHY)
    assert api.status_code == 503
    assert api.get_json()["errors"][0]["message"].startswith("The check is waiting")
    assert client.get("/api/v1/openapi.json").status_code == 200  # its description stays
    contact = client.post("/check/contact", data={"s": completed_token(app), **CONTACT})
    assert contact.status_code == 503
    assert lead_count(app) == 0
    ready = client.get("/readyz")
    assert ready.status_code == 503
    assert ready.get_json()["failing"] == ["rules"]
    assert ready.get_json()["checks"]["rules"]["status"] == "no_signed_version"


def test_a_signed_version_serves_patients_and_the_result_names_its_signer(app_factory):
    app = app_factory(**PRODUCTION)
    signed = sign_as_clinician(app)
    client = app.test_client()
    walker = Walker(client)
    page = client.get(walker.complete(HEALTHY)).get_data(as_text=True)
    assert "Microneedling is likely to suit you" in page
    assert SIGNER["name"] in page and SIGNER["registration"] in page
    assert NOTICE not in page
    response = client.post("/check/contact", data={"s": completed_token(app), **CONTACT})
    assert response.status_code == 303
    with app.app_context():
        lead = db.session.scalars(select(Lead)).one()
        assert lead.rulebase_sha256 == signed.sha256
    ready = client.get("/readyz").get_json()["checks"]["rules"]
    assert ready["ok"] and ready["status"] == "signed" and ready["signed"] is True
    assert ready["deployed"]["signed"] is True


def test_outside_production_an_unsigned_version_decides_with_a_notice_on_every_page(db_app):
    client = db_app.test_client()
    walker = Walker(client)
    assert NOTICE in client.get("/").get_data(as_text=True)
    assert NOTICE in client.get("/embed/").get_data(as_text=True)
    first_step = client.get(walker.start())
    assert NOTICE in first_step.get_data(as_text=True)
    result = client.get(walker.complete(HEALTHY)).get_data(as_text=True)
    assert NOTICE in result
    assert "have not been signed off by a clinician" in result
    assert client.get("/readyz").get_json()["checks"]["rules"]["status"] == "not_signed"
    sign_as_clinician(db_app)
    # The instance that signed uses the sign-off at once: the cached pages too.
    for path in ("/", walker.complete(HEALTHY)):
        page = client.get(path).get_data(as_text=True)
        assert NOTICE not in page, path
    assert SIGNER["name"] in client.get(walker.complete(HEALTHY)).get_data(as_text=True)


def test_a_version_awaiting_signoff_leaves_patients_on_the_last_signed_one(app_factory, tmp_path):
    first = app_factory(**PRODUCTION)
    signed = sign_as_clinician(first)
    widened = widened_rules(tmp_path)
    second = app_factory(**PRODUCTION, RULES_FILE=str(widened))
    client = second.test_client()
    nineteen = {**HEALTHY, "age": 19}
    decision = client.post("/api/v1/assessments", json=nineteen).get_json()
    assert decision["outcome"] == "book_consultation"  # the signed rules, not the new ones
    assert decision["rulebase"]["sha256"] == signed.sha256
    ready = client.get("/readyz").get_json()["checks"]["rules"]
    assert ready["ok"] and ready["signed"] is True and ready["sha256"] == signed.sha256
    assert ready["deployed"]["signed"] is False
    assert ready["deployed"]["sha256"] != signed.sha256
    page = client.get(Walker(client).complete(nineteen)).get_data(as_text=True)
    assert SIGNER["name"] in page and NOTICE not in page
    sign_as_clinician(second)
    decision = client.post("/api/v1/assessments", json=nineteen).get_json()
    assert decision["outcome"] == "clinician_review"
    assert decision["rulebase"]["sha256"] != signed.sha256


def test_a_stored_version_whose_text_does_not_match_its_hash_is_never_used(app_factory, tmp_path):
    first = app_factory(**PRODUCTION)
    sign_as_clinician(first)
    with first.app_context():
        db.session.execute(
            update(RuleSignOff).values(rules_text=RuleSignOff.rules_text + "\n# edited\n")
        )
        db.session.commit()
    second = app_factory(**PRODUCTION, RULES_FILE=str(widened_rules(tmp_path)))
    assert second.test_client().post("/api/v1/assessments", json=HEALTHY).status_code == 503


def test_a_signed_version_that_fails_todays_proof_is_never_used(app_factory, tmp_path, caplog):
    """As if a safety property had been added since the version was signed."""
    softened = RULES_PATH.read_text(encoding="utf-8").replace(
        'reason = "keloid_history"\noutcome = "see_dermatologist"',
        'reason = "keloid_history"\noutcome = "clinician_review"',
    )
    app = app_factory(**PRODUCTION)
    with app.app_context():
        db.session.add(
            RuleSignOff(
                sha256=hashlib.sha256(softened.encode()).hexdigest(),
                version="softened",
                rules_text=softened,
                proof_summary="(made up by the test)",
                signer_name="Dr Ada Example",
                signer_registration="GMC 7654321",
                signer_email="lead@clinic.test",
            )
        )
        db.session.commit()
    keloid = {**HEALTHY, "keloid_history": True}
    response = app.test_client().post("/api/v1/assessments", json=keloid)
    assert response.status_code == 503
    assert "no longer passes the proof" in caplog.text


def test_a_signoff_on_another_instance_reaches_this_one_within_the_ttl(app_factory):
    one = app_factory(**PRODUCTION)
    other = app_factory(**PRODUCTION, LIVE_RULES_TTL=0.5)
    assert other.test_client().get("/").status_code == 503
    sign_as_clinician(one)
    time.sleep(0.6)
    assert other.test_client().get("/").status_code == 200


def test_the_last_choice_stands_while_the_signoffs_cannot_be_read(app_factory, monkeypatch):
    """A short database outage: the check goes on deciding with the version it last chose."""
    app = app_factory(**PRODUCTION, LIVE_RULES_TTL=0)
    signed = sign_as_clinician(app)
    client = app.test_client()
    assert client.post("/api/v1/assessments", json=HEALTHY).status_code == 200

    def unreadable(*_args, **_kwargs):
        raise OperationalError("SELECT", {}, Exception("the database is down"))

    monkeypatch.setattr(db.session, "scalar", unreadable)
    decision = client.post("/api/v1/assessments", json=HEALTHY)
    assert decision.status_code == 200
    assert decision.get_json()["rulebase"]["sha256"] == signed.sha256


def test_an_outage_is_asked_about_once_per_ttl_not_on_every_request(app_factory, monkeypatch):
    """Each read of the sign-offs during an outage waits for its connection timeout: the
    live choice asks again only once LIVE_RULES_TTL has passed, with or without a choice."""
    from signoff import service

    app = app_factory(**PRODUCTION, LIVE_RULES_TTL=10)
    signed = sign_as_clinician(app)
    client = app.test_client()
    clock = [1000.0]
    monkeypatch.setattr(service.time, "monotonic", lambda: clock[0])
    with app.app_context():
        service.forget_choice()
    assert client.post("/api/v1/assessments", json=HEALTHY).status_code == 200  # chosen
    tries = []

    def unreadable(*_args, **_kwargs):
        tries.append(1)
        raise OperationalError("SELECT", {}, Exception("the database is down"))

    monkeypatch.setattr(db.session, "scalar", unreadable)
    clock[0] += 11  # the choice is due to be read again: the database is down
    for _ in range(5):
        decision = client.post("/api/v1/assessments", json=HEALTHY)
        assert decision.get_json()["rulebase"]["sha256"] == signed.sha256
    assert len(tries) == 1
    clock[0] += 11
    client.post("/api/v1/assessments", json=HEALTHY)
    assert len(tries) == 2

    with app.app_context():
        service.forget_choice()  # no earlier choice: production refuses, asking once per TTL
    assert [client.get("/").status_code for _ in range(4)] == [503] * 4
    assert len(tries) == 3
    clock[0] += 11
    assert client.get("/").status_code == 503 and len(tries) == 4


def test_with_no_earlier_choice_an_unreadable_database_decides_nobody_in_production(
    app_factory, monkeypatch
):
    app = app_factory(**PRODUCTION)

    def unreadable(*_args, **_kwargs):
        raise OperationalError("SELECT", {}, Exception("the database is down"))

    monkeypatch.setattr(db.session, "scalar", unreadable)
    assert app.test_client().post("/api/v1/assessments", json=HEALTHY).status_code == 503
