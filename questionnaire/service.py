"""The questionnaire's door for every entry point: open a person's sealed state, and decide.

"Finished answers → rules → decision" is written here once and used by the
wizard's result page and its "completed" count, the contact form, staff phone
intake and the JSON API, so they can never disagree. The service knows no
request: views turn its errors (``StateError``, ``NotDecided``,
``rules.AnswersError``) into redirects, form errors or JSON.

Which rule version decides is ``signoff``'s choice: the deployed file, proved
when the app starts, once a clinician has signed it (outside production, also
before); in production with no signed version, ``signoff.RulesUnavailable``,
which every entry point answers with 503.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from flask import Flask, current_app

import rules
from questionnaire.catalogue import QUESTIONS, STEPS, Step
from questionnaire.checks import validate_catalogue
from questionnaire.flow import DEFAULT_FLOW, Flow
from questionnaire.state import FlowState, StateCodec, StateError
from signoff.service import RulesUnavailable, SignOff, live, live_rulebase
from web.language import use_language

__all__ = [
    "Decided",
    "FlowState",
    "NotDecided",
    "RulesUnavailable",
    "SignOff",
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
    signoff: SignOff | None  # who signed the version that decided; None: unsigned (not production)


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


def evaluate(answers: Mapping[str, object], lang: str = "en") -> rules.Decision:
    """A complete answers object (the contract's) decided by the live rule version;
    rules.AnswersError when it is not one, RulesUnavailable when no version may decide."""
    return live_rulebase().evaluate(answers, lang)


def decide(answers: dict[str, object], lang: str = "en") -> Decided:
    """The rules' decision on finished answers; NotDecided when they are not finished or valid."""
    pending = flow().first_unanswered(answers)
    if pending is not None:
        raise NotDecided(pending)
    completed = flow().completed_answers(answers)
    choice = live()  # once: the decision and the sign-off named with it are of one version
    try:
        return Decided(completed, choice.deciding().evaluate(completed, lang), choice.signoff)
    except rules.AnswersError:
        raise NotDecided(None) from None


def init_app(app: Flask) -> None:
    """Check the catalogue against the rules and set up the flow and its sealed tokens."""
    steps = app.config.get("QUESTIONNAIRE_STEPS", STEPS)
    questions = app.config.get("QUESTIONNAIRE_QUESTIONS", QUESTIONS)
    validate_catalogue(steps, questions, rules.FIELDS)
    app.extensions["questionnaire_flow"] = Flow(steps, questions)
    app.extensions["state_codec"] = StateCodec(
        app.config["SECRET_KEY"], app.config["FLOW_TOKEN_MAX_AGE"]
    )
