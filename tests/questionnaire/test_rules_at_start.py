"""A rule file that fails the proof never decides for anyone: the app refuses to start with it,
in every environment, naming the property, the rule and answers that show it (part of #14)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from app import create_app
from rules.engine import RULES_PATH
from signoff.deployed import RulesNotProved
from tests.support import HEALTHY

SHIPPED = RULES_PATH.read_text()

# The mutants the rules tests know, each as (old text, new text) in the shipped file.
MUTANTS = {
    "keloid softened to a medical review": (
        'reason = "keloid_history"\noutcome = "see_dermatologist"',
        'reason = "keloid_history"\noutcome = "clinician_review"',
        ["S-keloid fails", "R-keloid", '"keloid_history": true'],
    ),
    "keloid narrowed to darker skin": (
        "when = { keloid_history = true }",
        "when = { keloid_history = true, fitzpatrick = { any_of = ['IV', 'V', 'VI'] } }",
        ["S-keloid fails", '"keloid_history": true', "book_consultation"],
    ),
    "pregnancy demoted": (
        'reason = "pregnancy_or_breastfeeding"\noutcome = "not_suitable_now"',
        'reason = "pregnancy_or_breastfeeding"\noutcome = "clinician_review"',
        ["S-pregnancy fails", "R-pregnancy", '"pregnant_or_breastfeeding": true'],
    ),
    "minors no longer caught": (
        "when = { age = { below = 18 } }",
        "when = { age = { below = 12 } }",
        ["R-minor can never apply", "S-minor fails"],
    ),
}


def mutant(tmp_path: Path, old: str, new: str) -> Path:
    assert old in SHIPPED, "the mutant no longer matches the shipped rule file"
    path = tmp_path / "rules.toml"
    path.write_text(SHIPPED.replace(old, new))
    return path


@pytest.mark.parametrize("env", ["development", "production"])
@pytest.mark.parametrize("name", MUTANTS)
def test_a_rule_file_that_fails_the_proof_stops_start_up(tmp_path, monkeypatch, name, env):
    old, new, named = MUTANTS[name]
    monkeypatch.setenv("APP_ENV", env)
    monkeypatch.setenv("SECRET_KEY", "a" * 64)
    monkeypatch.setenv("PUBLIC_BASE_URL", "https://check.example-clinic.com")
    monkeypatch.setenv("RULES_FILE", str(mutant(tmp_path, old, new)))
    with pytest.raises(RulesNotProved) as refused:
        create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.sqlite3'}"},
                   instance_path=str(tmp_path))  # fmt: skip
    message = str(refused.value)
    for part in named:
        assert part in message, (part, message)


def test_a_proved_rule_file_is_the_one_that_decides(tmp_path):
    """A change the proof accepts (here an evidence list) serves: the decisions name its hash."""
    path = mutant(tmp_path, "evidence = [5, 8]", "evidence = [8]")
    app = create_app(
        {"TESTING": True, "SECRET_KEY": "k", "RULES_FILE": str(path),
         "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.sqlite3'}"},
        instance_path=str(tmp_path),
    )  # fmt: skip
    response = app.test_client().post("/api/v1/assessments", json=HEALTHY)
    assert response.status_code == 200
    rulebase = json.loads(response.data)["rulebase"]
    assert rulebase["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
    assert rulebase["sha256"] != hashlib.sha256(RULES_PATH.read_bytes()).hexdigest()
