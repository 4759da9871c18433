"""A person's answers in words, step by step, for the result's "check your answers" list.

Each row names the question and the answer in the words the person answered them
in (the patient's shorter wording, ``Question.ask`` and ``Choice.short``), in the
person's language, and where its "Change" link goes (the question's step and the
id of its first control, the same anchor the error summary links to). Only the
questions this person was shown are listed: a hidden one took its declared value and
was never asked.
"""

from __future__ import annotations

from dataclasses import dataclass

from questionnaire.catalogue import Question
from questionnaire.flow import Flow
from questionnaire.forms import anchor_id
from questionnaire.localized import localized_questions, localized_step


@dataclass(frozen=True)
class AnswerRow:
    question_id: str
    step_id: str
    anchor: str  # the id of the question's first control on its step page
    question: str
    answer: str


@dataclass(frozen=True)
class AnswerGroup:
    step_id: str
    title: str
    rows: tuple[AnswerRow, ...]


def answer_words(question: Question, value: object) -> str:
    """The answer as the person chose it: the choices' labels, or the number typed."""
    labels = {choice.value: str(choice.label) for choice in question.choices}
    if question.kind == "bool":
        return labels["yes" if value else "no"]
    if question.kind == "multi" and isinstance(value, list):
        return ", ".join(labels.get(item, str(item)) for item in value)
    return labels.get(value, str(value)) if question.choices else str(value)


def summarize(flow: Flow, answers: dict[str, object], language: str) -> tuple[AnswerGroup, ...]:
    """Every answered question the person was shown, grouped by step, in asking order."""
    groups = []
    for step in flow.visible_steps(answers):
        shown = [q for q in flow.shown_questions(step.id, answers) if q.id in answers]
        rows = tuple(
            AnswerRow(
                question_id=question.id,
                step_id=step.id,
                anchor=anchor_id(question),
                question=question.label,
                answer=answer_words(question, answers[question.id]),
            )
            for question in localized_questions(shown, language, for_patient=True)
        )
        if rows:
            groups.append(AnswerGroup(step.id, localized_step(step, language).title, rows))
    return tuple(groups)
