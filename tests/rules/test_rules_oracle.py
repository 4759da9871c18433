"""An independent oracle, written from the contract's table (section 3), one if-statement
per row: random valid answers must get the oracle's outcome and reasons, in its order."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from rules import OUTCOMES, Decision, evaluate

SEVERITY_ORDER = ["not_suitable_now", "see_dermatologist", "clinician_review", "info"]


def keys(decision: Decision) -> list[str]:
    return [r.key for r in decision.reasons]


def oracle(a: dict) -> tuple[str, list[str]]:
    """Contract section 3, one if-statement per row, in the table's order."""
    scars = set(a["scar_types"])
    found: list[tuple[str, str]] = []
    if a["pregnant_or_breastfeeding"]:
        found.append(("pregnancy_or_breastfeeding", "not_suitable_now"))
    if a["active_skin_infection_in_area"]:
        found.append(("active_infection_in_area", "not_suitable_now"))
    if a["active_acne"] == "moderate_severe":
        found.append(("active_acne_moderate_severe", "not_suitable_now"))
    if a["skin_cancer_in_area"]:
        found.append(("skin_cancer_in_area", "not_suitable_now"))
    if a["radiation_to_area_within_year"]:
        found.append(("recent_radiation", "not_suitable_now"))
    if a["diabetes"] == "uncontrolled":
        found.append(("uncontrolled_diabetes", "not_suitable_now"))
    if a["eczema_psoriasis_rosacea_in_area"] == "active":
        found.append(("inflammatory_skin_disease_flare", "not_suitable_now"))
    if a["recent_sunburn_or_tan"]:
        found.append(("recent_sunburn_or_tan", "not_suitable_now"))
    if a["keloid_history"]:
        found.append(("keloid_history", "see_dermatologist"))
    if scars == {"hypertrophic"}:
        found.append(("hypertrophic_scars_only", "see_dermatologist"))
    if a["isotretinoin"] == "currently":
        found.append(("isotretinoin_current", "see_dermatologist"))
    if a["connective_tissue_disease"]:
        found.append(("connective_tissue_disease", "see_dermatologist"))
    if a["isotretinoin"] == "within_6_months":
        found.append(("isotretinoin_recent", "clinician_review"))
    if a["bleeding_disorder_or_anticoagulants"]:
        found.append(("bleeding_risk", "clinician_review"))
    if a["immunosuppressed"]:
        found.append(("immunosuppression", "clinician_review"))
    if a["cold_sores_history"]:
        found.append(("cold_sore_prophylaxis", "clinician_review"))
    if a["active_acne"] == "mild":
        found.append(("active_acne_mild", "clinician_review"))
    if a["eczema_psoriasis_rosacea_in_area"] == "controlled":
        found.append(("inflammatory_skin_disease_controlled", "clinician_review"))
    if a["age"] < 18:
        found.append(("minor_guardian_consent", "clinician_review"))
    if "hypertrophic" in scars and len(scars) > 1:
        found.append(("hypertrophic_scars_present", "clinician_review"))
    if a["metal_allergy"]:
        found.append(("metal_allergy", "clinician_review"))
    if a["anaesthetic_allergy"]:
        found.append(("anaesthetic_allergy", "clinician_review"))
    if a["recent_facial_procedure"]:
        found.append(("recent_facial_procedure", "clinician_review"))
    if a["fitzpatrick"] in ("IV", "V", "VI"):
        found.append(("pih_risk_darker_skin", "info"))
    if a["diabetes"] == "controlled":
        found.append(("controlled_diabetes_disclose", "info"))
    if "rolling" in scars or "boxcar" in scars:
        found.append(("atrophic_scars_responsive", "info"))
    if "ice_pick" in scars:
        found.append(("ice_pick_limited_benefit", "info"))
    if "unsure" in scars:
        found.append(("scar_type_unclear", "info"))
    if a["scar_severity"] == "severe":
        found.append(("severe_scarring_combination", "info"))
    outcome = "book_consultation"
    for level in ("clinician_review", "see_dermatologist", "not_suitable_now"):
        if any(severity == level for _, severity in found):
            outcome = level
    ordered = sorted(found, key=lambda kv: SEVERITY_ORDER.index(kv[1]))  # stable: table order
    return outcome, [key for key, _ in ordered]


def _flag(weight: int = 4) -> st.SearchStrategy[bool]:
    # Flags mostly off, so that the lower outcomes are reached often too.
    return st.sampled_from([True] + [False] * weight)


VALID_ANSWERS = st.fixed_dictionaries(
    {
        "scar_types": st.lists(
            st.sampled_from(["boxcar", "ice_pick", "rolling", "hypertrophic", "unsure"]),
            min_size=1,
            unique=True,
        ),
        "scar_severity": st.sampled_from(["mild", "moderate", "severe"]),
        "active_acne": st.sampled_from(["none", "none", "mild", "moderate_severe"]),
        "isotretinoin": st.sampled_from(
            ["never", "more_than_6_months", "within_6_months", "currently"]
        ),
        "pregnant_or_breastfeeding": _flag(8),
        "keloid_history": _flag(),
        "bleeding_disorder_or_anticoagulants": _flag(),
        "immunosuppressed": _flag(),
        "active_skin_infection_in_area": _flag(8),
        "cold_sores_history": _flag(),
        "skin_cancer_in_area": _flag(8),
        "radiation_to_area_within_year": _flag(8),
        "diabetes": st.sampled_from(["none", "none", "controlled", "uncontrolled"]),
        "eczema_psoriasis_rosacea_in_area": st.sampled_from(["none", "controlled", "active"]),
        "recent_sunburn_or_tan": _flag(8),
        "metal_allergy": _flag(),
        "anaesthetic_allergy": _flag(),
        "connective_tissue_disease": _flag(),
        "recent_facial_procedure": _flag(),
        "fitzpatrick": st.sampled_from(["I", "II", "III", "IV", "V", "VI"]),
        "age": st.integers(min_value=12, max_value=120),
    }
)


@settings(max_examples=600, deadline=None)
@given(VALID_ANSWERS)
def test_evaluate_agrees_with_the_contract_oracle(a):
    decision = evaluate(a)
    outcome, reason_keys = oracle(a)
    assert decision.outcome == outcome
    assert keys(decision) == reason_keys
    assert all(r.rule.startswith("R-") and r.text for r in decision.reasons)


@settings(max_examples=200, deadline=None)
@given(VALID_ANSWERS)
def test_the_outcome_is_the_strictest_reason_or_booking(a):
    decision = evaluate(a)
    deciding = [r.severity for r in decision.reasons if r.severity != "info"]
    expected = min(deciding, key=OUTCOMES.index) if deciding else "book_consultation"
    assert decision.outcome == expected
