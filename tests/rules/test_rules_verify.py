"""The proof: the shipped files pass; deliberately broken files give the specific finding."""

from __future__ import annotations

import json

import pytest

from rules import load_rulebase, validate
from rules.engine import RULES_PATH
from rules.reasons import REASON_TEXTS
from rules.verify import SAFETY_PATH, verify

SPACE = 53_811_412_992


def check(rules=RULES_PATH, safety=SAFETY_PATH, translations=None):
    return verify(rules, safety, translations)


def messages(report, number: int) -> list[str]:
    return [f.message for f in report.by_check(number)]


def assert_only_check_fails(report, number: int) -> None:
    assert not report.ok
    failing = {f.check for f in report.findings}
    assert failing == {number}, report.format()


def test_the_shipped_files_are_proved(empty_translations):
    report = check(translations=empty_translations)
    assert report.ok, report.format()
    assert report.findings == []
    assert sorted(report.proved) == [1, 2, 3, 4]
    assert report.space == SPACE
    assert len(report.properties) == 23
    assert report.elapsed < 1.0
    text = report.format()
    assert "53,811,412,992" in text
    assert text.count("PASS") == 4


def test_the_shipped_files_are_proved_with_the_repository_translations():
    report = check()
    assert report.ok, report.format()


def test_a_missing_default_is_a_gap_with_a_witness(rules_text, tmp_path):
    path = tmp_path / "no-default.toml"
    path.write_text(rules_text[: rules_text.index("# --- the default")])
    report = check(rules=path)
    assert_only_check_fails(report, 1)
    (finding,) = report.by_check(1)
    assert "get no outcome" in finding.message
    assert finding.outcome is None
    witness = validate(finding.witness)  # complete and valid
    assert load_rulebase(path).outcome_of(witness) is None
    with pytest.raises(RuntimeError, match="gap"):
        load_rulebase(path).evaluate(witness)  # never a silent default
    assert load_rulebase(RULES_PATH).outcome_of(witness) == "book_consultation"
    # The gap is exactly the answers that raise no flag, counted by hand: scar sets
    # without hypertrophic (31 - 16), any severity (3), acne none (1), isotretinoin
    # never or more than 6 months (2), every yes/no answer no (1), diabetes none or
    # controlled (2), eczema none (1), any skin type (6), adults 18..120 (103).
    no_flag = 15 * 3 * 1 * 2 * 1 * 2 * 1 * 6 * 103
    assert f"{no_flag:,} answers objects get no outcome" in finding.message


def test_a_rule_that_can_never_apply(rules_text, edited):
    path = edited(rules_text, "when = { age = { below = 18 } }", "when = { age = { below = 12 } }")
    report = check(rules=path)
    assert "R-minor can never apply: its 'when' holds for no answers object" in messages(report, 3)
    # and the safety property for minors catches what that rule no longer does
    (minor,) = [f for f in report.by_check(4) if f.message.startswith("S-minor")]
    assert minor.witness["age"] < 18
    assert minor.outcome == "book_consultation"


def test_a_rule_always_shadowed_by_a_stricter_one(rules_text, edited):
    path = edited(
        rules_text,
        'when = { active_acne = "mild" }',
        'when = { active_acne = "mild", eczema_psoriasis_rosacea_in_area = "active" }',
    )
    report = check(rules=path)
    assert messages(report, 3) == [
        "R-acne-mild never decides the outcome: whenever it applies, a stricter rule "
        "applies too (R-skin-disease-flare)"
    ]


def test_a_rule_shadowed_only_by_several_stricter_rules_together(rules_text, tmp_path):
    # Two not_suitable_now rules cover eczema "controlled" and "active" between them;
    # a see_dermatologist rule for either value is hidden by neither alone.
    text = rules_text.replace(
        "when = { skin_cancer_in_area = true }",
        'when = { eczema_psoriasis_rosacea_in_area = "controlled" }',
    ).replace(
        "when = { connective_tissue_disease = true }",
        'when = { eczema_psoriasis_rosacea_in_area = { none_of = ["none"] } }',
    )
    path = tmp_path / "shadowed.toml"
    path.write_text(text)
    report = check(rules=path)
    assert (
        "R-connective-tissue never decides the outcome: whenever it applies, a stricter rule "
        "applies too (R-skin-cancer, R-skin-disease-flare)"
    ) in messages(report, 3)


