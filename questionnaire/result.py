"""Turns a rules Decision into what the result page shows, in the order a person reads it.

The page reads: the headline and what it means, the next step, why (every reason),
the person's answers, what to expect (only where microneedling is the next step),
the sources. Sources are numbered 1, 2, 3... in the order the page first cites
them, so the numbers in a citation and in the list are the same ones.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import get_locale

import rules
from questionnaire.answers_summary import AnswerGroup, summarize
from questionnaire.evidence import EXPECTATION_CITATIONS, REFERENCES
from questionnaire.service import Decided, SignOff, flow

# Informational reasons about the scars themselves; the others are about skin and health.
SCAR_INFO_KEYS = frozenset(
    {
        "atrophic_scars_responsive",
        "ice_pick_limited_benefit",
        "scar_type_unclear",
        "severe_scarring_combination",
    }
)

# Outcomes after which a person may book something with the clinic directly.
BOOKABLE = frozenset({"book_consultation", "clinician_review"})

# Outcomes after which microneedling is the next thing to talk about, so "what to
# expect from microneedling" applies. Not after "not now" (it must wait), nor after
# "see a dermatologist first" (microneedling may not be the right treatment at all).
EXPECTATIONS_APPLY = frozenset({"book_consultation", "clinician_review"})

# book_consultation's reasons that make "likely to suit you" promise more than the
# evidence supports: ice pick scars respond least to needling alone, an unknown scar
# type is unknown until examined, severe scarring improves partly (evidence.md 2.2).
TEMPERING_KEYS = frozenset(
    {"ice_pick_limited_benefit", "scar_type_unclear", "severe_scarring_combination"}
)


def headline_key(decision: rules.Decision) -> str:
    """Which headline the reasons support: the outcome's own, or a more careful one.

    "book_consultation" says microneedling is likely to suit only when some scars are
    of a type that usually responds (rolling, boxcar) and nothing tempers it;
    "book_consultation_may_help" when responsive scars come with a tempering reason;
    "book_consultation_consultation" when no scar is of a responsive type (only ice
    pick or "not sure").
    """
    if decision.outcome != "book_consultation":
        return decision.outcome
    keys = {reason.key for reason in decision.reasons}
    if "atrophic_scars_responsive" not in keys:
        return "book_consultation_consultation"
    if keys & TEMPERING_KEYS:
        return "book_consultation_may_help"
    return "book_consultation"


@dataclass(frozen=True)
class ResultView:
    """A decision, grouped for the page."""

    decision: rules.Decision
    headline: str  # a key of the page's headlines (see headline_key)
    concerns: tuple[rules.Reason, ...]
    scar_notes: tuple[rules.Reason, ...]
    skin_notes: tuple[rules.Reason, ...]
    answers: tuple[AnswerGroup, ...]
    numbers: dict[int, int]  # evidence.md's reference number -> the number on this page
    sources: tuple[tuple[int, str], ...]  # (number on this page, citation), in order
    signoff: SignOff | None  # the clinician's sign-off of the rules that decided

    @property
    def outcome(self) -> str:
        return self.decision.outcome

    @property
    def may_book(self) -> bool:
        return self.decision.outcome in BOOKABLE

    @property
    def answer_count(self) -> int:
        return sum(len(group.rows) for group in self.answers)

    @property
    def shows_expectations(self) -> bool:
        return self.decision.outcome in EXPECTATIONS_APPLY

    def cite(self, references: tuple[int, ...] | list[int]) -> list[int]:
        """This page's numbers for these references, ascending, each once."""
        return sorted({self.numbers[n] for n in references if n in self.numbers})


def numbered(cited_in_order: list[int]) -> dict[int, int]:
    """1, 2, 3... for the known references, in the order of their first citation."""
    numbers: dict[int, int] = {}
    for reference in cited_in_order:
        if reference in REFERENCES and reference not in numbers:
            numbers[reference] = len(numbers) + 1
    return numbers


def build_result(decided: Decided) -> ResultView:
    """What the result page shows for a decision, and whose sign-off stands behind it."""
    decision = decided.decision
    concerns = tuple(r for r in decision.reasons if r.severity != "info")
    info = [r for r in decision.reasons if r.severity == "info"]
    scar_notes = tuple(r for r in info if r.key in SCAR_INFO_KEYS)
    skin_notes = tuple(r for r in info if r.key not in SCAR_INFO_KEYS)
    # The order the page cites them: why (concerns, then scar and skin notes), then
    # what to expect, whose citations are in the order of its items.
    order = [n for r in (*concerns, *scar_notes, *skin_notes) for n in r.evidence]
    if decision.outcome in EXPECTATIONS_APPLY:
        order += [n for item in EXPECTATION_CITATIONS for n in item]
    numbers = numbered(order)
    return ResultView(
        decision=decision,
        headline=headline_key(decision),
        concerns=concerns,
        scar_notes=scar_notes,
        skin_notes=skin_notes,
        answers=summarize(flow(), decided.answers, str(get_locale())),
        numbers=numbers,
        sources=tuple((number, REFERENCES[ref]) for ref, number in numbers.items()),
        signoff=decided.signoff,
    )
