"""Stored decisions decided again by another rule version: what a change does to real people.

Before a clinician signs a new rule version, every stored lead's answers are
decided by it and compared with the decision the lead was given: the leads
whose outcome or reasons would change are listed by number, nothing else about
them. The answers are read in batches, so a clinic's whole history fits.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime

from sqlalchemy import func, select

import rules
from core.computed_figures import deletions, figures_version, stored_figure
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


def data_version() -> str:
    """What the replay reads, in three indexed figures: the leads' deletions, the newest id
    and the newest creation time. Storing or deleting a lead changes it; a lead's answers
    and decision never change."""
    return figures_version(
        deletions("leads"),
        select(func.max(Lead.id)),
        select(func.max(Lead.created_at)),
    )


def stored_replay(candidate: rules.RuleBase) -> tuple[Replay, datetime]:
    """The replay by ``candidate`` of the leads stored now, computed once for this rule
    version and these leads (``core.computed_figures``), and when it was computed."""

    def compute() -> dict:
        return asdict(replay(candidate))

    value, computed_at = stored_figure(f"replay:{candidate.sha256}", data_version(), compute)
    return (
        Replay(
            version=value["version"],
            sha256=value["sha256"],
            leads=value["leads"],
            changed=tuple(
                ReplayChange(
                    change["lead_id"],
                    change["old_outcome"],
                    change["new_outcome"],
                    tuple(change["reasons_gained"]),
                    tuple(change["reasons_lost"]),
                )
                for change in value["changed"]
            ),
            not_decidable=tuple(value["not_decidable"]),
        ),
        computed_at,
    )


def stored_decisions_by_version() -> list[VersionUse]:
    """``decisions_by_version``, counted once for the leads stored now."""

    def compute() -> list[list]:
        return [
            [use.version, use.sha256, use.leads, use.first.isoformat(), use.last.isoformat()]
            for use in decisions_by_version()
        ]

    rows, _at = stored_figure("decisions_by_version", data_version(), compute)
    return [
        VersionUse(
            version, sha256, leads, datetime.fromisoformat(first), datetime.fromisoformat(last)
        )
        for version, sha256, leads, first, last in rows
    ]
