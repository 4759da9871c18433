"""The scorecard of each rule version, from the stored leads and their current verdicts.

A version's own figures count only the leads it decided. Evidence carried from
earlier versions is counted apart (``carried``), never mixed in: a verdict on a
lead an earlier version decided counts for this version too when this version
decides that lead's answers exactly as the earlier one did (the same outcome and
the same reason keys). That is the exact diff (``python -m rules diff``) read at
the one answers object the lead gave: the lead lies outside every box the diff
reports as moved, gained or lost. It is known only for versions whose rule text is
here (the deployed one, and the signed ones the database keeps).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

import rules
from core.computed_figures import stored_figure
from core.extensions import db
from leads.models import Lead
from leads.service import data_version, stored_decisions_by_version
from leads.verdict_models import Verdict
from signoff.deployed import RulesNotProved, deployed, prove
from signoff.models import RuleSignOff
from staff.verdicts.scorecard import Case, scorecard, scorecard_of


@dataclass(frozen=True)
class VerifiedLead:
    """A lead with a current verdict: what it was told, and the clinician's verdict."""

    lead_id: int
    sha256: str
    answers: dict[str, Any]
    outcome: str
    reason_keys: frozenset[str]
    verdict: Verdict


def verified_cases_of(sha256: str) -> list[Case]:
    """Every lead this version decided that has a current verdict, with it."""
    rows = db.session.execute(
        select(Lead.id, Lead.outcome, Verdict)
        .join(Verdict, (Verdict.lead_id == Lead.id) & Verdict.replaced_at.is_(None))
        .where(Lead.rulebase_sha256 == sha256)
        .order_by(Lead.id)
    )
    return [_case(lead_id, outcome, verdict) for lead_id, outcome, verdict in rows]


def outcomes_by_version() -> dict[str, dict[str, int]]:
    """How many leads each rule version (by hash) gave each outcome, counted once for the
    leads stored now (``core.computed_figures``: a lead's decision never changes, so the
    replay's ``data_version`` is theirs too); every lead is read only when one is stored or
    deleted, not on every view of the scorecard."""

    def compute() -> dict[str, dict[str, int]]:
        counts: dict[str, dict[str, int]] = {}
        rows = db.session.execute(
            select(Lead.rulebase_sha256, Lead.outcome, func.count()).group_by(
                Lead.rulebase_sha256, Lead.outcome
            )
        )
        for sha256, outcome, leads in rows:
            counts.setdefault(sha256, {})[outcome] = leads
        return counts

    value, _computed_at = stored_figure("outcomes_by_version", data_version(), compute)
    return value


def _case(lead_id: int, outcome: str, verdict: Verdict | None) -> Case:
    if verdict is None:
        return Case(check=outcome, lead_id=lead_id)
    return Case(
        check=outcome,
        verdict=verdict.outcome,
        lead_id=lead_id,
        cause=verdict.cause,
        cause_question=verdict.cause_question,
        cause_rule=verdict.cause_rule,
    )


def verified_leads(*, other_than: str | None = None) -> list[VerifiedLead]:
    """Every lead with a current verdict (decided by a version other than ``other_than``)."""
    query = select(Lead, Verdict).join(
        Verdict, (Verdict.lead_id == Lead.id) & Verdict.replaced_at.is_(None)
    )
    if other_than:
        query = query.where(Lead.rulebase_sha256 != other_than)
    return [
        VerifiedLead(
            lead.id,
            lead.rulebase_sha256,
            dict(lead.answers),
            lead.outcome,
            frozenset(str(reason["key"]) for reason in lead.reasons),
            verdict,
        )
        for lead, verdict in db.session.execute(query.order_by(Lead.id))
    ]


def rulebase_of(sha256: str) -> rules.RuleBase | None:
    """The rule version with this hash, when its text is here (deployed, or signed and kept)."""
    shipped = deployed().base
    if shipped.sha256 == sha256:
        return shipped
    text = db.session.scalar(
        select(RuleSignOff.rules_text).where(RuleSignOff.sha256 == sha256).limit(1)
    )
    if text is None or hashlib.sha256(text.encode("utf-8")).hexdigest() != sha256:
        return None
    try:
        return prove(Path(f"signed:{sha256[:12]}"), text.encode("utf-8")).base
    except RulesNotProved:
        return None


def decides_the_same(base: rules.RuleBase, lead: VerifiedLead) -> bool:
    """``base`` gives this lead's answers the outcome and reason keys the lead was given."""
    try:
        decision = base.evaluate(lead.answers)
    except rules.AnswersError:
        return False
    keys = frozenset(reason.key for reason in decision.reasons)
    return decision.outcome == lead.outcome and keys == lead.reason_keys


def carried_cases(sha256: str, earlier: set[str]) -> list[Case] | None:
    """Verdicts on leads the ``earlier`` versions decided that this version decides the same
    (None when this version's rule text is not here, so nothing can be carried)."""
    base = rulebase_of(sha256)
    if base is None:
        return None
    return [
        _case(lead.lead_id, lead.outcome, lead.verdict)
        for lead in verified_leads(other_than=sha256)
        if lead.sha256 in earlier and decides_the_same(base, lead)
    ]


def scorecards(only: str | None = None) -> list[dict[str, Any]]:
    """One scorecard per rule version that decided leads (the most recent first)."""
    uses = stored_decisions_by_version()
    decided = outcomes_by_version()
    cards = []
    for position, use in enumerate(uses):
        if only and use.sha256 != only:
            continue
        earlier = {older.sha256 for older in uses[position + 1 :]}
        carried = carried_cases(use.sha256, earlier)
        cards.append(
            {
                "sha256": use.sha256,
                "version": use.version,
                **scorecard_of(verified_cases_of(use.sha256), decided.get(use.sha256, {})),
                "carried": None if carried is None else scorecard(carried),
            }
        )
    return cards


@dataclass(frozen=True)
class VerdictReplay:
    """A candidate version decided again on every lead with a verdict: what it would change."""

    version: str
    sha256: str
    verified: int
    fixed: tuple[int, ...]  # recorded disagreements the candidate would decide as the clinician
    broken: tuple[int, ...]  # agreements the candidate would no longer give
    not_decidable: tuple[int, ...]


def replay_on_verdicts(candidate: rules.RuleBase) -> VerdictReplay:
    """Before signing: which disagreements ``candidate`` fixes and which agreements it breaks."""
    fixed, broken, refused, total = [], [], [], 0
    for lead in verified_leads():
        total += 1
        try:
            outcome = candidate.evaluate(lead.answers).outcome
        except rules.AnswersError:
            refused.append(lead.lead_id)
            continue
        said = lead.verdict.outcome
        if lead.outcome != said and outcome == said:
            fixed.append(lead.lead_id)
        elif lead.outcome == said and outcome != said:
            broken.append(lead.lead_id)
    return VerdictReplay(
        candidate.version, candidate.sha256, total, tuple(fixed), tuple(broken), tuple(refused)
    )