def test_an_unknown_field_is_a_static_finding_and_stops_the_proof(rules_text, edited):
    path = edited(
        rules_text, "when = { immunosuppressed = true }", "when = { immunosupressed = true }"
    )
    report = check(rules=path)
    assert_only_check_fails(report, 2)
    assert messages(report, 2) == ["R-immunosuppression: unknown field 'immunosupressed'"]
    assert sorted(report.skipped) == [1, 3, 4]
    assert "SKIP" in report.format()


def test_an_unknown_value_is_a_static_finding(rules_text, edited):
    path = edited(
        rules_text, 'when = { active_acne = "mild" }', 'when = { active_acne = "slight" }'
    )
    report = check(rules=path)
    assert_only_check_fails(report, 2)
    (message,) = messages(report, 2)
    assert message.startswith("R-acne-mild: unknown value 'slight' for field active_acne")


def test_a_contract_reason_without_a_rule_is_a_finding(rules_text, tmp_path):
    start = rules_text.index('[[rule]]\nid = "R-ice-pick"')
    end = rules_text.index("[[rule]]", start + 1)
    path = tmp_path / "no-ice-pick.toml"
    path.write_text(rules_text[:start] + rules_text[end:])
    report = check(rules=path)
    assert_only_check_fails(report, 2)
    assert messages(report, 2) == [
        "reason 'ice_pick_limited_benefit' (info) is in the contract but no rule gives it"
    ]


def test_a_demoted_rule_breaks_its_safety_property_with_a_witness(rules_text, edited):
    path = edited(
        rules_text,
        'reason = "pregnancy_or_breastfeeding"\noutcome = "not_suitable_now"',
        'reason = "pregnancy_or_breastfeeding"\noutcome = "clinician_review"',
    )
    report = check(rules=path)
    (finding,) = report.by_check(4)
    assert finding.message.startswith("S-pregnancy fails:")
    assert finding.witness["pregnant_or_breastfeeding"] is True
    assert finding.outcome == "clinician_review"
    witness = validate(finding.witness)
    assert load_rulebase(path).evaluate(witness).outcome == "clinician_review"
    assert json.loads(json.dumps(finding.to_dict()))["witness"] == finding.witness
    # the static check also names the severity change
    assert any("R-pregnancy" in m for m in messages(report, 2))


def test_a_narrowed_condition_breaks_the_property_where_it_no_longer_applies(rules_text, edited):
    path = edited(
        rules_text,
        "when = { keloid_history = true }",
        "when = { keloid_history = true, fitzpatrick = { any_of = ['IV', 'V', 'VI'] } }",
    )
    report = check(rules=path)
    assert_only_check_fails(report, 4)
    keloid = report.by_check(4)[0]
    # keloid, fitzpatrick I-III, and none of the rules at least as strict as
    # see_dermatologist: 30 scar sets (not hypertrophic alone), 3 severities, acne
    # none/mild, 3 isotretinoin answers, 6 free yes/no answers, 2 diabetes, 2 eczema,
    # 3 skin types, 109 ages.
    lost = 30 * 3 * 2 * 3 * 2**6 * 2 * 2 * 3 * 109
    assert keloid.message.startswith(f"S-keloid fails: {lost:,} answers objects")
    assert keloid.witness["keloid_history"] is True
    assert keloid.witness["fitzpatrick"] in ("I", "II", "III")
    assert keloid.outcome == "book_consultation"
    booking = report.by_check(4)[1]
    assert booking.message == (
        "book_consultation is given to answers where a safety property applies: S-keloid"
    )
    assert booking.outcome == "book_consultation"


