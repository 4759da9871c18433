"""The console's rule book: who reads it, who signs, and what a version awaiting sign-off shows
(its exact diff and its replay on stored leads). On SQLite and PostgreSQL."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from core.extensions import db
from leads.models import Lead
from rules.diff import diff_rulebases
from signoff.deployed import deployed
from signoff.models import RuleSignOff
from signoff.service import baseline
from staff.models import AuditEvent
from tests.console_support import CONTACT
from tests.factories import PASSWORD, csrf_token, staff_client
from tests.signoff_support import PRODUCTION, SIGNER, sign_as_clinician, widened_rules
from tests.support import HEALTHY, completed_token


def sign_form(client) -> tuple[str, dict[str, str]]:
    page = client.get("/staff/rules").get_data(as_text=True)
    sha = re.search(r'name="sha256" value="([0-9a-f]{64})"', page)
    assert sha, "no sign-off form"
    return page, {
        "csrf_token": csrf_token(page),
        "sha256": sha.group(1),
        "registration": SIGNER["registration"],
        "reviewed": "y",
        "password": PASSWORD,
    }


def signoff_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(RuleSignOff))


def audit_actions(app) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def test_front_desk_staff_neither_read_nor_sign_the_rule_book(db_app):
    client = staff_client(db_app, "staff@clinic.test", "staff")
    assert client.get("/staff/rules").status_code == 403
    assert "Rule book" not in client.get("/staff/leads").get_data(as_text=True)
    page = client.get("/staff/leads").get_data(as_text=True)
    response = client.post(
        "/staff/rules/sign", data={"csrf_token": csrf_token(page), "password": PASSWORD}
    )
    assert response.status_code == 403
    assert signoff_count(db_app) == 0


def test_an_admin_reads_the_rule_book_but_cannot_sign(db_app):
    client = staff_client(db_app, "admin@clinic.test", "admin")
    page = client.get("/staff/rules")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Only a clinician can sign off a rule version" in text
    assert 'name="sha256"' not in text
    response = client.post(
        "/staff/rules/sign",
        data={"csrf_token": csrf_token(text), "password": PASSWORD, "reviewed": "y"},
    )
    assert response.status_code == 403
    assert signoff_count(db_app) == 0


def test_a_clinician_signs_with_their_password_and_the_signoff_is_audited(db_app):
    client = staff_client(db_app, "clinician@clinic.test", "clinician", name="Dr Ada Example")
    page, form = sign_form(client)
    assert "Awaiting sign-off" in page and "Not signed off." in page
    # Every error named, every other answer kept; nothing recorded.
    response = client.post("/staff/rules/sign", data={**form, "reviewed": "", "registration": ""})
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert "Confirm that you have reviewed this version." in text
    assert "Enter your professional registration." in text
    assert 'name="name"' not in text and SIGNER["name"] in text  # the account's, read-only
    wrong = client.post("/staff/rules/sign", data={**form, "password": "not the password"})
    assert wrong.status_code == 401
    assert "That is not your password." in wrong.get_data(as_text=True)
    assert signoff_count(db_app) == 0
    stale = client.post("/staff/rules/sign", data={**form, "sha256": "0" * 64})
    assert stale.status_code == 409
    assert signoff_count(db_app) == 0
    done = client.post("/staff/rules/sign", data=form)
    assert done.status_code == 303
    assert signoff_count(db_app) == 1
    with db_app.app_context():
        row = db.session.scalars(select(RuleSignOff)).one()
        assert row.sha256 == form["sha256"] == deployed().base.sha256
        assert row.signer_name == SIGNER["name"]
        assert row.signer_registration == SIGNER["registration"]
        assert row.signer_email == "clinician@clinic.test"
        assert row.rules_text.encode() == deployed().data
        assert "53,811,412,992 answers objects" in row.proof_summary
        detail = db.session.scalars(
            select(AuditEvent.detail).where(AuditEvent.action == "rules_sign_off")
        ).one()
        assert form["sha256"] in detail
    assert "rules_sign_off_refused" in audit_actions(db_app)
    page = client.get("/staff/rules").get_data(as_text=True)
    assert "Awaiting sign-off" not in page
    assert f"Signed off by {SIGNER['name']} ({SIGNER['registration']})" in page


def test_the_password_check_is_throttled_like_a_sign_in(app_factory):
    app = app_factory(SIGN_IN_SLOW_AFTER=2, SIGN_IN_LOCK_AFTER=3)
    client = staff_client(app, "clinician@clinic.test", "clinician", name="Dr Ada Example")
    _page, form = sign_form(client)
    statuses = [
        client.post("/staff/rules/sign", data={**form, "password": f"guess {n}"}).status_code
        for n in range(4)
    ]
    assert statuses[0] == 401 and 429 in statuses
    assert client.post("/staff/rules/sign", data=form).status_code == 429
    assert signoff_count(app) == 0


def test_a_pending_version_shows_its_exact_diff_and_its_replay_on_stored_leads(
    app_factory, tmp_path
):
    first = app_factory(**PRODUCTION)
    sign_as_clinician(first)
    # Two leads decided by the signed rules: a 19-year-old, and a 30-year-old.
    client = first.test_client()
    lead_ids = {}
    for age in (19, 30):
        token = completed_token(first, {**HEALTHY, "age": age})
        response = client.post(
            "/check/contact", data={"s": token, **CONTACT, "email": f"p{age}@example.com"}
        )
        assert response.status_code == 303
    with first.app_context():
        for lead in db.session.scalars(select(Lead)):
            lead_ids[lead.answers["age"]] = lead.id

    widened = widened_rules(tmp_path)
    second = app_factory(**PRODUCTION, RULES_FILE=str(widened))
    console = staff_client(second, "admin@clinic.test", "admin")
    page = console.get("/staff/rules").get_data(as_text=True)
    assert "Awaiting sign-off" in page
    # The diff's count, as rules.diff computes it over the whole answer space.
    with second.app_context():
        _signed, old = baseline()
        moves = diff_rulebases(old, deployed().base).moves
    assert len(moves) == 1
    assert f"{moves[0].count:,}" in page
    # The replay: the 19-year-old would now be told to have a clinician review first.
    assert "1 of the last 2 leads, 50%, would be told something different." in page
    assert f'href="/staff/leads/{lead_ids[19]}">#{lead_ids[19]}</a>' in page
    assert f">#{lead_ids[30]}</a>" not in page
    # The history: the signed version decided both leads.
    assert re.search(r'<td class="num">2</td>', page)


def test_phone_intake_says_when_its_rules_are_not_signed_off(db_app):
    client = staff_client(db_app, "staff@clinic.test", "staff")
    notice = "Rules not yet signed off: not for patients."
    assert notice in client.get("/staff/intake").get_data(as_text=True)
    sign_as_clinician(db_app)
    assert notice not in client.get("/staff/intake").get_data(as_text=True)


def test_the_replay_is_computed_once_for_every_instance_and_again_when_leads_change(
    app_factory, tmp_path, monkeypatch
):
    """At 100,000 leads a replay takes seconds: it is stored in the database for every
    instance, with the time it was computed, until a lead is stored or deleted."""
    import leads.replay

    first = app_factory(**PRODUCTION)
    sign_as_clinician(first)
    client = first.test_client()

    def store(age: int) -> None:
        token = completed_token(first, {**HEALTHY, "age": age})
        response = client.post(
            "/check/contact", data={"s": token, **CONTACT, "email": f"p{age}@example.com"}
        )
        assert response.status_code == 303

    store(19)
    widened = widened_rules(tmp_path)
    one = staff_client(
        app_factory(**PRODUCTION, RULES_FILE=str(widened)), "admin@clinic.test", "admin"
    )
    page = one.get("/staff/rules").get_data(as_text=True)
    assert "1 of the last 1 leads, 100%, would be told something different." in page
    assert "replayed at" in page

    # Another instance (another worker or server) reads the stored replay: it replays nothing.
    def no_replay(_candidate):
        raise AssertionError("replayed again although no lead changed")

    monkeypatch.setattr(leads.replay, "replay", no_replay)
    other = staff_client(
        app_factory(**PRODUCTION, RULES_FILE=str(widened)), "admin@clinic.test", "admin"
    )
    assert "1 of the last 1 leads, 100%" in other.get("/staff/rules").get_data(as_text=True)

    # A lead stored since: the next view, on any instance, replays it too.
    monkeypatch.undo()
    store(20)
    page = other.get("/staff/rules").get_data(as_text=True)
    assert "2 of the last 2 leads, 100%, would be told something different." in page

    # A lead deleted (a person's request, a purge): the next view replays without it.
    from leads.service import delete_lead

    with first.app_context():
        newest = db.session.scalar(select(func.max(Lead.id)))
        assert delete_lead(newest)
        db.session.commit()
    page = other.get("/staff/rules").get_data(as_text=True)
    assert "1 of the last 1 leads, 100%, would be told something different." in page
