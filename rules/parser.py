"""Read a TOML rule file into a RuleBase, or refuse it naming every problem.

Loading checks the whole file and refuses it with a RuleFileError naming
every problem, so a typo fails at start-up and never in front of a patient.
Each rule's `when` is compiled to per-field sets of allowed values
(rules.conditions); rules.compiled turns those into bitmasks.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from pathlib import Path
from types import MappingProxyType
from typing import Any

from .compiled import RuleBase
from .conditions import compile_when
from .contract import Rule, RuleFileError
from .references import REFERENCES
from .schema import OUTCOMES, REASON_SEVERITY, SEVERITIES, is_clinic_reason

__all__ = ["load_rulebase", "parse_rulebase"]

_TOP_KEYS = {"version", "hit_policy", "reviewed_by", "reviewed_on", "rule"}
_RULE_KEYS = {"id", "reason", "outcome", "evidence", "note", "when", "text"}
_LANGUAGE = re.compile(r"[a-z]{2,3}(?:_[A-Z]{2})?")
_RULE_ID = re.compile(r"R-[A-Za-z0-9_-]+")
_DEFAULT_OUTCOME = OUTCOMES[-1]  # book_consultation: the outcome when no flag applies


def _evidence(raw: Any) -> tuple[tuple[int, ...], str | None]:
    if not isinstance(raw, list) or not all(
        isinstance(n, int) and not isinstance(n, bool) and n > 0 for n in raw
    ):
        return (), "'evidence' must be a list of reference numbers, such as [30, 34] or []"
    unknown = [n for n in raw if n not in REFERENCES]
    if unknown:
        listed = ", ".join(map(str, unknown))
        return (), (
            f"'evidence' cites {listed}, not in the references (rules/references.py, "
            "from evidence.md section 6): a patient would see no source for this reason"
        )
    return tuple(raw), None


def _parse_rule(raw: Any, index: int, problems: list[str]) -> Rule | None:
    """One [[rule]] table -> Rule, appending "<id>: <problem>" for each problem."""
    if not isinstance(raw, dict):
        problems.append(f"rule #{index + 1}: must be a table ([[rule]])")
        return None
    rule_id = raw.get("id")
    if not isinstance(rule_id, str) or not _RULE_ID.fullmatch(rule_id):
        label = f"rule #{index + 1}"
        problems.append(f"{label}: 'id' must be a rule id such as \"R-pregnancy\"")
        rule_id = label
    before = len(problems)

    def problem(text: str) -> None:
        problems.append(f"{rule_id}: {text}")

    for key in sorted(set(raw) - _RULE_KEYS):
        problem(f"unknown key {key!r} (keys: {', '.join(sorted(_RULE_KEYS))})")
    for key in ("outcome", "when"):
        if key not in raw:
            problem(f"missing key {key!r}")
    outcome = raw.get("outcome")
    if "outcome" in raw and outcome not in SEVERITIES:
        problem(f"unknown outcome {outcome!r} (outcomes: {', '.join(SEVERITIES)})")
    reason = raw.get("reason")
    if outcome == _DEFAULT_OUTCOME:
        if reason is not None:
            problem(f"a {_DEFAULT_OUTCOME} rule gives no reason; remove 'reason'")
    elif outcome in SEVERITIES:
        if reason is None:
            problem("missing key 'reason'")
        elif reason not in REASON_SEVERITY and not is_clinic_reason(reason):
            problem(
                f"unknown reason key {reason!r} (the contract's, or a clinic's own "
                'such as "clinic_age_over_65")'
            )
        if "evidence" not in raw:
            problem("missing key 'evidence' (write evidence = [] if there is none)")
    evidence, evidence_problem = _evidence(raw.get("evidence", []))
    if evidence_problem:
        problem(evidence_problem)
    note = raw.get("note", "")
    if not isinstance(note, str):
        problem("'note' must be a string")
    texts, text_problem = _texts(raw, reason)
    if text_problem:
        problem(text_problem)
    when, when_problems = compile_when(raw.get("when", {}))
    for text in when_problems:
        problem(text)
    if len(problems) > before:
        return None
    return Rule(rule_id, outcome, reason, MappingProxyType(when), evidence, note, index, texts)


def _texts(raw: dict[str, Any], reason: Any) -> tuple[MappingProxyType[str, str], str | None]:
    """A clinic reason's patient text per language (`text = { en = "...", es = "..." }`).

    Whether every shipped language has one is for the proof (rules.verify), which
    knows the languages; here only the shape is checked.
    """
    empty: MappingProxyType[str, str] = MappingProxyType({})
    if "text" not in raw:
        return empty, None
    if not is_clinic_reason(reason):
        return empty, (
            "'text' is only for a clinic's own reason (clinic_...): the contract's reasons "
            "are worded in rules/reasons.py and the translations"
        )
    value = raw["text"]
    if not isinstance(value, dict) or not all(
        isinstance(k, str) and _LANGUAGE.fullmatch(k) and isinstance(v, str) and v.strip()
        for k, v in value.items()
    ):
        return empty, "'text' must be a table of languages and texts, such as { en = \"...\" }"
    return MappingProxyType({k: v.strip() for k, v in value.items()}), None


def parse_rulebase(data: bytes, path: Path | str = "<rules>") -> RuleBase:
    """Check and compile rule-file bytes; raise RuleFileError listing every problem."""
    try:
        doc = tomllib.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise RuleFileError(path, [f"not a valid TOML file: {exc}"]) from exc
    problems: list[str] = []
    for key in sorted(set(doc) - _TOP_KEYS):
        problems.append(f"unknown top-level key {key!r} (keys: {', '.join(sorted(_TOP_KEYS))})")
    for key in ("version", "reviewed_by"):
        if not isinstance(doc.get(key), str) or not doc[key].strip():
            problems.append(f"missing top-level key {key!r} (a string)")
    if "reviewed_on" not in doc:
        problems.append("missing top-level key 'reviewed_on' (a date such as 2026-11-20)")
    if doc.get("hit_policy") != "priority":
        problems.append(
            f'hit_policy must be "priority" (the only policy the contract allows), '
            f"not {doc.get('hit_policy')!r}"
        )
    raw_rules = doc.get("rule", [])
    if not isinstance(raw_rules, list) or not raw_rules:
        problems.append("no rules: add [[rule]] tables")
        raw_rules = []
    rules: list[Rule] = []
    seen_ids: set[str] = set()
    reason_rule: dict[str, str] = {}
    for index, raw in enumerate(raw_rules):
        rule = _parse_rule(raw, index, problems)
        if rule is None:
            continue
        if rule.id in seen_ids:
            problems.append(f"{rule.id}: duplicate rule id")
        seen_ids.add(rule.id)
        if rule.reason is not None:
            if rule.reason in reason_rule:
                problems.append(
                    f"{rule.id}: reason {rule.reason!r} is already given by "
                    f"{reason_rule[rule.reason]}; one rule per reason"
                )
            reason_rule.setdefault(rule.reason, rule.id)
        rules.append(rule)
    if problems:
        raise RuleFileError(path, problems)
    return RuleBase(
        path=str(path),
        version=doc["version"],
        sha256=hashlib.sha256(data).hexdigest(),
        hit_policy=doc["hit_policy"],
        reviewed_by=doc["reviewed_by"],
        reviewed_on=str(doc["reviewed_on"]),
        rules=tuple(rules),
    )


def load_rulebase(path: Path | str) -> RuleBase:
    """Load and check a rule file; raise RuleFileError (or OSError) if it is unusable."""
    return parse_rulebase(Path(path).read_bytes(), path)
