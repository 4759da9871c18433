"""`flask rules status | replay | sign`: the same sign-off and replay as the console,
for a clinic's IT person and clinical lead at a terminal. On SQLite and PostgreSQL."""

from __future__ import annotations

import json

from sqlalchemy import func, select

from core.extensions import db
from rules.engine import RULES_PATH
from signoff.models import RuleSignOff
from tests.console_support import CONTACT
from tests.factories import PASSWORD, make_staff
from tests.signoff_support import SIGNER, widened_rules
from tests.support import HEALTHY, completed_token


def run(app, *args, password: str | None = None):
    return app.test_cli_runner().invoke(
        args=["rules", *args], input=None if password is None else f"{password}\n"
    )


def signoff_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(RuleSignOff))


def test_a_clinician_signs_at_the_terminal_with_their_password(db_app):
    make_staff(db_app, "lead@clinic.test", role="clinician", name=SIGNER["name"])
    make_staff(db_app, "desk@clinic.test", role="staff")
    before = run(db_app, "status")
    assert "not signed off" in before.output and "not for patients" in before.output
    sign = ["sign", "--registration", SIGNER["registration"]]
    refused = run(db_app, *sign, "desk@clinic.test", password=PASSWORD)
    assert refused.exit_code != 0 and "Only an active clinician" in refused.output
    wrong = run(db_app, *sign, "lead@clinic.test", password="not it")
    assert wrong.exit_code != 0 and "not the password" in wrong.output
    assert signoff_count(db_app) == 0
    done = run(db_app, *sign, "lead@clinic.test", password=PASSWORD)
    assert done.exit_code == 0, done.output
    assert f"Signed off by {SIGNER['name']} ({SIGNER['registration']})" in done.output
    assert signoff_count(db_app) == 1
    assert "deciding  the deployed version\n" in run(db_app, "status").output
    again = run(db_app, *sign, "lead@clinic.test", password=PASSWORD)
    assert again.exit_code != 0 and "signed off already" in again.output


def test_replay_names_the_leads_a_candidate_would_decide_differently(db_app, tmp_path):
    client = db_app.test_client()
    for age in (19, 40):
        token = completed_token(db_app, {**HEALTHY, "age": age})
        sent = client.post("/check/contact", data={"s": token, **CONTACT})
        assert sent.status_code == 303
    result = run(db_app, "replay", str(widened_rules(tmp_path)), "--json")
    assert result.exit_code == 0, result.output
    replay = json.loads(result.output)
    assert replay["leads"] == 2
    (change,) = replay["changed"]
    assert (change["old_outcome"], change["new_outcome"]) == (
        "book_consultation",
        "clinician_review",
    )
    assert change["reasons_gained"] == ["minor_guardian_consent"]
    text = run(db_app, "replay", str(widened_rules(tmp_path))).output
    assert "2 stored lead(s) decided again" in text and "1 would change, 1 in outcome" in text
    unchanged = run(db_app, "replay").output  # the deployed version: what decided them
    assert "0 would change" in unchanged


def test_replay_refuses_a_file_that_fails_the_proof(db_app, tmp_path):
    softened = tmp_path / "softened.toml"
    softened.write_text(
        RULES_PATH.read_text(encoding="utf-8").replace(
            'reason = "keloid_history"\noutcome = "see_dermatologist"',
            'reason = "keloid_history"\noutcome = "clinician_review"',
        ),
        encoding="utf-8",
    )
    result = run(db_app, "replay", str(softened))
    assert result.exit_code != 0
    assert "fails the proof" in result.output
