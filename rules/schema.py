"""The screening contract as data: answer fields, outcomes and reason keys.

Everything else (validation, the rule loader, the verifier, the web forms and
the OpenAPI schema) is derived from these tables, so a field or value exists in
exactly one place. The order of every table is the contract's order
(`shared/spec/screening-contract.md`, sections 1 to 3).
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from types import MappingProxyType

__all__ = [
    "CLINIC_REASON",
    "FIELDS",
    "INFO",
    "OUTCOMES",
    "REASON_SEVERITY",
    "SEVERITIES",
    "FieldSpec",
    "domain",
    "is_clinic_reason",
    "space_size",
    "stricter_or_equal",
]


@dataclass(frozen=True)
class FieldSpec:
    """One answer field: its kind and the values it may take.

    kind is "multi" (a non-empty list of distinct values from `choices`),
    "choice" (one string from `choices`), "bool" or "int" (from `minimum` to
    `maximum` inclusive). `choices` is empty for bool and int fields.
    """

    name: str
    kind: str
    choices: tuple[str, ...] = ()
    minimum: int | None = None
    maximum: int | None = None


def _multi(name: str, *choices: str) -> FieldSpec:
    return FieldSpec(name, "multi", choices)


def _choice(name: str, *choices: str) -> FieldSpec:
    return FieldSpec(name, "choice", choices)


def _bool(name: str) -> FieldSpec:
    return FieldSpec(name, "bool")


_SPECS = (
    _multi("scar_types", "boxcar", "ice_pick", "rolling", "hypertrophic", "unsure"),
    _choice("scar_severity", "mild", "moderate", "severe"),
    _choice("active_acne", "none", "mild", "moderate_severe"),
    _choice("isotretinoin", "never", "more_than_6_months", "within_6_months", "currently"),
    _bool("pregnant_or_breastfeeding"),
    _bool("keloid_history"),
    _bool("bleeding_disorder_or_anticoagulants"),
    _bool("immunosuppressed"),
    _bool("active_skin_infection_in_area"),
    _bool("cold_sores_history"),
    _bool("skin_cancer_in_area"),
    _bool("radiation_to_area_within_year"),
    _choice("diabetes", "none", "controlled", "uncontrolled"),
    _choice("eczema_psoriasis_rosacea_in_area", "none", "controlled", "active"),
    _bool("recent_sunburn_or_tan"),
    _bool("metal_allergy"),
    _bool("anaesthetic_allergy"),
    _bool("connective_tissue_disease"),
    _bool("recent_facial_procedure"),
    _choice("fitzpatrick", "I", "II", "III", "IV", "V", "VI"),
    FieldSpec("age", "int", minimum=12, maximum=120),
)

#: Field name -> FieldSpec, in the contract's order (section 1). Read-only.
FIELDS: MappingProxyType[str, FieldSpec] = MappingProxyType({s.name: s for s in _SPECS})

#: Outcomes, strictest first (contract section 2).
OUTCOMES: tuple[str, ...] = (
    "not_suitable_now",
    "see_dermatologist",
    "clinician_review",
    "book_consultation",
)

#: The severity of a reason that never changes the outcome.
INFO = "info"

#: Every severity a reason or rule may carry, strictest first.
SEVERITIES: tuple[str, ...] = (*OUTCOMES, INFO)

#: Reason key -> severity, in the contract's order (section 3).
REASON_SEVERITY: MappingProxyType[str, str] = MappingProxyType(
    {
        "pregnancy_or_breastfeeding": "not_suitable_now",
        "active_infection_in_area": "not_suitable_now",
        "active_acne_moderate_severe": "not_suitable_now",
        "skin_cancer_in_area": "not_suitable_now",
        "recent_radiation": "not_suitable_now",
        "uncontrolled_diabetes": "not_suitable_now",
        "inflammatory_skin_disease_flare": "not_suitable_now",
        "recent_sunburn_or_tan": "not_suitable_now",
        "keloid_history": "see_dermatologist",
        "hypertrophic_scars_only": "see_dermatologist",
        "isotretinoin_current": "see_dermatologist",
        "connective_tissue_disease": "see_dermatologist",
        "isotretinoin_recent": "clinician_review",
        "bleeding_risk": "clinician_review",
        "immunosuppression": "clinician_review",
        "cold_sore_prophylaxis": "clinician_review",
        "active_acne_mild": "clinician_review",
        "inflammatory_skin_disease_controlled": "clinician_review",
        "minor_guardian_consent": "clinician_review",
        "hypertrophic_scars_present": "clinician_review",
        "metal_allergy": "clinician_review",
        "anaesthetic_allergy": "clinician_review",
        "recent_facial_procedure": "clinician_review",
        "pih_risk_darker_skin": INFO,
        "controlled_diabetes_disclose": INFO,
        "atrophic_scars_responsive": INFO,
        "ice_pick_limited_benefit": INFO,
        "scar_type_unclear": INFO,
        "severe_scarring_combination": INFO,
    }
)


#: A reason key a clinic's rule version defines itself (contract section 3, "Stricter
#: severities and the clinic's own reasons"): over the contract's questions, with its
#: own severity, patient text in every shipped language and a source or clinician note.
CLINIC_REASON = re.compile(r"clinic_[a-z0-9]+(?:_[a-z0-9]+)*")


def is_clinic_reason(key: object) -> bool:
    """Whether `key` names a clinic's own reason (``clinic_...``), not one of the table's."""
    return isinstance(key, str) and CLINIC_REASON.fullmatch(key) is not None


def stricter_or_equal(severity: str, than: str) -> bool:
    """Whether `severity` is at least as strict as `than` (both in SEVERITIES)."""
    return SEVERITIES.index(severity) <= SEVERITIES.index(than)


def _subsets(choices: tuple[str, ...]) -> Iterator[frozenset[str]]:
    for size in range(1, len(choices) + 1):
        for combo in itertools.combinations(choices, size):
            yield frozenset(combo)


def domain(spec: FieldSpec) -> tuple[object, ...]:
    """Every value the field can take, as the rules see it.

    A multi field's values are frozensets (its non-empty subsets), so that a
    list's order never matters to a rule.
    """
    if spec.kind == "multi":
        return tuple(_subsets(spec.choices))
    if spec.kind == "choice":
        return spec.choices
    if spec.kind == "bool":
        return (False, True)
    if spec.kind == "int":
        assert spec.minimum is not None and spec.maximum is not None
        return tuple(range(spec.minimum, spec.maximum + 1))
    raise ValueError(f"unknown field kind {spec.kind!r}")


#: Field name -> its domain (see `domain`), computed once.
DOMAINS: MappingProxyType[str, tuple[object, ...]] = MappingProxyType(
    {name: domain(spec) for name, spec in FIELDS.items()}
)


def space_size() -> int:
    """How many distinct valid answers objects exist (the verifier's scope)."""
    return math.prod(len(values) for values in DOMAINS.values())
