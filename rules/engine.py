"""Load the rule file and decide: answers -> Decision (outcome, reasons, rulebase).

Hit policy PRIORITY over outcomes: every rule whose `when` holds fires; the
outcome is the strictest outcome among them, and every reason is reported,
strictest first, then in rule-file order (contract sections 2 to 4).

Loading checks the whole file and refuses it with a RuleFileError naming
every problem, so a typo fails at start-up and never in front of a patient.
Each rule is compiled to per-field sets of allowed values; evaluation turns
those into one bitmask per field value, so deciding is one dictionary lookup
and one AND per field, whatever the number of rules.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

from .conditions import compile_when
from .i18n import gettext
from .reasons import REASON_TEXTS
from .schema import DOMAINS, FIELDS, INFO, OUTCOMES, REASON_SEVERITY, SEVERITIES
from .validation import validate

__all__ = [
    "RULES_PATH",
    "Decision",
    "Reason",
    "Rule",
    "RuleBase",
    "RuleFileError",
    "RulebaseInfo",
    "default_rulebase",
    "evaluate",
    "load_rulebase",
]

RULES_PATH = Path(__file__).resolve().parent / "microneedling.toml"

_TOP_KEYS = {"version", "hit_policy", "reviewed_by", "reviewed_on", "rule"}
_RULE_KEYS = {"id", "reason", "outcome", "evidence", "note", "when"}
_RULE_ID = re.compile(r"R-[A-Za-z0-9_-]+")
_DEFAULT_OUTCOME = OUTCOMES[-1]  # book_consultation: the outcome when no flag applies


class RuleFileError(Exception):
    """The rule file is malformed; `.problems` lists each as "<rule id>: <problem>"."""

    def __init__(self, path: Path | str, problems: list[str]) -> None:
        self.path = str(path)
        self.problems = problems
        if len(problems) == 1:
            message = f"{path}: {problems[0]}"
        else:
            listed = "\n".join(f"  {p}" for p in problems)
            message = f"{path} has {len(problems)} problems:\n{listed}"
        super().__init__(message)


@dataclass(frozen=True, slots=True)
class Reason:
    """One reason that applies: its key, severity, the rule that gave it, its text.

    `evidence` holds reference numbers into evidence.md section 6; it is for
    staff and audits and is not part of the contract's JSON shape.
    """

    key: str
    severity: str
    rule: str
    text: str
    evidence: tuple[int, ...] = ()

    def to_dict(self) -> dict[str, str]:
        """The contract's JSON shape for a reason (section 4)."""
        return {"key": self.key, "severity": self.severity, "rule": self.rule, "text": self.text}


@dataclass(frozen=True, slots=True)
class RulebaseInfo:
    """Which rules decided: the file's version and the sha256 of its bytes."""

    version: str
    sha256: str

    def to_dict(self) -> dict[str, str]:
        """The contract's JSON shape for `rulebase` (section 4)."""
        return {"version": self.version, "sha256": self.sha256}


@dataclass(frozen=True, slots=True)
class Decision:
    """The outcome, every reason that applies (strictest first) and the rulebase."""

    outcome: str
    reasons: tuple[Reason, ...]
    rulebase: RulebaseInfo

    def to_dict(self) -> dict[str, Any]:
        """Exactly the contract's decision JSON (section 4)."""
        return {
            "outcome": self.outcome,
            "reasons": [r.to_dict() for r in self.reasons],
            "rulebase": self.rulebase.to_dict(),
        }


@dataclass(frozen=True)
class Rule:
    """One row of the rule file, with its `when` compiled to allowed value sets.

    `when` maps a field to the values for which the rule holds; a field that
    is absent is unconstrained. `reason` is None only for a rule that sets
    book_consultation (the default), which has nothing to explain.
    """

    id: str
    outcome: str
    reason: str | None
    when: Mapping[str, frozenset[object]]
    evidence: tuple[int, ...] = ()
    note: str = ""
    index: int = 0  # position in the file, for stable ordering

    @property
    def sets_outcome(self) -> bool:
        """Whether the rule takes part in choosing the outcome (not an info rule)."""
        return self.outcome != INFO


@dataclass(frozen=True)
class RuleBase:
    """A loaded, checked rule file, ready to evaluate answers."""

    path: str
    version: str
    sha256: str
    hit_policy: str
    reviewed_by: str
    reviewed_on: str
    rules: tuple[Rule, ...]
    _compiled: _Compiled = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_compiled", _Compiled(self))

    @property
    def info(self) -> RulebaseInfo:
        """Version and hash for a decision's `rulebase`."""
        return self._compiled.info

    def evaluate(self, answers: Mapping[str, object], lang: str = "en") -> Decision:
        """Decide for `answers`; raise AnswersError when they break the contract."""
        return self._compiled.evaluate(answers, lang)

    def outcome_of(self, answers: Mapping[str, object]) -> str | None:
        """The outcome for valid answers, or None where no rule sets one (a gap)."""
        return self._compiled.outcome_of(answers)


