"""The shipped rules: load microneedling.toml once and decide answers -> Decision.

The work is split by job: rules.contract holds the value types (Decision,
Reason, RulebaseInfo, Rule, RuleFileError), rules.parser reads and checks a
rule file, rules.compiled holds RuleBase and the bitmask form that decides
(hit policy PRIORITY, contract sections 2 to 4). This module ties them to the
shipped file, and still exports every name it always has.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path

from .compiled import RuleBase
from .contract import Decision, Reason, Rule, RulebaseInfo, RuleFileError
from .parser import load_rulebase
from .parser import parse_rulebase as parse_rulebase  # re-exported: it was always here

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
