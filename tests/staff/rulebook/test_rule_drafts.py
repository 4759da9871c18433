"""Rule drafts in the console: started from the live version, edited with choices, proved
on every save, saved without overwriting a colleague's save, signed to decide without a
release (on another instance within LIVE_RULES_TTL), and downloaded as the signed file."""

from __future__ import annotations

import hashlib
import re
import subprocess
import sys
import time

import pytest
from sqlalchemy import select

from core.extensions import db
from signoff.draft_models import RuleDraft, RuleDraftChange
from signoff.models import RuleSignOff
from signoff.service import forget_choice, live
from staff.models import StaffUser
from staff.rulebook.draft_toml import dumps, loads
from staff.rulebook.drafts import Stale, draft_doc, save
from tests.factories import PASSWORD, csrf_token, staff_client
from tests.signoff_support import SIGNER
from tests.support import HEALTHY

LEAD = "lead@clinic.test"
OTHER = "second@clinic.test"


def _clinician(app, email=LEAD, name=SIGNER["name"]):
    return staff_client(app, email, "clinician", name=name)


def _start(client, name="Over-65s reviewed first") -> int:
    page = client.get("/staff/rules/drafts")
    answer = client.post(
        "/staff/rules/drafts",
        data={"csrf_token": csrf_token(page.get_data(as_text=True)), "name": name},
    )
    assert answer.status_code == 303, answer.status_code
    return int(re.search(r"/drafts/(\d+)", answer.headers["Location"]).group(1))


def _rule_index(app, draft_id: int, rule_id: str) -> int:
    with app.app_context():
        doc = draft_doc(db.session.get(RuleDraft, draft_id))
    return next(i for i, r in enumerate(doc["rule"]) if r["id"] == rule_id)


def _over_65(**overrides) -> dict:
    form = {
        "rule_id": "R-age-over-65",
        "outcome": "clinician_review",
        "reason": "clinic",
        "clinic_reason": "clinic_age_over_65",
        "text_en": "Because of your age, a clinician will look at your answers first.",
        "text_es": "Por su edad, un profesional revisará primero sus respuestas.",
        "note": "Thinner skin heals more slowly.",
        "evidence": ["30"],
        "conditions": "1",
        "c-0-field": "age",
        "c-0-op": "at_least",
        "c-0-number": "66",
        "action": "save",
    }
    form.update(overrides)
    return form


def _add_rule(client, draft_id: int, form: dict):
    page = client.get(f"/staff/rules/drafts/{draft_id}/rules/new")
    assert page.status_code == 200
    revision = re.search(r'name="revision" value="(\d+)"', page.get_data(as_text=True)).group(1)
    data = {"csrf_token": csrf_token(page.get_data(as_text=True)), "revision": revision, **form}
    return client.post(f"/staff/rules/drafts/{draft_id}/rules/new", data=data)


def _sign(client, draft_id: int, password: str = PASSWORD):
    page = client.get(f"/staff/rules/drafts/{draft_id}")
    html = page.get_data(as_text=True)
    sha = re.search(r'name="sha256" value="([0-9a-f]{64})"', html)
    assert sha, "no sign-off form on the draft page"
    revision = re.search(r'name="revision" value="(\d+)"', html).group(1)
    return client.post(
        f"/staff/rules/drafts/{draft_id}/sign",
        data={
            "csrf_token": csrf_token(html),
            "sha256": sha.group(1),
            "revision": revision,
            "registration": SIGNER["registration"],
            "reviewed": "y",
            "password": password,
        },
    )


def test_the_writer_reads_back_as_the_shipped_rules():
    from rules.engine import RULES_PATH
    from rules.parser import parse_rulebase

    text = RULES_PATH.read_text(encoding="utf-8")
    written = dumps(loads(text))
    assert loads(written) == loads(text)
    shipped, again = parse_rulebase(text.encode()), parse_rulebase(written.encode())
    assert [(r.id, r.when, r.outcome, r.reason) for r in shipped.rules] == [
        (r.id, r.when, r.outcome, r.reason) for r in again.rules
    ]
    tricky = {"version": 'a "quoted"\\ \x7f\n', "rule": [{"id": "R-x", "when": {}}]}
    assert loads(dumps(tricky)) == tricky


