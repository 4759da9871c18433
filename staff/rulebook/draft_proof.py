"""The proof of a draft (rules.verify, as at start-up and in ``python -m rules check``), in
clinical words, each finding linked to the rule to fix.

A gap or a broken safety minimum is told as the concrete person it concerns
(rules.in_words); a rule that can never apply, a reason below its table severity, a
missing patient text or source are told by the proof's own sentence. The rule a finding
is about is its ``rule`` or the rule id its sentence starts with.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from flask_babel import gettext as _

from rules.in_words import concern_words, finding_words
from rules.report import Finding, Report
from rules.verify import verify

__all__ = ["DraftFinding", "DraftProof", "prove_draft"]

_RULE_AT_START = re.compile(r"(R-[A-Za-z0-9_-]+)")


@dataclass(frozen=True)
class DraftFinding:
    """One finding: its words, and the rule row to fix (None: not about one rule)."""

    words: str
    rule: str | None
    kind: str  # gap, safety, never_applies, static


@dataclass(frozen=True)
class DraftProof:
    ok: bool
    findings: tuple[DraftFinding, ...]
    space: int
    report: Report


def _rule_of(finding: Finding, rule_ids: set[str]) -> str | None:
    if finding.rule in rule_ids:
        return finding.rule
    match = _RULE_AT_START.match(finding.message)
    if match and match.group(1) in rule_ids:
        return match.group(1)
    return None


def _words(finding: Finding, lang: str) -> tuple[str, str]:
    person = finding_words(finding, lang)
    if finding.check == 1:
        return _("A gap: %(person)s", person=person or finding.message), "gap"
    if finding.check == 4 and person and finding.covers:
        return (
            _(
                "A safety minimum is broken (%(concern)s): %(person)s",
                concern=concern_words(finding.covers, lang),
                person=person,
            ),
            "safety",
        )
    if finding.check == 3:
        return finding.message, "never_applies"
    return finding.message, "static"


def prove_draft(text: str, name: str, lang: str) -> DraftProof:
    """The whole proof of the draft's text, its findings in ``lang``."""
    report = verify(Path(f"draft {name}"), rules_data=text.encode("utf-8"))
    ids = {r.id for r in report.rulebase.rules} if report.rulebase else set()
    findings: list[DraftFinding] = []
    for finding in report.findings:
        words, kind = _words(finding, lang)
        if any(f.words == words for f in findings):  # the same person, told by two checks
            continue
        findings.append(DraftFinding(words, _rule_of(finding, ids), kind))
    return DraftProof(report.ok, tuple(findings), report.space, report)
