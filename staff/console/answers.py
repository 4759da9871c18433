"""A stored lead's answers and reasons as staff read them: in words, the answers that
raised a reason marked.

Which answers raised a reason is read from the rules, not guessed: every condition of
the rule that gave the reason names the question it reads (``Rule.when``), and all of
them held for this person, so each of those answers played its part. The rule is
taken from the version that decided the lead when this instance has it (the live or
the deployed one, found by hash), else from the deployed version by its id (rule ids
stay when a rule file changes; its conditions usually do too).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from flask_babel import get_locale
from flask_babel import gettext as _

import rules
from questionnaire.service import flow as _flow
from rules.i18n import gettext as rules_gettext
from rules.reasons import REASON_TEXTS
from signoff.service import RulesUnavailable, live
from staff.console.labels import OUTCOME_LABELS


@dataclass(frozen=True)
class AnswerLine:
    field: str  # the question's id (the contract's answer field)
    step: str
    question: str
    answer: str
    asked: bool
    raised: tuple[str, ...] = ()  # the reasons (in words) this answer helped raise

    @property
    def raised_a_reason(self) -> bool:
        return bool(self.raised)


@dataclass(frozen=True)
class ReasonLine:
    """One reason of the decision: what it means in words, first; the ids for the record."""

    words: str  # what the person was told, in the console's language
    severity: str  # "info" or an outcome key (for a CSS class)
    severity_words: str  # the outcome it leads to, in words
    rule: str  # the rule's id ("R-cold-sores"), shown small
    key: str  # the reason's key ("cold_sore_prophylaxis"), shown small


Reasons = Iterable[Mapping[str, Any]]


def reason_lines(reasons: Reasons) -> list[ReasonLine]:
    """A lead's stored reasons (strictest first), in the console's words."""
    lang = str(get_locale())
    lines = []
    for reason in reasons:
        key = str(reason.get("key", ""))
        words = rules_gettext(REASON_TEXTS[key], lang) if key in REASON_TEXTS else ""
        severity = str(reason.get("severity", ""))
        lines.append(
            ReasonLine(
                words=words or str(reason.get("text", "")) or key,
                severity=severity,
                severity_words=str(OUTCOME_LABELS.get(severity) or _("For information")),
                rule=str(reason.get("rule", "")),
                key=key,
            )
        )
    return lines


def _rule_bases(sha256: str) -> list[rules.RuleBase]:
    """The rule versions to read conditions from: the lead's own first, then the deployed."""
    try:
        current = live()
    except RulesUnavailable:
        return []
    known = [base for base in (current.base, current.deployed) if base is not None]
    own = [base for base in known if base.sha256 == sha256]
    return own or [current.deployed]


def fields_of_reasons(reasons: Reasons, rulebase_sha256: str) -> dict[str, list[str]]:
    """Each answer field that a reason's rule reads -> the rule ids of those reasons."""
    by_id: dict[str, rules.Rule] = {}
    for base in reversed(_rule_bases(rulebase_sha256)):  # the lead's own version wins
        by_id.update({rule.id: rule for rule in base.rules})
    fields: dict[str, list[str]] = {}
    for reason in reasons:
        rule = by_id.get(str(reason.get("rule", "")))
        if rule is None:
            continue
        for field in rule.when:
            fields.setdefault(field, []).append(rule.id)
    return fields


def readable_answers(
    answers: dict[str, object],
    reasons: Reasons = (),
    rulebase_sha256: str = "",
) -> list[AnswerLine]:
    """Every question in the questionnaire's order with the answer given; those that
    raised one of ``reasons`` carry the reasons' words."""
    reasons = list(reasons)
    raised_by = fields_of_reasons(reasons, rulebase_sha256) if reasons else {}
    words_of = {line.rule: line.words for line in reason_lines(reasons)}
    flow = _flow()
    steps = {step.id: str(step.title) for step in flow.steps}
    lines = []
    for question in flow.questions:
        value = answers.get(question.id)
        labels = {choice.value: str(choice.label) for choice in question.choices}
        if value is None:
            text = _("(no answer)")
        elif question.kind == "multi" and isinstance(value, list):
            text = ", ".join(labels.get(str(v), str(v)) for v in value)
        elif question.kind == "bool":
            text = _("Yes") if value else _("No")
        else:
            text = labels.get(str(value), str(value))
        lines.append(
            AnswerLine(
                field=question.id,
                step=steps.get(question.step, question.step),
                question=str(question.label),
                answer=text,
                asked=question.is_shown(answers),
                raised=tuple(words_of[rule] for rule in raised_by.get(question.id, ())),
            )
        )
    return lines