def test_a_stale_save_is_refused_naming_who_saved_and_keeps_the_entries(app_factory):
    app = app_factory()
    first = _clinician(app)
    second = _clinician(app, OTHER, "Dr Bea Second")
    draft_id = _start(first)
    # Both open the new-rule form at the same revision.
    page_a = first.get(f"/staff/rules/drafts/{draft_id}/rules/new").get_data(as_text=True)
    page_b = second.get(f"/staff/rules/drafts/{draft_id}/rules/new").get_data(as_text=True)
    revision = re.search(r'name="revision" value="(\d+)"', page_a).group(1)
    saved = second.post(
        f"/staff/rules/drafts/{draft_id}/rules/new",
        data={"csrf_token": csrf_token(page_b), "revision": revision, **_over_65()},
    )
    assert saved.status_code == 303
    stale = first.post(
        f"/staff/rules/drafts/{draft_id}/rules/new",
        data={
            "csrf_token": csrf_token(page_a),
            "revision": revision,
            **_over_65(rule_id="R-age-over-70", clinic_reason="clinic_age_over_70"),
        },
    )
    assert stale.status_code == 409
    html = stale.get_data(as_text=True)
    assert "Dr Bea Second" in html and "Added R-age-over-65" in html
    assert 'value="R-age-over-70"' in html and 'value="clinic_age_over_70"' in html
    with app.app_context():
        draft = db.session.get(RuleDraft, draft_id)
        ids = [r["id"] for r in draft_doc(draft)["rule"]]
        assert "R-age-over-65" in ids and "R-age-over-70" not in ids
        assert draft.revision == int(revision) + 1
        log = db.session.scalars(
            select(RuleDraftChange.what).where(RuleDraftChange.draft_id == draft_id)
        ).all()
        assert sorted(log) == ["Added R-age-over-65", "Started from version 2026.11.0"]
    # Sent again from the re-shown form (its revision is the current one), it saves.
    again = stale.get_data(as_text=True)
    new_revision = re.search(r'name="revision" value="(\d+)"', again).group(1)
    assert new_revision == str(int(revision) + 1)


def test_the_service_refuses_a_stale_revision(app_factory):
    app = app_factory()
    _start(_clinician(app))
    with app.app_context():
        user = db.session.scalar(select(StaffUser).filter_by(email=LEAD))
        draft = db.session.scalar(select(RuleDraft))
        doc, draft_id, revision = draft_doc(draft), draft.id, draft.revision
        assert save(draft_id, revision, doc, user, "one").revision == revision + 1
        stale = save(draft_id, revision, doc, user, "two")
        assert isinstance(stale, Stale)
        assert (stale.by, stale.what, stale.revision) == (SIGNER["name"], "one", revision + 1)


def test_invalid_entries_are_each_named_and_every_entry_kept(app_factory):
    app = app_factory()
    client = _clinician(app)
    draft_id = _start(client)
    answer = _add_rule(
        client,
        draft_id,
        _over_65(
            rule_id="over 65",
            clinic_reason="Clinic Age",
            **{"c-0-number": "old"},
            conditions="2",
            **{"c-1-field": "scar_types", "c-1-op": "includes_any"},
        ),
    )
    assert answer.status_code == 422
    html = answer.get_data(as_text=True)
    for anchor in ("#rule_id", "#clinic_reason", "#c-0-number", "#c-1-values"):
        assert f'href="{anchor}"' in html
    assert 'value="over 65"' in html and "Thinner skin heals more slowly." in html
    assert "Por su edad" in html and 'value="old"' in html