class _Compiled:
    """The fast form of a RuleBase: per-field value -> bitmask of rules that allow it.

    Bit i stands for rule `order[i]`, rules sorted strictest first, then in
    file order; so the lowest set bit of an outcome-setting rule gives the
    outcome and the set bits in order give the reasons in contract order.
    """

    _LANGUAGE_LIMIT = 64

    def __init__(self, base: RuleBase) -> None:
        self.info = RulebaseInfo(base.version, base.sha256)
        self.order = tuple(sorted(base.rules, key=lambda r: (SEVERITIES.index(r.outcome), r.index)))
        self.every = (1 << len(self.order)) - 1
        self.deciding = sum(1 << i for i, r in enumerate(self.order) if r.sets_outcome)
        tables: dict[str, dict[object, int]] = {}
        for name in FIELDS:
            tables[name] = {
                value: sum(
                    1 << i
                    for i, rule in enumerate(self.order)
                    if name not in rule.when or value in rule.when[name]
                )
                for value in DOMAINS[name]
            }
        multi = {name for name, spec in FIELDS.items() if spec.kind == "multi"}
        self.single = tuple((n, t) for n, t in tables.items() if n not in multi)
        self.multi = tuple((n, t) for n, t in tables.items() if n in multi)
        self.reasons: dict[str, tuple[Reason | None, ...]] = {}  # lang -> Reason per bit

    def match(self, clean: Mapping[str, object]) -> int:
        """The bitmask of the rules that hold for answers that passed `validate`."""
        m = self.every
        for name, table in self.single:
            m &= table[clean[name]]
        for name, table in self.multi:
            m &= table[frozenset(clean[name])]  # type: ignore[arg-type]
        return m

    def evaluate(self, answers: Mapping[str, object], lang: str) -> Decision:
        mask = self.match(validate(answers, lang))
        deciding = mask & self.deciding
        if not deciding:
            raise RuntimeError(
                "no rule sets an outcome for these answers: the rule file has a gap "
                "(run `python -m rules check`)"
            )
        by_bit = self.reasons.get(lang) or self._reasons_in(lang)
        reasons = []
        while mask:
            low = mask & -mask
            reason = by_bit[low.bit_length() - 1]
            if reason is not None:
                reasons.append(reason)
            mask ^= low
        outcome = self.order[(deciding & -deciding).bit_length() - 1].outcome
        return Decision(outcome, tuple(reasons), self.info)

    def outcome_of(self, answers: Mapping[str, object]) -> str | None:
        deciding = self.match(validate(answers)) & self.deciding
        if not deciding:
            return None
        return self.order[(deciding & -deciding).bit_length() - 1].outcome

    def _reasons_in(self, lang: str) -> tuple[Reason | None, ...]:
        """The Reason of every rule (None for the default) with its text in `lang`, cached."""
        by_bit = tuple(
            None
            if rule.reason is None
            else Reason(
                rule.reason,
                rule.outcome,
                rule.id,
                gettext(REASON_TEXTS[rule.reason], lang),
                rule.evidence,
            )
            for rule in self.order
        )
        if len(self.reasons) >= self._LANGUAGE_LIMIT:  # lang comes from requests: stay bounded
            self.reasons.clear()
        self.reasons[lang] = by_bit
        return by_bit


# --- loading -----------------------------------------------------------------


def _evidence(raw: Any) -> tuple[tuple[int, ...], str | None]:
    if not isinstance(raw, list) or not all(
        isinstance(n, int) and not isinstance(n, bool) and n > 0 for n in raw
    ):
        return (), "'evidence' must be a list of reference numbers, such as [30, 34] or []"
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
        elif reason not in REASON_SEVERITY:
            problem(f"unknown reason key {reason!r}")
        if "evidence" not in raw:
            problem("missing key 'evidence' (write evidence = [] if there is none)")
    evidence, evidence_problem = _evidence(raw.get("evidence", []))
    if evidence_problem:
        problem(evidence_problem)
    note = raw.get("note", "")
    if not isinstance(note, str):
        problem("'note' must be a string")
    when, when_problems = compile_when(raw.get("when", {}))
    for text in when_problems:
        problem(text)
    if len(problems) > before:
        return None
    return Rule(rule_id, outcome, reason, MappingProxyType(when), evidence, note, index)


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


@lru_cache(maxsize=1)
def default_rulebase() -> RuleBase:
    """The shipped rule file, loaded once; call it at start-up to fail early."""
    return load_rulebase(RULES_PATH)


def evaluate(answers: Mapping[str, object], lang: str = "en") -> Decision:
    """Decide for `answers` with the shipped rules; raise AnswersError for bad answers.

    The decision's texts are in `lang` (English when that language has no
    translation).
    """
    return default_rulebase().evaluate(answers, lang)
