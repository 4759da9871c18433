"""`python -m rules evaluate | check`, run as another program would, from the repo root."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]


def run(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "rules", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=REPO_ROOT,
        timeout=60,
        check=False,
    )


def test_evaluate_one_object(answers):
    result = run("evaluate", stdin=json.dumps(answers(cold_sores_history=True)))
    assert result.returncode == 0, result.stderr
    decision = json.loads(result.stdout)
    assert decision["outcome"] == "clinician_review"
    assert [r["key"] for r in decision["reasons"]] == [
        "cold_sore_prophylaxis",
        "atrophic_scars_responsive",
    ]
    assert decision["reasons"][0]["rule"] == "R-cold-sores"
    assert set(decision["rulebase"]) == {"version", "sha256"}
    assert result.stderr == ""


def test_evaluate_an_array_keeps_the_order(answers):
    items = [answers(pregnant_or_breastfeeding=True), answers(), answers(keloid_history=True)]
    result = run("evaluate", stdin=json.dumps(items))
    assert result.returncode == 0, result.stderr
    assert [d["outcome"] for d in json.loads(result.stdout)] == [
        "not_suitable_now",
        "book_consultation",
        "see_dermatologist",
    ]


def test_evaluate_an_empty_array():
    result = run("evaluate", stdin="[]")
    assert (result.returncode, json.loads(result.stdout)) == (0, [])


def test_bad_answers_exit_2_with_the_errors_on_stderr(answers):
    bad = answers(age=11)
    bad["colour"] = "red"
    result = run("evaluate", stdin=json.dumps(bad))
    assert result.returncode == 2
    assert result.stdout == ""
    assert json.loads(result.stderr) == {
        "errors": [
            {"field": "age", "message": "Age must be a whole number from 12 to 120."},
            {"field": "colour", "message": "Unknown field."},
        ]
    }


def test_an_array_with_bad_items_names_each_item(answers):
    items = [answers(), answers(age="30"), answers(), "not an object"]
    result = run("evaluate", stdin=json.dumps(items))
    assert result.returncode == 2
    assert result.stdout == ""
    errors = json.loads(result.stderr)["errors"]
    assert [(e["item"], e["field"]) for e in errors] == [(1, "age"), (3, "")]
    assert all(e["message"] for e in errors)


def test_invalid_json_exits_2_with_a_clear_error():
    for stdin in ("{not json", ""):
        result = run("evaluate", stdin=stdin)
        assert result.returncode == 2
        (error,) = json.loads(result.stderr)["errors"]
        assert error["field"] == ""
        assert error["message"].startswith("The input is not valid JSON")


def test_check_passes_and_says_what_it_covered():
    result = run("check")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "53,811,412,992" in result.stdout
    assert result.stdout.count("PASS") == 4
    assert "OK: proved" in result.stdout


def test_check_json():
    result = run("check", "--json")
    assert result.returncode == 0
    report = json.loads(result.stdout)
    assert report["ok"] is True
    assert report["answers_objects"] == 53_811_412_992
    assert report["findings"] == []


def test_check_a_broken_rule_file_exits_1_with_the_findings(rules_text, tmp_path):
    broken = tmp_path / "broken.toml"
    broken.write_text(rules_text[: rules_text.index("# --- the default")])
    result = run("check", "--rules", str(broken))
    assert result.returncode == 1
    assert "FAIL  1. no gap" in result.stdout
    witness_line = next(line for line in result.stdout.splitlines() if line.strip().startswith("{"))
    assert json.loads(witness_line)["age"] >= 18
    assert "REJECTED" in result.stdout


def test_check_options_for_safety_and_translations(safety_text, tmp_path):
    safety = tmp_path / "safety.toml"
    safety.write_text(safety_text.replace('covers = "metal_allergy"', 'covers = "metals"'))
    result = run("check", "--safety", str(safety), "--translations", str(tmp_path))
    assert result.returncode == 1
    assert "S-metal-allergy: covers unknown reason key 'metals'" in result.stdout


def test_check_tells_each_person_a_finding_is_about_in_words(tmp_path):
    shipped = (REPO_ROOT / "rules" / "microneedling.toml").read_text(encoding="utf-8")
    old = "when = { pregnant_or_breastfeeding = true }"
    assert old in shipped
    path = tmp_path / "narrowed.toml"
    path.write_text(shipped.replace(old, old[:-2] + ", age = { below = 18 } }"))
    result = run("check", "--rules", str(path))
    assert result.returncode == 1
    words = result.stdout.split("\nIn words:\n", 1)[1]
    assert words.splitlines()[0] == (
        "  - A 30-year-old (boxcar scars; scars moderately visible; skin type II; no breakouts; "
        "pregnant, trying to conceive or breastfeeding; nothing else to report) would be told "
        "“book a free consultation”, less than the minimum for someone pregnant, trying to "
        "conceive or breastfeeding: “not now”."
    )
    clean = run("check")
    assert clean.returncode == 0 and "In words:" not in clean.stdout


def test_check_json_names_the_broken_minimum_and_the_person(tmp_path):
    shipped = (REPO_ROOT / "rules" / "microneedling.toml").read_text(encoding="utf-8")
    old = 'reason = "keloid_history"\noutcome = "see_dermatologist"'
    path = tmp_path / "softened.toml"
    path.write_text(shipped.replace(old, 'reason = "keloid_history"\noutcome = "clinician_review"'))
    result = run("check", "--rules", str(path), "--json")
    assert result.returncode == 1
    static, safety = json.loads(result.stdout)["findings"]
    assert static["rule"] == "R-keloid" and "in_words" not in static
    assert {k: safety[k] for k in ("rule", "property", "covers", "at_least", "outcome")} == {
        "rule": "R-keloid",
        "property": "S-keloid",
        "covers": "keloid_history",
        "at_least": "see_dermatologist",
        "outcome": "clinician_review",
    }
    assert safety["in_words"].endswith(
        "less than the minimum for someone who has had keloids: “see a dermatologist first”."
    )
