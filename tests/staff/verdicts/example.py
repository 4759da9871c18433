"""The scorecard's worked example, shared by the pure test and the storage tests.

One rule version decided 32 leads; clinicians gave verdicts on 11 of them:

    check said            leads  verified  the clinicians' verdicts
    book_consultation       20        6     5 book, 1 clinician_review (missed)
    clinician_review         4        4     2 clinician_review, 1 see_dermatologist, 1 book
    see_dermatologist        5        1     1 see_dermatologist
    not_suitable_now         3        0     -

The 2×2 table: TP 4 (3 review + 1 dermatologist with a concern), FN 1, FP 1, TN 5.
"""

from __future__ import annotations

#: (check's outcome, clinician's verdict or None), in the table's order.
ROWS = (
    [("book_consultation", "book_consultation")] * 5
    + [("book_consultation", "clinician_review")]
    + [("book_consultation", None)] * 14
    + [("clinician_review", "clinician_review")] * 2
    + [("clinician_review", "see_dermatologist"), ("clinician_review", "book_consultation")]
    + [("see_dermatologist", "see_dermatologist")]
    + [("see_dermatologist", None)] * 4
    + [("not_suitable_now", None)] * 3
)

#: The figures worked out by hand in test_scorecard_figures.py's docstring.
EXPECTED = {
    "leads": 32,
    "verified": 11,
    "tp": 4,
    "fn": 1,
    "fp": 1,
    "tn": 5,
    "sensitivity": 0.8,
    "sensitivity_ci": [0.3755, 0.9638],
    "npv": 0.8333,
    "npv_ci": [0.4365, 0.9699],
    "missed_upper_bound": None,
    "kappa": 0.6333,
    "exact_agreement": 0.7273,
    "under_triage": 2,
    "over_triage": 1,
    "corrected_sensitivity": 0.7059,
}
