"""The safety minimums in words: for each concern of the screening contract, the least strict
outcome a person with it may be told ("someone pregnant … is never told less than: not now").

They are read from the proof's own property file (rules/safety.toml), which follows the
contract, not the clinic: a clinician changes what lies above them, never them.
"""

from __future__ import annotations

from dataclasses import dataclass

from rules.in_words import concern_words, outcome_words
from rules.safety import SAFETY_PATH, load_properties
from rules.schema import OUTCOMES


@dataclass(frozen=True)
class Minimum:
    """One concern and the least strict outcome allowed for it, in words."""

    concern: str  # "someone who gets cold sores"
    outcome: str  # "a clinician reviews first"
    severity: str  # the outcome's key, for the tag's colour


def _sentence_start(words: str) -> str:
    return words[:1].upper() + words[1:]


def safety_minimums(lang: str) -> list[Minimum]:
    """Every concern's minimum, strictest first, then in the property file's order."""
    properties, _problems = load_properties(SAFETY_PATH)  # proved at start-up: no problems
    seen: dict[str, str] = {}
    for prop in properties:
        known = seen.get(prop.covers)
        if known is None or OUTCOMES.index(prop.outcome_at_least) < OUTCOMES.index(known):
            seen[prop.covers] = prop.outcome_at_least
    ranked = sorted(seen.items(), key=lambda item: OUTCOMES.index(item[1]))
    return [
        Minimum(_sentence_start(concern_words(covers, lang)), outcome_words(outcome, lang), outcome)
        for covers, outcome in ranked
    ]
