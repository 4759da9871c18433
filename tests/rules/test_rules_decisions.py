"""Decisions against the contract: a table of cases and the worked examples.

The independent oracle is in test_rules_oracle.py."""

from __future__ import annotations

import hashlib
import json
from types import MappingProxyType

import pytest

from rules import OUTCOMES, Decision, Reason, default_rulebase, evaluate, load_rulebase
from rules.engine import RULES_PATH

SEVERITY_ORDER = ["not_suitable_now", "see_dermatologist", "clinician_review", "info"]


def keys(decision: Decision) -> list[str]:
    return [r.key for r in decision.reasons]


# Each case: the changes to a plain adult's answers, the outcome, and exactly the
# reason keys that must be reported (in the order expected: strictest first, then
# contract order). Written from the contract's tables, sections 2 and 3.
CASES = [
    # no flag at all
    ({}, "book_consultation", ["atrophic_scars_responsive"]),
    ({"scar_types": ["unsure"]}, "book_consultation", ["scar_type_unclear"]),
    # not_suitable_now, one by one
    (
        {"pregnant_or_breastfeeding": True},
        "not_suitable_now",
        ["pregnancy_or_breastfeeding", "atrophic_scars_responsive"],
    ),
    (
        {"active_skin_infection_in_area": True},
        "not_suitable_now",
        ["active_infection_in_area", "atrophic_scars_responsive"],
    ),
    (
        {"active_acne": "moderate_severe"},
        "not_suitable_now",
        ["active_acne_moderate_severe", "atrophic_scars_responsive"],
    ),
    (
        {"skin_cancer_in_area": True},
        "not_suitable_now",
        ["skin_cancer_in_area", "atrophic_scars_responsive"],
    ),
    (
        {"radiation_to_area_within_year": True},
        "not_suitable_now",
        ["recent_radiation", "atrophic_scars_responsive"],
    ),
    (
        {"diabetes": "uncontrolled"},
        "not_suitable_now",
        ["uncontrolled_diabetes", "atrophic_scars_responsive"],
    ),
    (
        {"eczema_psoriasis_rosacea_in_area": "active"},
        "not_suitable_now",
        ["inflammatory_skin_disease_flare", "atrophic_scars_responsive"],
    ),
    (
        {"recent_sunburn_or_tan": True},
        "not_suitable_now",
        ["recent_sunburn_or_tan", "atrophic_scars_responsive"],
    ),
    # see_dermatologist
    (
        {"keloid_history": True},
        "see_dermatologist",
        ["keloid_history", "atrophic_scars_responsive"],
    ),
    ({"scar_types": ["hypertrophic"]}, "see_dermatologist", ["hypertrophic_scars_only"]),
    (
        {"isotretinoin": "currently"},
        "see_dermatologist",
        ["isotretinoin_current", "atrophic_scars_responsive"],
    ),
    (
        {"connective_tissue_disease": True},
        "see_dermatologist",
        ["connective_tissue_disease", "atrophic_scars_responsive"],
    ),
    # clinician_review
    (
        {"isotretinoin": "within_6_months"},
        "clinician_review",
        ["isotretinoin_recent", "atrophic_scars_responsive"],
    ),
    (
        {"bleeding_disorder_or_anticoagulants": True},
        "clinician_review",
        ["bleeding_risk", "atrophic_scars_responsive"],
    ),
    (
        {"immunosuppressed": True},
        "clinician_review",
        ["immunosuppression", "atrophic_scars_responsive"],
    ),
    (
        {"cold_sores_history": True},
        "clinician_review",
        ["cold_sore_prophylaxis", "atrophic_scars_responsive"],
    ),
    (
        {"active_acne": "mild"},
        "clinician_review",
        ["active_acne_mild", "atrophic_scars_responsive"],
    ),
    (
        {"eczema_psoriasis_rosacea_in_area": "controlled"},
        "clinician_review",
        ["inflammatory_skin_disease_controlled", "atrophic_scars_responsive"],
    ),
    ({"age": 17}, "clinician_review", ["minor_guardian_consent", "atrophic_scars_responsive"]),
    (
        {"scar_types": ["hypertrophic", "rolling"]},
        "clinician_review",
        ["hypertrophic_scars_present", "atrophic_scars_responsive"],
    ),
    (
        {"metal_allergy": True},
        "clinician_review",
        ["metal_allergy", "atrophic_scars_responsive"],
    ),
    (
        {"anaesthetic_allergy": True},
        "clinician_review",
        ["anaesthetic_allergy", "atrophic_scars_responsive"],
    ),
    (
        {"recent_facial_procedure": True},
        "clinician_review",
        ["recent_facial_procedure", "atrophic_scars_responsive"],
    ),
    # info only: never changes the outcome
    (
        {"fitzpatrick": "IV"},
        "book_consultation",
        ["pih_risk_darker_skin", "atrophic_scars_responsive"],
    ),
    (
        {"diabetes": "controlled"},
        "book_consultation",
        ["controlled_diabetes_disclose", "atrophic_scars_responsive"],
    ),
    ({"scar_types": ["ice_pick"]}, "book_consultation", ["ice_pick_limited_benefit"]),
    (
        {"scar_severity": "severe"},
        "book_consultation",
        ["atrophic_scars_responsive", "severe_scarring_combination"],
    ),
    (
        {
            "scar_types": ["boxcar", "ice_pick", "rolling", "unsure"],
            "scar_severity": "severe",
            "fitzpatrick": "VI",
            "diabetes": "controlled",
        },
        "book_consultation",
        [
            "pih_risk_darker_skin",
            "controlled_diabetes_disclose",
            "atrophic_scars_responsive",
            "ice_pick_limited_benefit",
            "scar_type_unclear",
            "severe_scarring_combination",
        ],
    ),
    # age boundaries
    ({"age": 12}, "clinician_review", ["minor_guardian_consent", "atrophic_scars_responsive"]),
    ({"age": 18}, "book_consultation", ["atrophic_scars_responsive"]),
    ({"age": 120}, "book_consultation", ["atrophic_scars_responsive"]),
    # isotretinoin, every choice
    ({"isotretinoin": "never"}, "book_consultation", ["atrophic_scars_responsive"]),
    ({"isotretinoin": "more_than_6_months"}, "book_consultation", ["atrophic_scars_responsive"]),
    # hypertrophic alone, with others, with unsure
    (
        {"scar_types": ["hypertrophic", "unsure"]},
        "clinician_review",
        ["hypertrophic_scars_present", "scar_type_unclear"],
    ),
    (
        {"scar_types": ["ice_pick", "hypertrophic"]},
        "clinician_review",
        ["hypertrophic_scars_present", "ice_pick_limited_benefit"],
    ),
    (
        {"scar_types": ["boxcar", "ice_pick", "rolling", "hypertrophic", "unsure"]},
        "clinician_review",
        [
            "hypertrophic_scars_present",
            "atrophic_scars_responsive",
            "ice_pick_limited_benefit",
            "scar_type_unclear",
        ],
    ),
    # active cold sore with a cold-sore history: both reasons
    (
        {"active_skin_infection_in_area": True, "cold_sores_history": True},
        "not_suitable_now",
        ["active_infection_in_area", "cold_sore_prophylaxis", "atrophic_scars_responsive"],
    ),
    # several clinician_review reasons stay clinician_review
    (
        {
            "bleeding_disorder_or_anticoagulants": True,
            "immunosuppressed": True,
            "metal_allergy": True,
            "age": 16,
            "active_acne": "mild",
        },
        "clinician_review",
        [
            "bleeding_risk",
            "immunosuppression",
            "active_acne_mild",
            "minor_guardian_consent",
            "metal_allergy",
            "atrophic_scars_responsive",
        ],
    ),
    # precedence across levels, reasons strictest first
    (
        {
            "fitzpatrick": "V",
            "cold_sores_history": True,
            "keloid_history": True,
            "recent_sunburn_or_tan": True,
        },
        "not_suitable_now",
        [
            "recent_sunburn_or_tan",
            "keloid_history",
            "cold_sore_prophylaxis",
            "pih_risk_darker_skin",
            "atrophic_scars_responsive",
        ],
    ),
    (
        {"scar_types": ["hypertrophic"], "isotretinoin": "currently", "age": 15},
        "see_dermatologist",
        ["hypertrophic_scars_only", "isotretinoin_current", "minor_guardian_consent"],
    ),
]


