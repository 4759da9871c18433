"""The question catalogue as JSON, in one language: what the wizard asks, for other programs."""

from __future__ import annotations

from typing import Any

import rules
from questionnaire.catalogue import Choice, Question, Step
from questionnaire.flow import Flow


def _text(value: object) -> str | None:
    return None if value is None else str(value)


def _choice_value(question: Question, choice: Choice) -> object:
    """The answer value a choice stands for: the wizard's "yes"/"no" are true/false."""
    if question.kind == "bool":
        return choice.value == "yes"
    return choice.value


def _choice(question: Question, choice: Choice) -> dict[str, Any]:
    item: dict[str, Any] = {
        "value": _choice_value(question, choice),
        "label": str(choice.label),
        "hint": _text(choice.hint),
    }
    if choice.swatch:
        item["swatch"] = choice.swatch
    return item


def _question(question: Question) -> dict[str, Any]:
    spec = rules.FIELDS[question.id]
    return {
        "id": question.id,
        "kind": question.kind,
        "label": str(question.label),
        "hint": _text(question.hint),
        "required_message": str(question.required_message),
        "choices": [_choice(question, choice) for choice in question.choices],
        "minimum": spec.minimum,
        "maximum": spec.maximum,
        "shown_when": (
            None
            if question.when is None
            else {"field": question.when.field, "any_of": list(question.when.any_of)}
        ),
        "value_when_hidden": question.value_when_hidden,
    }


def _step(step: Step, flow: Flow) -> dict[str, Any]:
    return {
        "id": step.id,
        "title": str(step.title),
        "intro": _text(step.intro),
        "questions": [_question(q) for q in flow.questions if q.step == step.id],
    }


def questionnaire_json(flow: Flow, lang: str) -> dict[str, Any]:
    """Every step and question, texts rendered in the current locale (``lang``)."""
    return {"lang": lang, "steps": [_step(step, flow) for step in flow.steps]}