def test_a_failing_draft_is_shown_as_people_and_can_never_be_signed(app_factory):
    app = app_factory()
    client = _clinician(app)
    draft_id = _start(client)
    keloid = _rule_index(app, draft_id, "R-keloid")
    page = client.get(f"/staff/rules/drafts/{draft_id}/rules/{keloid}").get_data(as_text=True)
    form = {
        "csrf_token": csrf_token(page),
        "revision": re.search(r'name="revision" value="(\d+)"', page).group(1),
        "rule_id": "R-keloid",
        "outcome": "clinician_review",  # below its contract minimum
        "reason": "keloid_history",
        "evidence": ["5", "8"],
        "conditions": "1",
        "c-0-field": "keloid_history",
        "c-0-flag": "true",
        "action": "save",
    }
    assert (
        client.post(f"/staff/rules/drafts/{draft_id}/rules/{keloid}", data=form).status_code == 303
    )
    html = client.get(f"/staff/rules/drafts/{draft_id}").get_data(as_text=True)
    assert "has had keloids" in html and "year-old" in html
    assert 'href="#rule-R-keloid"' in html and 'id="rule-R-keloid"' in html
    assert f'action="/staff/rules/drafts/{draft_id}/sign"' not in html
    # A forged sign-off post is refused, and nothing becomes live.
    with app.app_context():
        text = db.session.get(RuleDraft, draft_id).rules_text
        revision = db.session.get(RuleDraft, draft_id).revision
    refused = client.post(
        f"/staff/rules/drafts/{draft_id}/sign",
        data={
            "csrf_token": csrf_token(html),
            "sha256": hashlib.sha256(text.encode()).hexdigest(),
            "revision": str(revision),
            "registration": SIGNER["registration"],
            "reviewed": "y",
            "password": PASSWORD,
        },
    )
    assert refused.status_code == 409
    with app.app_context():
        assert db.session.scalar(select(RuleSignOff)) is None
        forget_choice()
        assert live().signoff is None


def test_a_rule_that_can_never_apply_is_a_finding(app_factory):
    app = app_factory()
    client = _clinician(app)
    draft_id = _start(client)
    answer = _add_rule(client, draft_id, _over_65(**{"c-0-op": "below", "c-0-number": "12"}))
    assert answer.status_code == 303
    html = client.get(f"/staff/rules/drafts/{draft_id}").get_data(as_text=True)
    assert "R-age-over-65 can never apply" in html


def test_a_clinic_reason_without_its_spanish_text_is_a_finding(app_factory):
    app = app_factory()
    client = _clinician(app)
    draft_id = _start(client)
    assert _add_rule(client, draft_id, _over_65(text_es="")).status_code == 303
    html = client.get(f"/staff/rules/drafts/{draft_id}").get_data(as_text=True)
    assert "no patient text in es" in html and 'href="#rule-R-age-over-65"' in html


