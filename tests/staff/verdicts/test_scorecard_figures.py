"""The scorecard's figures against a table worked out by hand (tests/staff/verdicts/example.py).

With z = 1.96 (z² = 3.8416):

- Sensitivity TP/(TP+FN) = 4/5 = 0.8. Wilson, n = 5, p = 0.8: the centre is
  (p + z²/2n) / (1 + z²/n) = (0.8 + 0.38416) / 1.76832 = 0.66965; the half width is
  z·√(p(1−p)/n + z²/4n²) / (1 + z²/n) = 1.96·√(0.032 + 0.038416) / 1.76832 = 0.29412;
  so [0.3755, 0.9638].
- NPV TN/(TN+FN) = 5/6 = 0.8333. Wilson, n = 6: centre (0.83333 + 0.32013) / 1.64027
  = 0.70322; half 1.96·√(0.023148 + 0.026678) / 1.64027 = 0.26673; so [0.4365, 0.9699].
- Kappa: observed agreement (4 + 5)/11 = 0.81818; chance ((4+1)(4+1) + (1+5)(1+5))/121
  = 61/121 = 0.50413; kappa = (0.81818 − 0.50413)/(1 − 0.50413) = 0.6333.
- Exact agreement on the four outcomes: 5 + 2 + 1 = 8 of 11 = 0.7273.
- Under-triage (check less strict than the clinician): book→review, review→dermatologist
  = 2; over-triage: review→book = 1.
- Corrected for verification: the estimated concerns per stratum n·c/v are
  book 20·1/6 = 3.3333, review 4·3/4 = 3, dermatologist 5·1/1 = 5, not now (no verdict:
  left out and named). Corrected sensitivity = (3 + 5)/(3.3333 + 3 + 5) = 8/11.3333 =
  0.7059, below the raw 0.8: the unverified booked leads hide missed concerns.
- FN = 1, so no rule-of-three bound. With TP 7 and FN 0 instead it is 3/7 = 0.4286, and
  the sensitivity's Wilson interval is [0.6457, 1.0] (centre (1 + 0.27440)/1.54880 =
  0.82283, half 1.96·√(0 + 0.019600)/1.54880 = 0.17717).
"""

from __future__ import annotations

from staff.verdicts.scorecard import Case, scorecard, wilson
from tests.staff.verdicts.example import EXPECTED, ROWS


def test_the_worked_example_gives_the_figures_worked_out_by_hand():
    card = scorecard(Case(check, verdict, lead_id=n) for n, (check, verdict) in enumerate(ROWS))
    assert {key: card[key] for key in EXPECTED} == EXPECTED
    assert card["unverified_strata"] == ["not_suitable_now"]
    assert card["by_outcome"]["book_consultation"]["verified_share"] == 0.3
    assert card["by_outcome"]["see_dermatologist"]["verified_share"] == 0.2
    assert card["agreement_table"]["clinician_review"]["book_consultation"] == 1
    assert card["missed"] == [5]  # the sixth row: booked by the check, a concern found
    assert card["sensitivity_denominator"] == 5 and card["npv_denominator"] == 6


def test_no_missed_concern_gives_the_rule_of_three_bound():
    card = scorecard([Case("clinician_review", "clinician_review")] * 7)
    assert card["fn"] == 0 and card["missed_upper_bound"] == 0.4286
    assert card["sensitivity"] == 1.0 and card["sensitivity_ci"] == [0.6457, 1.0]


def test_every_figure_whose_denominator_is_zero_is_null():
    card = scorecard([Case("not_suitable_now")])
    for key in ("sensitivity", "sensitivity_ci", "npv", "npv_ci", "kappa", "exact_agreement",
                "missed_upper_bound", "corrected_sensitivity"):  # fmt: skip
        assert card[key] is None, key
    assert wilson(0, 0) is None
