"""Contract section 3, "Stricter severities and the clinic's own reasons": a signed rule
version may make a reason stricter than the table's and add `clinic_` reasons of its own;
a reason below the table, a table reason missing, or a clinic reason without patient text
in every shipped language or without a source or clinician note stays a finding."""

from __future__ import annotations

from pathlib import Path

from rules import load_rulebase
from rules.engine import RULES_PATH
from rules.verify import verify
from tests.clinic_rules import DEFAULT, OVER_65

SHIPPED = RULES_PATH.read_text(encoding="utf-8")


def variant(tmp_path: Path, *edits: tuple[str, str]) -> Path:
    """The shipped rule file with each (old, new) replaced once; `old` must occur."""
    text = SHIPPED
    for old, new in edits:
        assert old in text, f"test setup: {old!r} is not in the shipped file"
        text = text.replace(old, new, 1)
    path = tmp_path / "variant.toml"
    path.write_text(text, encoding="utf-8")
    return path


def with_rule(tmp_path: Path, rule: str) -> Path:
    return variant(tmp_path, (DEFAULT, rule + DEFAULT))


def static_messages(report) -> list[str]:
    return [f.message for f in report.by_check(2)]


def test_a_clinic_reason_over_65_passes_the_proof_and_decides_for_a_70_year_old(tmp_path, answers):
    path = with_rule(tmp_path, OVER_65)
    report = verify(path)
    assert report.ok, report.format()
    assert "clinic_age_over_65" in report.proved[2]
    base = load_rulebase(path)
    decision = base.evaluate(answers(age=70))
    assert decision.outcome == "clinician_review"
    assert next((r.key, r.severity, r.rule) for r in decision.reasons) == (
        "clinic_age_over_65",
        "clinician_review",
        "R-age-over-65",
    )
    assert decision.to_dict()["reasons"][0]["text"].startswith("As you are over 65")
    spanish = base.evaluate(answers(age=70), "es").reasons[0].text
    assert spanish.startswith("Como tiene más de 65 años")
    # 65 itself is not "over 65": the shipped decision stands.
    assert base.evaluate(answers(age=65)).outcome == "book_consultation"
    assert "clinic_age_over_65" not in [r.key for r in base.evaluate(answers(age=65)).reasons]


def test_a_clinic_reason_at_not_suitable_now_outranks_a_clinician_review(tmp_path, answers):
    path = with_rule(
        tmp_path, OVER_65.replace('outcome = "clinician_review"', 'outcome = "not_suitable_now"')
    )
    assert verify(path).ok
    decision = load_rulebase(path).evaluate(answers(age=80, cold_sores_history=True))
    assert decision.outcome == "not_suitable_now"
    assert [r.key for r in decision.reasons][:2] == ["clinic_age_over_65", "cold_sore_prophylaxis"]


def test_a_stricter_severity_than_the_table_is_accepted_and_decides(tmp_path, answers):
    path = variant(
        tmp_path,
        (
            'reason = "cold_sore_prophylaxis"\noutcome = "clinician_review"',
            'reason = "cold_sore_prophylaxis"\noutcome = "not_suitable_now"',
        ),
    )
    report = verify(path)
    assert report.ok, report.format()
    decision = load_rulebase(path).evaluate(answers(cold_sores_history=True))
    assert decision.outcome == "not_suitable_now"
    assert (decision.reasons[0].key, decision.reasons[0].severity) == (
        "cold_sore_prophylaxis",
        "not_suitable_now",
    )


def test_an_info_reason_made_to_count_is_accepted(tmp_path, answers):
    path = variant(
        tmp_path,
        (
            'reason = "pih_risk_darker_skin"\noutcome = "info"',
            'reason = "pih_risk_darker_skin"\noutcome = "clinician_review"',
        ),
    )
    assert verify(path).ok
    assert load_rulebase(path).evaluate(answers(fitzpatrick="V")).outcome == "clinician_review"


