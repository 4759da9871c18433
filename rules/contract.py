"""The contract's value types: a Decision with its Reasons and RulebaseInfo, a Rule.

A Decision is what every caller receives (its JSON is contract section 4); a
Rule is one row of the rule file. They sit apart from reading the file
(rules.parser) and from deciding (rules.compiled), which both build on them.
RuleFileError is how a rule file is refused.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from .schema import INFO

__all__ = ["Decision", "Reason", "Rule", "RuleFileError", "RulebaseInfo"]


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
    #: The patient text of a clinic's own reason (``clinic_...``), language -> text;
    #: empty for the contract's reasons, whose texts are in rules.reasons and the catalogues.
    texts: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))

    @property
    def sets_outcome(self) -> bool:
        """Whether the rule takes part in choosing the outcome (not an info rule)."""
        return self.outcome != INFO
