"""The questionnaire's door for every entry point: open a person's sealed state, and decide.

"Finished answers → rules → decision" is written here once and used by the
wizard's result page and its "completed" count, the contact form, staff phone
intake and the JSON API, so they can never disagree. The service knows no
request: views turn its errors (``StateError``, ``NotDecided``,
``rules.AnswersError``) into redirects, form errors or JSON.

The rule file is proved when the app starts, every property of the contract's
section 7 (``rules.verify``, the same proof as ``python -m rules check``): a rule
file that fails it never decides for anyone, because the app does not start,
and says which property, which rule and which answers show it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from flask import Flask, current_app

import rules
from questionnaire.catalogue import QUESTIONS, STEPS, Step
from questionnaire.checks import validate_catalogue
from questionnaire.flow import DEFAULT_FLOW, Flow
from questionnaire.state import FlowState, StateCodec, StateError
from rules.engine import RULES_PATH
from rules.verify import verify
from web.language import use_language

__all__ = [
    "Decided",
    "FlowState",
    "NotDecided",
    "RulesNotProved",
    "StateError",
    "codec",
    "decide",
    "evaluate",
    "flow",
    "init_app",
    "open_state",
]


@dataclass(frozen=True)
class Decided:
    """A decision and the completed answers it was made from (hidden questions filled in)."""

    answers: dict[str, object]
    decision: rules.Decision


class RulesNotProved(RuntimeError):
    """The rule file fails the proof: the app must not start with it."""


class NotDecided(Exception):
    """The answers cannot be decided yet: ``pending`` is the first step still to answer,
    or None when the answers break the contract (a forged or outdated token)."""

    def __init__(self, pending: Step | None):
        self.pending = pending
        super().__init__("unfinished" if pending else "invalid")


def flow() -> Flow:
    """This app's steps and questions (a test may configure its own catalogue)."""
    return current_app.extensions.get("questionnaire_flow", DEFAULT_FLOW)


def codec() -> StateCodec:
    return current_app.extensions["state_codec"]


def open_state(token: str | None, chosen_lang: str | None = None) -> FlowState:
    """The person's state from their token (StateError when missing, expired or forged).

    A language chosen with the switch (``chosen_lang``) replaces the flow's, so the
    next token carries it; the request is then answered in the flow's language.
    """
    state = codec().loads(token)
    if chosen_lang in current_app.config["LANGUAGES"]:
        state.lang = chosen_lang
    use_language(state.lang)
    return state


def rulebase() -> rules.RuleBase:
    """The rule version this app proved at start-up, which decides for everyone it serves."""
    return current_app.extensions["rulebase"]


def evaluate(answers: Mapping[str, object], lang: str = "en") -> rules.Decision:
    """A complete answers object (the contract's) decided; rules.AnswersError when it is not."""
    return rulebase().evaluate(answers, lang)


def decide(answers: dict[str, object], lang: str = "en") -> Decided:
    """The rules' decision on finished answers; NotDecided when they are not finished or valid."""
    pending = flow().first_unanswered(answers)
    if pending is not None:
        raise NotDecided(pending)
    completed = flow().completed_answers(answers)
    try:
        return Decided(completed, evaluate(completed, lang=lang))
    except rules.AnswersError:
        raise NotDecided(None) from None


def init_app(app: Flask) -> None:
    """Check the catalogue against the rules and set up the flow and its sealed tokens."""
    steps = app.config.get("QUESTIONNAIRE_STEPS", STEPS)
    questions = app.config.get("QUESTIONNAIRE_QUESTIONS", QUESTIONS)
    app.extensions["rulebase"] = proved_rulebase(Path(app.config.get("RULES_FILE") or RULES_PATH))
    validate_catalogue(steps, questions, rules.FIELDS)
    app.extensions["questionnaire_flow"] = Flow(steps, questions)
    app.extensions["state_codec"] = StateCodec(
        app.config["SECRET_KEY"], app.config["FLOW_TOKEN_MAX_AGE"]
    )


def proved_rulebase(path: Path) -> rules.RuleBase:
    """The rule file at ``path``, once it passes the whole proof; RulesNotProved otherwise.

    About a tenth of a second: cheap enough for every start of every worker.
    """
    report = verify(path)
    if not report.ok or report.rulebase is None:
        raise RulesNotProved(
            f"the rule file {path} fails the proof, so the app will not decide with it:\n"
            + report.format()
        )
    return report.rulebase
