"""The rule file's sources are evidence.md's: every number the references hold is a
reference of its section 6, by the same first author, and every number the shipped
rules cite is one of them (loading refuses any other, tests/rules/test_rules_loader.py)."""

from __future__ import annotations

import re

from rules.engine import default_rulebase
from rules.references import REFERENCES
from tests.support import SHARED

EVIDENCE = SHARED / "clinical" / "evidence.md"


def section_six() -> dict[int, str]:
    text = EVIDENCE.read_text(encoding="utf-8")
    start = text.index("## 6. References")
    end = text.index("\n## ", start + 1)
    return {
        int(number): entry for number, entry in re.findall(r"^(\d+)\. (.+)$", text[start:end], re.M)
    }


def test_every_reference_is_evidence_md_s_by_its_first_author():
    evidence = section_six()
    assert len(evidence) >= 40
    for number, citation in REFERENCES.items():
        assert number in evidence, number
        first_author = citation.split(" ", 1)[0].rstrip(".,")
        assert first_author in evidence[number], (number, citation, evidence[number][:80])


def test_the_shipped_rules_cite_only_known_references():
    base = default_rulebase()
    cited = {n for rule in base.rules for n in rule.evidence}
    assert cited and cited <= set(REFERENCES)