def test_a_missing_safety_property_is_a_finding(safety_text, tmp_path):
    start = safety_text.index('[[property]]\nid = "S-bleeding"')
    end = safety_text.index("[[property]]", start + 1)
    path = tmp_path / "safety.toml"
    path.write_text(safety_text[:start] + safety_text[end:])
    report = check(safety=path)
    assert_only_check_fails(report, 4)
    assert messages(report, 4) == [
        f"{path}: no safety property covers 'bleeding_risk' (clinician_review); add one"
    ]


def test_a_weakened_safety_property_is_a_finding(safety_text, edited):
    path = edited(
        safety_text,
        'when = { pregnant_or_breastfeeding = true }\noutcome_at_least = "not_suitable_now"',
        'when = { pregnant_or_breastfeeding = true }\noutcome_at_least = "clinician_review"',
    )
    report = check(safety=path)
    assert_only_check_fails(report, 4)
    assert messages(report, 4) == [
        "S-pregnancy: asks only for clinician_review, weaker than the contract's "
        "not_suitable_now for 'pregnancy_or_breastfeeding'"
    ]


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            'covers = "bleeding_risk"',
            'covers = "bleeding"',
            "S-bleeding: covers unknown reason key 'bleeding'",
        ),
        (
            "when = { immunosuppressed = true }",
            "when = { immune = true }",
            "S-immunosuppression: unknown field 'immune'",
        ),
        (
            'id = "S-keloid"',
            'id = "S-bleeding"',
            "S-bleeding: duplicate property id",
        ),
        (
            'covers = "keloid_history"\nwhen = { keloid_history = true }\n'
            'outcome_at_least = "see_dermatologist"',
            'covers = "keloid_history"\nwhen = { keloid_history = true }\n'
            'outcome_at_least = "book_consultation"',
            "S-keloid: outcome_at_least must be one of",
        ),
    ],
)
def test_a_malformed_safety_file_is_a_finding(safety_text, edited, old, new, expected):
    report = check(safety=edited(safety_text, old, new))
    assert not report.ok
    assert any(m.startswith(expected) for m in messages(report, 4)), messages(report, 4)


# --- patient texts in every shipped language ------------------------------------------


def spanish(text: str) -> str:
    return f"[es] {text}"


def test_a_complete_compiled_language_passes(tmp_path, write_catalogue):
    write_catalogue(tmp_path, "es", spanish)
    report = check(translations=tmp_path)
    assert report.ok, report.format()
    assert report.languages == ["en", "es"]
    assert "en, es" in report.proved[2]


def test_a_missing_and_a_fuzzy_translation_are_findings(tmp_path, write_catalogue):
    po = write_catalogue(
        tmp_path, "es", spanish, missing=("bleeding_risk",), fuzzy=("keloid_history",)
    )
    report = check(translations=tmp_path)
    assert_only_check_fails(report, 2)
    assert messages(report, 2) == [
        f"es: the translation of reason 'keloid_history' is marked fuzzy in {po}",
        f"es: reason 'bleeding_risk' has no translation in {po}",
    ]


def test_a_catalogue_without_the_reason_at_all_is_a_finding(tmp_path):
    folder = tmp_path / "fr" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    (folder / "messages.po").write_text('msgid ""\nmsgstr ""\n"Language: fr\\n"\n')
    report = check(translations=tmp_path)
    assert len(messages(report, 2)) == len(REASON_TEXTS)
    assert all(m.startswith("fr: reason ") for m in messages(report, 2))


def test_an_uncompiled_or_stale_catalogue_is_a_finding(tmp_path, write_catalogue):
    write_catalogue(tmp_path, "es", spanish, compile=False)
    report = check(translations=tmp_path)
    assert_only_check_fails(report, 2)
    assert "messages.mo is missing" in messages(report, 2)[0]

    write_catalogue(tmp_path, "es", spanish)  # compiled
    write_catalogue(tmp_path, "es", lambda t: f"[es2] {t}", compile=False)  # .po edited since
    report = check(translations=tmp_path)
    assert_only_check_fails(report, 2)
    assert "is out of date" in messages(report, 2)[0]