@pytest.mark.parametrize(("changes", "outcome", "reason_keys"), CASES)
def test_contract_case(answers, changes, outcome, reason_keys):
    decision = evaluate(answers(**changes))
    assert decision.outcome == outcome
    assert keys(decision) == reason_keys


def test_every_reason_and_outcome_is_exercised_by_the_table():
    from rules import REASON_SEVERITY

    assert {k for _, _, ks in CASES for k in ks} == set(REASON_SEVERITY)
    assert {o for _, o, _ in CASES} == set(OUTCOMES)


def test_reasons_carry_severity_rule_text_and_evidence(answers):
    decision = evaluate(answers(bleeding_disorder_or_anticoagulants=True, fitzpatrick="IV"))
    bleeding, darker, atrophic = decision.reasons
    assert bleeding == Reason(
        "bleeding_risk", "clinician_review", "R-bleeding", bleeding.text, bleeding.evidence
    )
    assert "yourself" in bleeding.text  # never stop a medicine yourself
    assert bleeding.evidence == (28,)
    assert darker.severity == "info"
    assert atrophic.severity == "info"
    for reason in decision.reasons:
        assert reason.rule.startswith("R-")
        assert reason.text.strip()


def test_reasons_are_ordered_strictest_first(answers):
    decision = evaluate(
        answers(
            scar_types=["rolling", "hypertrophic"],
            fitzpatrick="IV",
            isotretinoin="currently",
            pregnant_or_breastfeeding=True,
            cold_sores_history=True,
        )
    )
    ranks = [SEVERITY_ORDER.index(r.severity) for r in decision.reasons]
    assert ranks == sorted(ranks)
    assert decision.reasons[0].severity == decision.outcome == "not_suitable_now"


