"""Turns a rules Decision into what the result page shows, in the order a person reads it."""

from __future__ import annotations

from dataclasses import dataclass

import rules
from questionnaire.evidence import EXPECTATION_SOURCES, cited
from questionnaire.service import Decided, SignOff

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


@dataclass(frozen=True)
class ResultView:
    """A decision, grouped for the page."""

    decision: rules.Decision
    concerns: tuple[rules.Reason, ...]
    scar_notes: tuple[rules.Reason, ...]
    skin_notes: tuple[rules.Reason, ...]
    sources: tuple[tuple[int, str], ...]
    signoff: SignOff | None  # the clinician's sign-off of the rules that decided

    @property
    def outcome(self) -> str:
        return self.decision.outcome

    @property
    def may_book(self) -> bool:
        return self.decision.outcome in BOOKABLE


def build_result(decided: Decided) -> ResultView:
    """What the result page shows for a decision, and whose sign-off stands behind it."""
    decision = decided.decision
    concerns = tuple(r for r in decision.reasons if r.severity != "info")
    info = [r for r in decision.reasons if r.severity == "info"]
    return ResultView(
        decision=decision,
        concerns=concerns,
        scar_notes=tuple(r for r in info if r.key in SCAR_INFO_KEYS),
        skin_notes=tuple(r for r in info if r.key not in SCAR_INFO_KEYS),
        sources=tuple(
            cited([*EXPECTATION_SOURCES, *(n for r in decision.reasons for n in r.evidence)])
        ),
        signoff=decided.signoff,
    )
