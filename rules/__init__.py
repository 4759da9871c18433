"""Screening rules for microneedling of acne scars: answers in, decision out.

The one entry point for every caller (the wizard, the JSON API, the command
line, the tests), so they can never disagree:

    from rules import evaluate
    decision = evaluate(answers, lang="en")   # raises AnswersError for bad answers
    decision.to_dict()                        # the contract's JSON (section 4)

Nothing here imports Flask or the web side. The rules themselves live in
microneedling.toml; `python -m rules check` proves them complete and safe
over every possible answers object.
"""

from .compiled import RuleBase
from .contract import Decision, Reason, Rule, RulebaseInfo, RuleFileError
from .engine import default_rulebase, evaluate
from .parser import load_rulebase
from .schema import FIELDS, OUTCOMES, REASON_SEVERITY, FieldSpec
from .validation import AnswersError, validate

__all__ = [
    "FIELDS",
    "OUTCOMES",
    "REASON_SEVERITY",
    "AnswersError",
    "Decision",
    "FieldSpec",
    "Reason",
    "Rule",
    "RuleBase",
    "RuleFileError",
    "RulebaseInfo",
    "default_rulebase",
    "evaluate",
    "load_rulebase",
    "validate",
]