def test_a_reason_below_its_table_severity_fails(tmp_path):
    path = variant(
        tmp_path,
        (
            'reason = "cold_sore_prophylaxis"\noutcome = "clinician_review"',
            'reason = "cold_sore_prophylaxis"\noutcome = "info"',
        ),
    )
    report = verify(path)
    assert not report.ok
    assert static_messages(report) == [
        "R-cold-sores: reason 'cold_sore_prophylaxis' is given as info, below the contract's "
        "severity clinician_review (a rule version may make a reason stricter, never less strict)"
    ]
    (safety,) = report.by_check(4)[:1]
    assert safety.property == "S-cold-sores"
    assert safety.rule == "R-cold-sores"
    assert safety.witness["cold_sores_history"] is True
    assert safety.outcome == "book_consultation"


def test_a_table_reason_replaced_by_a_clinic_reason_is_still_missing(tmp_path):
    path = variant(
        tmp_path,
        (
            'reason = "cold_sore_prophylaxis"',
            'reason = "clinic_cold_sores"\ntext = { en = "x", es = "y" }',
        ),
    )
    report = verify(path)
    assert (
        "reason 'cold_sore_prophylaxis' (clinician_review) is in the contract but no rule gives it"
        in static_messages(report)
    )


def test_a_clinic_reason_without_spanish_text_is_a_finding(tmp_path):
    path = with_rule(
        tmp_path,
        "\n".join(line for line in OVER_65.splitlines() if not line.startswith("es =")) + "\n\n",
    )
    report = verify(path)
    assert static_messages(report) == [
        "R-age-over-65: the clinic's reason 'clinic_age_over_65' has no patient text in es "
        '(write text = { en = "...", es = "..." })'
    ]
    assert {f.check for f in report.findings} == {2}


def test_a_clinic_reason_with_no_text_at_all_is_a_finding(tmp_path):
    rule = OVER_65[: OVER_65.index("[rule.text]")]
    report = verify(with_rule(tmp_path, rule + "\n\n"))
    assert static_messages(report) == [
        "R-age-over-65: the clinic's reason 'clinic_age_over_65' has no patient text in en, es "
        '(write text = { en = "...", es = "..." })'
    ]


def test_a_clinic_reason_without_a_source_or_a_note_is_a_finding(tmp_path):
    rule = "\n".join(line for line in OVER_65.splitlines() if not line.startswith("note ="))
    report = verify(with_rule(tmp_path, rule + "\n\n"))
    assert static_messages(report) == [
        "R-age-over-65: the clinic's reason 'clinic_age_over_65' cites no source and has no "
        "clinician note (give evidence = [...] or a note saying why)"
    ]


def test_a_clinic_reason_citing_a_source_needs_no_note(tmp_path):
    rule = "\n".join(line for line in OVER_65.splitlines() if not line.startswith("note ="))
    report = verify(with_rule(tmp_path, rule.replace("evidence = []", "evidence = [30]") + "\n\n"))
    assert report.ok, report.format()


def test_text_is_refused_on_a_table_reason(tmp_path):
    path = variant(
        tmp_path,
        (
            'reason = "cold_sore_prophylaxis"',
            'reason = "cold_sore_prophylaxis"\ntext = { en = "Other words." }',
        ),
    )
    report = verify(path)
    assert static_messages(report) == [
        "R-cold-sores: 'text' is only for a clinic's own reason (clinic_...): the contract's "
        "reasons are worded in rules/reasons.py and the translations"
    ]


def test_a_reason_key_neither_the_tables_nor_a_clinics_is_refused(tmp_path):
    path = with_rule(tmp_path, OVER_65.replace("clinic_age_over_65", "age_over_65"))
    messages = static_messages(verify(path))
    assert messages[0].startswith("R-age-over-65: unknown reason key 'age_over_65'")


def test_a_changed_clinic_text_is_a_change_in_the_diff(tmp_path):
    from rules.diff import diff_rulebases
    from rules.diff_report import format_diff

    old = load_rulebase(with_rule(tmp_path, OVER_65))
    reworded = OVER_65.replace("a clinician will see you", "a doctor will see you")
    new_path = tmp_path / "reworded.toml"
    new_path.write_text(SHIPPED.replace(DEFAULT, reworded + DEFAULT, 1), encoding="utf-8")
    diff = diff_rulebases(old, load_rulebase(new_path))
    assert not diff.same
    assert diff.same_decisions  # the same outcomes and reason keys: only the words moved
    assert [(c.id, c.what) for c in diff.changed] == [("R-age-over-65", ("text",))]
    assert "R-age-over-65: patient text changed (en)" in format_diff(diff)