def test_signing_a_draft_makes_it_live_and_its_file_proves_the_same(app_factory, tmp_path):
    app = app_factory()
    client = _clinician(app)
    draft_id = _start(client)
    assert _add_rule(client, draft_id, _over_65()).status_code == 303
    review = client.get(f"/staff/rules/drafts/{draft_id}").get_data(as_text=True)
    effect = review[review.index('id="effect-title"') : review.index('id="rules-title"')]
    assert 'class="diff-summary"' in effect and "R-age-over-65" in effect
    signed = _sign(client, draft_id)
    assert signed.status_code == 303, signed.get_data(as_text=True)
    with app.app_context():
        draft = db.session.get(RuleDraft, draft_id)
        assert draft.state == "signed"
        row = db.session.scalar(select(RuleSignOff).filter_by(sha256=draft.signed_sha256))
        assert row.rules_text == draft.rules_text
    old = client.post("/api/v1/assessments", json={**HEALTHY, "age": 70}).get_json()
    assert old["outcome"] == "clinician_review"
    assert old["rulebase"]["sha256"] == row.sha256
    assert "clinic_age_over_65" in {r["key"] for r in old["reasons"]}
    # The signed text, downloaded, hashes to the signed sha256 and proves the same.
    download = client.get(f"/staff/rules/versions/{row.sha256}.toml")
    assert download.status_code == 200
    assert hashlib.sha256(download.data).hexdigest() == row.sha256
    path = tmp_path / "signed.toml"
    path.write_bytes(download.data)
    check = subprocess.run(
        [sys.executable, "-m", "rules", "check", "--rules", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert check.returncode == 0, check.stdout + check.stderr
    assert client.get(f"/staff/rules/versions/{'0' * 64}.toml").status_code == 404
    # Withdrawal works as today: the deployed file decides again (outside production).
    from tests.signoff_support import withdraw_in_console

    withdrawn = withdraw_in_console(client, row.sha256, "Trying the draft flow.")
    assert withdrawn.status_code == 303
    after = client.post("/api/v1/assessments", json={**HEALTHY, "age": 70}).get_json()
    assert after["outcome"] == "book_consultation"


def test_a_second_clinician_is_required_when_the_setting_asks(app_factory):
    app = app_factory(RULE_DRAFT_SECOND_SIGNER=True)
    author = _clinician(app)
    draft_id = _start(author)
    assert _add_rule(author, draft_id, _over_65()).status_code == 303
    refused = _sign(author, draft_id)
    assert refused.status_code == 409
    assert "second clinician" in refused.get_data(as_text=True)
    other = _clinician(app, OTHER, "Dr Bea Second")
    assert _sign(other, draft_id).status_code == 303


def test_admins_read_drafts_but_do_not_change_them(app_factory):
    app = app_factory()
    draft_id = _start(_clinician(app))
    admin = staff_client(app, "admin@clinic.test", "admin")
    page = admin.get(f"/staff/rules/drafts/{draft_id}")
    assert page.status_code == 200
    assert "Move up" not in page.get_data(as_text=True)
    assert admin.get(f"/staff/rules/drafts/{draft_id}/rules/new").status_code == 403
    front_desk = staff_client(app, "desk@clinic.test", "staff")
    assert front_desk.get("/staff/rules/drafts").status_code == 403


@pytest.mark.parametrize("database", ["postgresql"])
def test_a_signed_draft_decides_on_another_instance_within_the_ttl(database, pg_schema, tmp_path):
    from tests.conftest import make_db_app

    one = make_db_app(database, tmp_path, pg_schema, LIVE_RULES_TTL=1)
    two = make_db_app(database, tmp_path, pg_schema, LIVE_RULES_TTL=1)
    try:
        other = two.test_client()
        before = other.post("/api/v1/assessments", json={**HEALTHY, "age": 70}).get_json()
        assert before["outcome"] == "book_consultation"
        client = _clinician(one)
        draft_id = _start(client)
        assert _add_rule(client, draft_id, _over_65()).status_code == 303
        assert _sign(client, draft_id).status_code == 303
        time.sleep(1.2)
        after = other.post("/api/v1/assessments", json={**HEALTHY, "age": 70}).get_json()
        assert after["outcome"] == "clinician_review"
        with two.app_context():
            assert live().signoff is not None
    finally:
        for app in (one, two):
            with app.app_context():
                db.session.remove()
                db.engine.dispose()
        pg_schema[0].truncate()


def _softened_keloid() -> str:
    from rules.engine import RULES_PATH

    doc = loads(RULES_PATH.read_text(encoding="utf-8"))
    doc["version"] = "2026.11.0-softened"
    next(r for r in doc["rule"] if r["id"] == "R-keloid")["outcome"] = "clinician_review"
    return dumps(doc)


def test_a_failing_text_is_never_signed_and_never_decides_if_stored(app_factory):
    from core.dbtypes import utcnow
    from signoff.deployed import RulesNotProved
    from signoff.service import sign_text

    app = app_factory()
    text = _softened_keloid()
    sha = hashlib.sha256(text.encode()).hexdigest()
    with app.app_context():
        with pytest.raises(RulesNotProved):
            sign_text(
                text.encode(), label="x", signer_id=None, name="A", registration="B", email="c"
            )
        db.session.rollback()
        # Stored anyway (as a database edit would), it still never decides.
        now = utcnow()
        db.session.add(
            RuleSignOff(
                sha256=sha,
                version="2026.11.0-softened",
                rules_text=text,
                proof_summary="-",
                signer_name="A",
                signer_registration="B",
                signer_email="c@clinic.test",
                signed_at=now,
            )
        )
        db.session.add(
            RuleDraft(
                name="softened",
                based_on_sha256="0" * 64,
                rules_text=text,
                revision=2,
                state="signed",
                signed_sha256=sha,
                created_by_name="A",
                created_at=now,
                updated_by_name="A",
                updated_at=now,
            )
        )
        db.session.commit()
        forget_choice()
        assert live().base.sha256 != sha
        assert live().signoff is None
    keloid = {**HEALTHY, "keloid_history": True}
    answer = app.test_client().post("/api/v1/assessments", json=keloid).get_json()
    assert answer["outcome"] == "see_dermatologist"


def test_rules_are_moved_and_removed_and_a_stale_move_is_refused(app_factory):
    app = app_factory()
    client = _clinician(app)
    draft_id = _start(client)
    page = client.get(f"/staff/rules/drafts/{draft_id}").get_data(as_text=True)
    token = csrf_token(page)
    revision = int(re.search(r'name="revision" value="(\d+)"', page).group(1))
    second = _rule_index(app, draft_id, "R-active-infection")
    moved = client.post(
        f"/staff/rules/drafts/{draft_id}/rules/{second}/move",
        data={"csrf_token": token, "revision": revision, "direction": "up"},
    )
    assert moved.status_code == 303
    assert _rule_index(app, draft_id, "R-active-infection") == second - 1
    stale = client.post(
        f"/staff/rules/drafts/{draft_id}/rules/0/remove",
        data={"csrf_token": token, "revision": revision},
    )
    assert stale.status_code == 303
    shown = client.get(f"/staff/rules/drafts/{draft_id}").get_data(as_text=True)
    assert "was not saved" in shown and "Moved R-active-infection up" in shown
    assert _rule_index(app, draft_id, "R-active-infection") == 0
    removed = client.post(
        f"/staff/rules/drafts/{draft_id}/rules/0/remove",
        data={"csrf_token": token, "revision": revision + 1},
    )
    assert removed.status_code == 303
    with app.app_context():
        ids = [r["id"] for r in draft_doc(db.session.get(RuleDraft, draft_id))["rule"]]
    assert "R-active-infection" not in ids and ids[0] == "R-pregnancy"
    # Removing a contract reason's rule is a finding: its safety minimum fails.
    html = client.get(f"/staff/rules/drafts/{draft_id}").get_data(as_text=True)
    assert "an infection in the area now" in html


def test_a_draft_shows_its_effect_on_stored_leads_and_tries_a_patient(app_factory):
    """Before signing, a draft's page says which stored leads it would tell something
    different (as a share), and "try a patient" decides with the draft beside the live one."""
    from leads.models import Lead
    from tests.factories import make_lead

    app = app_factory()
    older = make_lead(app, name="Olga Older")
    make_lead(app, name="Yara Younger")
    with app.app_context():
        lead = db.session.get(Lead, older)
        lead.answers = {**lead.answers, "age": 70}
        db.session.commit()
    client = _clinician(app)
    draft_id = _start(client)
    assert _add_rule(client, draft_id, _over_65()).status_code == 303
    page = client.get(f"/staff/rules/drafts/{draft_id}").get_data(as_text=True)
    text = " ".join(re.sub(r"<[^>]+>", " ", page).split())
    assert "1 of the last 2 leads, 50%, would be told something different." in text
    assert f'href="/staff/leads/{older}"' in page
    try_link = re.search(r'href="(/staff/rules/try\?draft=\d+)"', page)
    assert try_link, "no try-a-patient link on the draft"
    form = client.get(try_link.group(1)).get_data(as_text=True)
    assert f'name="draft" value="{draft_id}"' in form
    from questionnaire.catalogue import QUESTIONS
    from questionnaire.forms import form_data

    tried = client.post(
        "/staff/rules/try",
        data={
            "csrf_token": csrf_token(form),
            "draft": str(draft_id),
            **form_data({**HEALTHY, "age": 70}, QUESTIONS),
        },
    )
    assert tried.status_code == 200
    words = " ".join(re.sub(r"<[^>]+>", " ", tried.get_data(as_text=True)).split())
    assert "Draft: Over-65s reviewed first" in words
    assert "The versions tell this patient different things." in words
    assert "The versions tell this patient different things." in words
    assert "Deciding now (not signed off): version" in words
    assert "R-age-over-65" in words
    assert client.get("/staff/rules/try?draft=999999").status_code == 404
