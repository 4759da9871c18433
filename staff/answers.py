"""A stored lead's answers as the questions and answers a person saw."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _

from questionnaire.service import flow as _flow


@dataclass(frozen=True)
class AnswerLine:
    step: str
    question: str
    answer: str
    asked: bool


def readable_answers(answers: dict[str, object]) -> list[AnswerLine]:
    flow = _flow()
    steps = {step.id: str(step.title) for step in flow.steps}
    lines = []
    for question in flow.questions:
        value = answers.get(question.id)
        labels = {choice.value: str(choice.label) for choice in question.choices}
        if value is None:
            text = _("(no answer)")
        elif question.kind == "multi" and isinstance(value, list):
            text = ", ".join(labels.get(str(v), str(v)) for v in value)
        elif question.kind == "bool":
            text = _("Yes") if value else _("No")
        else:
            text = labels.get(str(value), str(value))
        lines.append(
            AnswerLine(
                step=steps.get(question.step, question.step),
                question=str(question.label),
                answer=text,
                asked=question.is_shown(answers),
            )
        )
    return lines
