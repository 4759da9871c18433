"""What a counter-example (a witness) looks like: an ordinary adult's answers, except
where it must not be. The proof (rules.verify) and the diff (rules.diff) pick their
examples with the same preferences, so both read alike."""

from __future__ import annotations

from .schema import FIELDS

PREFER: dict[str, object] = {
    **dict.fromkeys((n for n, s in FIELDS.items() if s.kind == "bool"), False),
    "scar_types": frozenset({"boxcar"}),
    "scar_severity": "moderate",
    "active_acne": "none",
    "isotretinoin": "never",
    "diabetes": "none",
    "eczema_psoriasis_rosacea_in_area": "none",
    "fitzpatrick": "II",
    "age": 30,
}
