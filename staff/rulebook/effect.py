"""The exact effect of a candidate rule version before a clinician signs it, against the one
deciding now: the diff over every possible set of answers, the replay on stored leads as a
share of real people, the replay on the leads with clinicians' verdicts, and every patient
text that would read differently, old beside new.

Each function takes any candidate ``rules.RuleBase`` (a released file awaiting sign-off, or a
draft) and the live one, so a draft's page can show the same effect. The replays are stored
figures (``core.computed_figures``): computed once per rule version and data change, read by
every instance, never replayed on each view.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import current_app
from sqlalchemy import func, select

import rules
from core.computed_figures import deletions, figures_version, stored_figure
from core.extensions import db
from leads.models import Lead
from leads.service import stored_replay
from leads.verdict_models import Verdict
from rules.diff import diff_rulebases
from staff.rulebook.rule_words import DiffView, diff_rows, patient_text


@dataclass(frozen=True)
class VerdictEffect:
    """The candidate decided again on every lead with a current verdict."""

    verified: int
    fixed: tuple[int, ...]  # disagreements it would decide as the clinician did
    broken: tuple[int, ...]  # agreements it would no longer give
    not_decidable: tuple[int, ...]
    computed_at: datetime


@dataclass(frozen=True)
class TextChange:
    """A reason whose patient text differs in one language (``old`` or ``new`` empty: the
    reason is only in one of the versions)."""

    reason: str
    lang: str
    old: str
    new: str


@dataclass(frozen=True)
class Effect:
    """Everything a clinician reads about a candidate before signing it."""

    changes: DiffView | None  # None: nothing signed yet to compare with
    replay: Any  # leads.replay.Replay (the leads' service keeps the module to itself)
    replayed_at: datetime
    verdicts: VerdictEffect
    texts: tuple[TextChange, ...]

    @property
    def share(self) -> str:
        """The stored leads told something different, as a percentage ("0.7%")."""
        if not self.replay.leads:
            return "0%"
        percent = 100 * len(self.replay.changed) / self.replay.leads
        return f"{percent:.1f}%".replace(".0%", "%")


def _verdicts_version() -> str:
    """What the verdict replay reads, in indexed figures: the leads' deletions, newest id
    and creation, and the verdicts' deletions, newest id and newest replacement."""
    return figures_version(
        deletions("leads"),
        select(func.max(Lead.id)),
        select(func.max(Lead.created_at)),
        deletions("verdicts"),
        select(func.max(Verdict.id)),
        select(func.max(Verdict.replaced_at)),
    )


def _replay_on_verdicts(candidate: rules.RuleBase) -> dict:
    fixed, broken, refused, total = [], [], [], 0
    rows = db.session.execute(
        select(Lead.id, Lead.answers, Lead.outcome, Verdict.outcome)
        .join(Verdict, (Verdict.lead_id == Lead.id) & Verdict.replaced_at.is_(None))
        .order_by(Lead.id)
    )
    for lead_id, answers, told, said in rows:
        total += 1
        try:
            outcome = candidate.evaluate(answers).outcome
        except rules.AnswersError:
            refused.append(lead_id)
            continue
        if told != said and outcome == said:
            fixed.append(lead_id)
        elif told == said and outcome != said:
            broken.append(lead_id)
    return {"verified": total, "fixed": fixed, "broken": broken, "not_decidable": refused}


def verdict_effect(candidate: rules.RuleBase) -> VerdictEffect:
    """Which recorded disagreements ``candidate`` fixes and which agreements it breaks, stored
    once per rule version, leads and verdicts."""
    value, at = stored_figure(
        f"verdict-replay:{candidate.sha256}",
        _verdicts_version(),
        lambda: _replay_on_verdicts(candidate),
    )
    return VerdictEffect(
        value["verified"],
        tuple(value["fixed"]),
        tuple(value["broken"]),
        tuple(value["not_decidable"]),
        at,
    )


def _texts(base: rules.RuleBase, lang: str) -> dict[str, str]:
    """Reason key -> what the patient reads, in ``lang``."""
    return {rule.reason: patient_text(rule, lang) for rule in base.rules if rule.reason}


def text_changes(candidate: rules.RuleBase, current: rules.RuleBase) -> tuple[TextChange, ...]:
    """Every reason whose patient text would read differently, per shipped language."""
    changed = []
    for lang in current_app.config["LANGUAGES"]:
        old, new = _texts(current, lang), _texts(candidate, lang)
        for reason in [*old, *(key for key in new if key not in old)]:
            if old.get(reason, "") != new.get(reason, ""):
                changed.append(TextChange(reason, lang, old.get(reason, ""), new.get(reason, "")))
    return tuple(changed)


def effect(candidate: rules.RuleBase, current: rules.RuleBase | None, lang: str) -> Effect:
    """``candidate``'s exact effect against ``current`` (the signed version it would replace;
    None when none is signed yet), in ``lang``'s words."""
    replayed, replayed_at = stored_replay(candidate)
    return Effect(
        changes=diff_rows(diff_rulebases(current, candidate), lang) if current else None,
        replay=replayed,
        replayed_at=replayed_at,
        verdicts=verdict_effect(candidate),
        texts=text_changes(candidate, current) if current else (),
    )
