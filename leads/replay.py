"""Stored decisions decided again by another rule version: what a change does to real people.

Before a clinician signs a new rule version, every stored lead's answers are
decided by it and compared with the decision the lead was given: the leads
whose outcome or reasons would change are listed by number, nothing else about
them. The answers are read in batches, so a clinic's whole history fits.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

import rules
from core.extensions import db
from leads.models import Lead

BATCH = 500


@dataclass(frozen=True)
class ReplayChange:
    """One lead the candidate version would decide differently."""

    lead_id: int
    old_outcome: str
    new_outcome: str
    reasons_gained: tuple[str, ...]
    reasons_lost: tuple[str, ...]


@dataclass(frozen=True)
class Replay:
    """Every stored lead decided again: how many, and which would change."""

    version: str
    sha256: str
    leads: int
    changed: tuple[ReplayChange, ...]
    not_decidable: tuple[int, ...]  # answers the candidate refuses (a contract change)

    @property
    def outcome_changes(self) -> int:
        return sum(1 for change in self.changed if change.old_outcome != change.new_outcome)


def replay(candidate: rules.RuleBase) -> Replay:
    """Every stored lead's answers decided by ``candidate``, against what each was told."""
    changed: list[ReplayChange] = []
    refused: list[int] = []
    total = 0
    rows = db.session.execute(
        select(Lead.id, Lead.answers, Lead.outcome, Lead.reasons)
        .order_by(Lead.id)
        .execution_options(yield_per=BATCH)
    )
    for lead_id, answers, outcome, reasons in rows:
        total += 1
        try:
            decision = candidate.evaluate(answers)
        except rules.AnswersError:
            refused.append(lead_id)
            continue
        before = [reason["key"] for reason in reasons]
        after = [reason.key for reason in decision.reasons]
        if decision.outcome != outcome or set(before) != set(after):
            changed.append(
                ReplayChange(
                    lead_id,
                    outcome,
                    decision.outcome,
                    tuple(key for key in after if key not in before),
                    tuple(key for key in before if key not in after),
                )
            )
    return Replay(candidate.version, candidate.sha256, total, tuple(changed), tuple(refused))


@dataclass(frozen=True)
class VersionUse:
    """A rule version that decided stored leads, and how many."""

    version: str
    sha256: str
    leads: int
    first: object  # datetime of the first lead it decided
    last: object


def decisions_by_version() -> list[VersionUse]:
    """The rule versions that have decided stored leads, the most recent first."""
    rows = db.session.execute(
        select(
            Lead.rulebase_version,
            Lead.rulebase_sha256,
            func.count(),
            func.min(Lead.created_at),
            func.max(Lead.created_at),
        )
        .group_by(Lead.rulebase_version, Lead.rulebase_sha256)
        .order_by(func.max(Lead.created_at).desc())
    )
    return [VersionUse(*row) for row in rows]
