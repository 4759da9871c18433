"""What `python -m rules check` reports: a Finding per problem, and the Report.

Kept apart from the checks (rules.verify, rules.text_checks) so that every
check appends the same Finding and one place decides how the report reads,
as text or as JSON.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .compiled import RuleBase
from .safety import Property
from .schema import DOMAINS, FIELDS

__all__ = ["Finding", "Report"]

_TITLES = {
    1: "no gap",
    2: "static",
    3: "reachable",
    4: "safety",
}


@dataclass(frozen=True)
class Finding:
    """One thing the proof found wrong, with an answers object that shows it if any."""

    check: int
    message: str
    witness: dict[str, object] | None = None
    outcome: str | None = None  # the witness's actual outcome (None: it gets none)
    rule: str | None = None  # the rule at fault, where one is (the one giving the reason)
    property: str | None = None  # a safety property that fails (check 4)
    covers: str | None = None  # the contract reason that property protects
    at_least: str | None = None  # that property's minimum outcome

    def to_dict(self) -> dict[str, Any]:
        """JSON form, for `check --json` and for tools."""
        out: dict[str, Any] = {"check": self.check, "message": self.message}
        if self.witness is not None:
            out["witness"] = self.witness
            out["outcome"] = self.outcome
        for name in ("rule", "property", "covers", "at_least"):
            if getattr(self, name) is not None:
                out[name] = getattr(self, name)
        return out


@dataclass
class Report:
    """What was proved, what was found, and how long it took."""

    rules_path: Path
    safety_path: Path
    translations_dir: Path
    languages: list[str]
    space: int = 0
    rulebase: RuleBase | None = None
    properties: list[Property] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    proved: dict[int, str] = field(default_factory=dict)  # check -> what was shown
    skipped: dict[int, str] = field(default_factory=dict)  # check -> why it could not run
    elapsed: float = 0.0

    @property
    def ok(self) -> bool:
        """True when every check ran and found nothing."""
        return not self.findings and not self.skipped

    def by_check(self, check: int) -> list[Finding]:
        """The findings of one check (1 to 4)."""
        return [f for f in self.findings if f.check == check]

    def to_dict(self) -> dict[str, Any]:
        """JSON form of the whole report."""
        base = self.rulebase
        return {
            "ok": self.ok,
            "answers_objects": self.space,
            "rules": len(base.rules) if base else None,
            "rulebase": base.info.to_dict() if base else None,
            "properties": len(self.properties),
            "languages": self.languages,
            "elapsed_seconds": round(self.elapsed, 4),
            "proved": {str(k): v for k, v in sorted(self.proved.items())},
            "skipped": {str(k): v for k, v in sorted(self.skipped.items())},
            "findings": [f.to_dict() for f in self.findings],
        }

    def format(self) -> str:
        """The human report printed by `python -m rules check`."""
        base = self.rulebase
        lines = ["Screening rules check (contract section 7)"]
        if base is not None:
            lines.append(
                f"  rule file     {self.rules_path}  version {base.version}  "
                f"sha256 {base.sha256[:16]}…"
            )
        else:
            lines.append(f"  rule file     {self.rules_path}  (did not load)")
        lines.append(f"  safety file   {self.safety_path}")
        lines.append(f"  languages     {', '.join(self.languages)}  (from {self.translations_dir})")
        sizes = " × ".join(str(len(DOMAINS[n])) for n in FIELDS)
        lines.append(f"  answer space  {self.space:,} answers objects  ({sizes})")
        lines.append("")
        for check in sorted(_TITLES):
            title = f"{check}. {_TITLES[check]}"
            found = self.by_check(check)
            if found:
                lines.append(f"FAIL  {title}: {len(found)} finding{'s' * (len(found) != 1)}")
                for f in found:
                    lines.append(f"      - {f.message}")
                    if f.witness is not None:
                        lines.append(f"        outcome: {f.outcome or 'none'}; answers:")
                        lines.append(f"        {json.dumps(f.witness)}")
            elif check in self.skipped:
                lines.append(f"SKIP  {title}: {self.skipped[check]}")
            else:
                lines.append(f"PASS  {title}: {self.proved.get(check, '')}")
        lines.append("")
        rules = len(base.rules) if base else 0
        summary = (
            f"{self.space:,} answers objects, {rules} rules, "
            f"{len(self.properties)} safety properties, {self.elapsed:.3f} s"
        )
        if self.ok:
            lines.append(f"OK: proved for all {summary}")
        else:
            lines.append(f"REJECTED: {len(self.findings)} finding(s) over {summary}")
            if self.skipped:
                lines.append(f"  ({len(self.skipped)} check(s) could not run)")
        return "\n".join(lines)