def test_info_never_changes_the_outcome(answers):
    plain = evaluate(answers(cold_sores_history=True))
    loaded = evaluate(
        answers(
            cold_sores_history=True,
            scar_types=["boxcar", "ice_pick", "rolling", "unsure"],
            scar_severity="severe",
            fitzpatrick="VI",
            diabetes="controlled",
        )
    )
    assert plain.outcome == loaded.outcome == "clinician_review"
    assert [k for k in keys(loaded) if k not in keys(plain)] == [
        "pih_risk_darker_skin",
        "controlled_diabetes_disclose",
        "ice_pick_limited_benefit",
        "scar_type_unclear",
        "severe_scarring_combination",
    ]


def test_rulebase_hash_is_the_hash_of_the_rule_file_bytes(answers):
    decision = evaluate(answers())
    assert decision.rulebase.sha256 == hashlib.sha256(RULES_PATH.read_bytes()).hexdigest()
    assert decision.rulebase.version == default_rulebase().version
    assert decision.rulebase.version  # non-empty


def test_a_changed_rule_file_gets_its_own_hash(tmp_path, rules_text, answers):
    path = tmp_path / "changed.toml"
    path.write_bytes(rules_text.replace('version = "', 'version = "x', 1).encode())
    other = load_rulebase(path).evaluate(answers())
    assert other.rulebase.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert other.rulebase.sha256 != evaluate(answers()).rulebase.sha256
    assert other.rulebase.version.startswith("x")


def test_to_dict_is_exactly_the_contract_shape(answers):
    decision = evaluate(answers(bleeding_disorder_or_anticoagulants=True))
    data = json.loads(json.dumps(decision.to_dict()))
    assert list(data) == ["outcome", "reasons", "rulebase"]
    assert data["outcome"] == "clinician_review"
    assert [list(r) for r in data["reasons"]] == [["key", "severity", "rule", "text"]] * 2
    assert data["reasons"][0]["rule"] == "R-bleeding"
    assert list(data["rulebase"]) == ["version", "sha256"]
    assert len(data["rulebase"]["sha256"]) == 64


def test_decisions_are_immutable(answers):
    decision = evaluate(answers())
    with pytest.raises(AttributeError):
        decision.outcome = "book_consultation"  # type: ignore[misc]
    assert isinstance(decision.reasons, tuple)


def test_any_mapping_and_list_order_give_the_same_decision(answers):
    plain = answers(scar_types=["rolling", "hypertrophic"])
    reordered = answers(scar_types=["hypertrophic", "rolling"])
    assert evaluate(MappingProxyType(plain)) == evaluate(plain) == evaluate(reordered)


# --- the worked examples ------------------------------------------------------------


def test_there_are_worked_examples(examples):
    assert len(examples) == 10


@pytest.mark.parametrize("index", range(10))
def test_worked_example(examples, index):
    example = examples[index]
    decision = evaluate(example["answers"])
    assert decision.outcome == example["expected"], example["id"]
    assert set(keys(decision)) == set(example["must_mention"]), example["id"]
