"""One rule of a draft as the editor's entries, and the entries read back into a rule.

The editor offers choices, not code: each condition is a question of the contract, an
operator for that question's kind and values from its answers (or a number, or yes/no).
Entries that cannot make a rule are named, each against its own input, and every entry
is kept for the page to show again. Whether the rules as a whole are right is for the
proof, run on every save (staff.rulebook.draft_proof).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _

from rules.references import REFERENCES
from rules.schema import CLINIC_REASON, FIELDS, OUTCOMES, REASON_SEVERITY, SEVERITIES

__all__ = ["Condition", "RuleEntries", "entries_of", "rule_of"]

RULE_ID = re.compile(r"R-[A-Za-z0-9_-]+")
NOTE_MAX = 500
TEXT_MAX = 600
CLINIC = "clinic"  # the reason choice for a clinic's own reason
_DEFAULT = OUTCOMES[-1]

#: Field kind -> the operators the editor offers ("is": yes/no).
OPERATORS: dict[str, tuple[str, ...]] = {
    "bool": ("is",),
    "choice": ("any_of", "none_of"),
    "int": ("below", "at_least", "from", "to"),
    "multi": (
        "includes_any",
        "includes_all",
        "includes_none",
        "exactly",
        "count_at_least",
        "count_at_most",
    ),
}
_NUMBER_OPS = {"below", "at_least", "from", "to", "count_at_least", "count_at_most"}


@dataclass
class Condition:
    """One condition row: a question, an operator and its operand as typed or chosen."""

    field: str
    op: str
    values: list[str] = field(default_factory=list)
    number: str = ""
    flag: str = "true"  # a yes/no question: "true" or "false"

    @property
    def kind(self) -> str:
        return FIELDS[self.field].kind

    @property
    def takes_number(self) -> bool:
        return self.op in _NUMBER_OPS

    @property
    def takes_values(self) -> bool:
        return self.kind in ("choice", "multi") and not self.takes_number


@dataclass
class RuleEntries:
    """Everything the rule form shows, as entered."""

    rule_id: str = ""
    outcome: str = "clinician_review"
    reason: str = ""  # a contract reason key, CLINIC, or "" (no reason: book_consultation)
    clinic_reason: str = ""  # the clinic reason's key, clinic_...
    texts: dict[str, str] = field(default_factory=dict)
    note: str = ""
    evidence: list[int] = field(default_factory=list)
    conditions: list[Condition] = field(default_factory=list)


def _conditions(when: Mapping[str, Any]) -> list[Condition]:
    rows: list[Condition] = []
    for name, raw in when.items():
        kind = FIELDS[name].kind if name in FIELDS else "bool"
        if kind == "bool":
            rows.append(Condition(name, "is", flag="true" if raw else "false"))
        elif isinstance(raw, str):
            rows.append(Condition(name, "any_of", [raw]))
        elif isinstance(raw, int):
            rows += [
                Condition(name, "from", number=str(raw)),
                Condition(name, "to", number=str(raw)),
            ]
        elif isinstance(raw, dict):
            for op, operand in raw.items():
                if isinstance(operand, list):
                    rows.append(Condition(name, op, [str(v) for v in operand]))
                else:
                    rows.append(Condition(name, op, number=str(operand)))
    return rows


def entries_of(rule: Mapping[str, Any]) -> RuleEntries:
    """A rule of the draft's data as the form's entries."""
    reason = rule.get("reason") or ""
    clinic = isinstance(reason, str) and CLINIC_REASON.fullmatch(reason) is not None
    return RuleEntries(
        rule_id=str(rule.get("id", "")),
        outcome=str(rule.get("outcome", "")),
        reason=CLINIC if clinic else str(reason),
        clinic_reason=reason if clinic else "",
        texts=dict(rule.get("text", {})),
        note=str(rule.get("note", "")),
        evidence=[n for n in rule.get("evidence", []) if isinstance(n, int)],
        conditions=_conditions(rule.get("when", {})),
    )


def _plain(text: str, *, lines: bool) -> bool:
    allowed = "\n\t" if lines else ""
    return not any(c not in allowed and unicodedata.category(c).startswith("C") for c in text)


def _form_conditions(form: Mapping[str, Any]) -> list[Condition]:
    rows = []
    try:
        count = min(int(form.get("conditions", "0")), 50)
    except ValueError:
        count = 0
    for i in range(count):
        name = form.get(f"c-{i}-field", "")
        if name not in FIELDS or form.get(f"c-{i}-remove"):
            continue
        kind = FIELDS[name].kind
        op = form.get(f"c-{i}-op", "")
        if op not in OPERATORS[kind]:
            op = OPERATORS[kind][0]
        rows.append(
            Condition(
                name,
                op,
                values=list(form.getlist(f"c-{i}-values")) if hasattr(form, "getlist") else [],
                number=str(form.get(f"c-{i}-number", "")).strip(),
                flag="false" if form.get(f"c-{i}-flag") == "false" else "true",
            )
        )
    new = form.get("new_field", "")
    if form.get("action") == "add_condition" and new in FIELDS:
        rows.append(Condition(new, OPERATORS[FIELDS[new].kind][0]))
    return rows


def read_form(form: Any, languages: tuple[str, ...]) -> RuleEntries:
    """The entries as posted (unknown questions and operators are dropped or defaulted)."""
    evidence = []
    for raw in form.getlist("evidence"):
        try:
            evidence.append(int(raw))
        except ValueError:
            continue
    return RuleEntries(
        rule_id=form.get("rule_id", "").strip(),
        outcome=form.get("outcome", ""),
        reason=form.get("reason", ""),
        clinic_reason=form.get("clinic_reason", "").strip(),
        texts={
            lang: form.get(f"text_{lang}", "").replace("\r\n", "\n").strip() for lang in languages
        },
        note=form.get("note", "").replace("\r\n", "\n").strip(),
        evidence=evidence,
        conditions=_form_conditions(form),
    )


def _condition_value(row: Condition, index: int, errors: dict[str, str]) -> Any:
    spec = FIELDS[row.field]
    if row.kind == "bool":
        return row.flag == "true"
    if row.takes_number:
        try:
            number = int(row.number)
        except ValueError:
            errors[f"c-{index}-number"] = _("Enter a whole number.")
            return None
        if row.op.startswith("count_") and not 0 <= number <= len(spec.choices):
            errors[f"c-{index}-number"] = _(
                "Enter a number from 0 to %(most)d.", most=len(spec.choices)
            )
            return None
        if (
            not row.op.startswith("count_")
            and spec.minimum is not None
            and spec.maximum is not None
        ) and not spec.minimum <= number <= spec.maximum + 1:
            errors[f"c-{index}-number"] = _(
                "Enter a number from %(least)d to %(most)d.",
                least=spec.minimum,
                most=spec.maximum,
            )
            return None
        return number
    chosen = [v for v in spec.choices if v in row.values]
    if not chosen:
        errors[f"c-{index}-values"] = _("Choose at least one answer.")
        return None
    return chosen


def rule_of(
    entries: RuleEntries, others: list[Mapping[str, Any]], languages: tuple[str, ...]
) -> tuple[dict[str, Any] | None, dict[str, str]]:
    """The rule the entries make, or None and every problem (input id -> message).

    ``others``: the draft's other rules, whose ids and reasons this one may not reuse.
    """
    errors: dict[str, str] = {}
    if not RULE_ID.fullmatch(entries.rule_id) or len(entries.rule_id) > 64:
        errors["rule_id"] = _(
            "Give the rule a name starting with R- and using letters, numbers and dashes, "
            "such as R-age-over-65."
        )
    elif any(o.get("id") == entries.rule_id for o in others):
        errors["rule_id"] = _("Another rule of this draft has this name: choose another.")
    if entries.outcome not in SEVERITIES:
        errors["outcome"] = _("Choose an outcome.")
    reason: str | None = None
    if entries.outcome == _DEFAULT:
        if entries.reason:
            errors["reason"] = _(
                "A rule that books a consultation gives no reason: choose “No reason”."
            )
    elif entries.reason == CLINIC:
        reason = entries.clinic_reason
        if not CLINIC_REASON.fullmatch(reason) or len(reason) > 64:
            errors["clinic_reason"] = _(
                "Name the clinic’s reason with clinic_ and lower-case words joined by "
                "underscores, such as clinic_age_over_65."
            )
    elif entries.reason in REASON_SEVERITY:
        reason = entries.reason
    elif entries.outcome in SEVERITIES:
        errors["reason"] = _("Choose the reason the patient is given.")
    if reason and any(o.get("reason") == reason for o in others):
        errors["clinic_reason" if entries.reason == CLINIC else "reason"] = _(
            "Another rule of this draft gives this reason: one rule per reason."
        )
    for lang in languages:
        text = entries.texts.get(lang, "")
        if len(text) > TEXT_MAX or not _plain(text, lines=False):
            errors[f"text_{lang}"] = _(
                "Write the patient text in one paragraph of up to %(max)d characters.",
                max=TEXT_MAX,
            )
    if len(entries.note) > NOTE_MAX or not _plain(entries.note, lines=True):
        errors["note"] = _(
            "Write the note in up to %(max)d characters, without special characters.",
            max=NOTE_MAX,
        )
    unknown = [n for n in entries.evidence if n not in REFERENCES]
    if unknown:
        errors["evidence"] = _("Choose sources from the reference list.")
    when: dict[str, Any] = {}
    for index, row in enumerate(entries.conditions):
        value = _condition_value(row, index, errors)
        if value is None:
            continue
        if row.kind == "bool":
            if row.field in when:
                errors[f"c-{index}-flag"] = _("This question has a condition already.")
            when[row.field] = value
            continue
        table = when.setdefault(row.field, {})
        if row.op in table:
            errors[f"c-{index}-op"] = _(
                "This question has a condition with this operator already: change one."
            )
        table[row.op] = value
    if errors:
        return None, errors
    rule: dict[str, Any] = {"id": entries.rule_id}
    if reason:
        rule["reason"] = reason
    rule["outcome"] = entries.outcome
    if entries.outcome != _DEFAULT or entries.evidence:
        rule["evidence"] = sorted(set(entries.evidence))
    if entries.note:
        rule["note"] = entries.note
    if entries.reason == CLINIC:
        texts = {lang: entries.texts[lang] for lang in languages if entries.texts.get(lang)}
        if texts:
            rule["text"] = texts
    rule["when"] = when
    return rule, errors
