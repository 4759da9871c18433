"""The scorecard's arithmetic: the check's outcomes against clinicians' verdicts, for one version.

Pure: cases in, figures out, no Flask and no database (an import-linter contract
keeps it so), so the figures can be checked by hand (tests/staff/verdicts/
test_scorecard_figures.py works one example out in its docstring).

"Flagged" means the check's outcome is not ``book_consultation``; "concern" means
the clinician's verdict is not. Every ratio is None when its denominator is 0, and
rounded to 4 decimals; every denominator is given beside it.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

#: The contract's outcomes, least strict first (book < review < dermatologist < not now).
ORDER = ("book_consultation", "clinician_review", "see_dermatologist", "not_suitable_now")
BOOK = "book_consultation"
#: The normal quantile of a two-sided 95% interval.
Z95 = 1.96
PLACES = 4


@dataclass(frozen=True)
class Case:
    """One lead the version decided: the check's outcome and the clinician's (None: no verdict)."""

    check: str
    verdict: str | None = None
    lead_id: int = 0
    cause: str = ""
    cause_question: str = ""
    cause_rule: str = ""


def ratio(top: float, bottom: float) -> float | None:
    return None if bottom == 0 else round(top / bottom, PLACES)


def wilson(successes: int, trials: int, z: float = Z95) -> list[float] | None:
    """The Wilson score interval [low, high] of successes/trials (None without trials)."""
    if trials == 0:
        return None
    share = successes / trials
    spread = z * z / trials
    centre = (share + spread / 2) / (1 + spread)
    half = z * math.sqrt(share * (1 - share) / trials + spread / (4 * trials)) / (1 + spread)
    return [round(max(0.0, centre - half), PLACES), round(min(1.0, centre + half), PLACES)]


def kappa(tp: int, fn: int, fp: int, tn: int) -> float | None:
    """Cohen's kappa on the 2×2 table (None without cases, or when chance agreement is 1)."""
    total = tp + fn + fp + tn
    if total == 0:
        return None
    observed = (tp + tn) / total
    chance = ((tp + fp) * (tp + fn) + (fn + tn) * (fp + tn)) / (total * total)
    if chance == 1:
        return None
    return round((observed - chance) / (1 - chance), PLACES)


def strictness(outcome: str) -> int:
    return ORDER.index(outcome)


def scorecard(cases: Iterable[Case]) -> dict[str, Any]:
    """Every figure of the scorecard for these cases (one rule version's leads)."""
    cases = list(cases)
    verified = [case for case in cases if case.verdict is not None]
    return scorecard_of(verified, Counter(case.check for case in cases))


def scorecard_of(verified: list[Case], decided: Mapping[str, int]) -> dict[str, Any]:
    """``scorecard`` from the cases with a verdict and how many leads the version gave each
    outcome: at 100,000 leads the counts are a stored figure, where a ``Case`` for every
    lead took 1.5 s on every view of the scorecard."""
    tp = sum(1 for c in verified if c.check != BOOK and c.verdict != BOOK)
    fn = sum(1 for c in verified if c.check == BOOK and c.verdict != BOOK)
    fp = sum(1 for c in verified if c.check != BOOK and c.verdict == BOOK)
    tn = sum(1 for c in verified if c.check == BOOK and c.verdict == BOOK)
    strata = _strata(verified, decided)
    estimated = {s: row["estimated_concerns"] for s, row in strata.items()}
    known = [value for value in estimated.values() if value is not None]
    flagged = [value for s, value in estimated.items() if s != BOOK and value is not None]
    table = {check: {verdict: 0 for verdict in ORDER} for check in ORDER}
    for case in verified:
        table[case.check][case.verdict] += 1
    agree = sum(table[outcome][outcome] for outcome in ORDER)
    disagreements = [case for case in verified if case.verdict != case.check]
    return {
        "leads": sum(decided.values()),
        "verified": len(verified),
        "by_outcome": strata,
        "tp": tp,
        "fn": fn,
        "fp": fp,
        "tn": tn,
        "sensitivity": ratio(tp, tp + fn),
        "sensitivity_ci": wilson(tp, tp + fn),
        "sensitivity_denominator": tp + fn,
        "npv": ratio(tn, tn + fn),
        "npv_ci": wilson(tn, tn + fn),
        "npv_denominator": tn + fn,
        "missed_upper_bound": (
            round(min(1.0, 3 / (tp + fn)), PLACES) if fn == 0 and tp + fn > 0 else None
        ),
        "kappa": kappa(tp, fn, fp, tn),
        "exact_agreement": ratio(agree, len(verified)),
        "agreement_table": table,
        "under_triage": sum(
            1 for c in verified if strictness(c.check) < strictness(str(c.verdict))
        ),
        "over_triage": sum(1 for c in verified if strictness(c.check) > strictness(str(c.verdict))),
        "corrected_sensitivity": ratio(sum(flagged), sum(known)) if known else None,
        "unverified_strata": [
            s for s, row in strata.items() if row["leads"] and not row["verified"]
        ],
        "disagreements": len(disagreements),
        "by_cause": dict(Counter(case.cause or "none" for case in disagreements)),
        "by_rule": dict(Counter(c.cause_rule for c in disagreements if c.cause_rule)),
        "by_question": dict(Counter(c.cause_question for c in disagreements if c.cause_question)),
        "missed": sorted(c.lead_id for c in verified if c.check == BOOK and c.verdict != BOOK),
    }


def _strata(verified: list[Case], decided: Mapping[str, int]) -> dict[str, dict[str, Any]]:
    """Per outcome the check gave: n_s leads, v_s verified, c_s of those with a concern, and
    the concerns estimated in the whole stratum, n_s·c_s/v_s (None when v_s = 0)."""
    strata = {}
    for outcome in ORDER:
        given = decided.get(outcome, 0)
        checked = [case for case in verified if case.check == outcome]
        concerns = sum(1 for case in checked if case.verdict != BOOK)
        strata[outcome] = {
            "leads": given,
            "verified": len(checked),
            "verified_share": ratio(len(checked), given),
            "concerns": concerns,
            "estimated_concerns": (given * concerns / len(checked) if checked else None),
        }
    return strata
