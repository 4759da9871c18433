"""The catalogue's texts resolved in one language, kept in the render cache.

Questions hold lazy strings so that one catalogue serves every language, but
resolving a lazy string is a Babel lookup and a step page reads each text several
times (profiled with bench/profile_pages.py: most of a step page's time). The
resolved copies are immutable and derived from code (web/render_cache.py).

The patient's pages ask ``for_patient=True``: their copies carry the patient's shorter
words (``Question.ask``, ``Choice.short``) as the label; staff pages get the full label.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from questionnaire.catalogue import Choice, Question, Step
from web import render_cache


def _text(value: object) -> str | None:
    return None if value is None else str(value)


def _choice(choice: Choice, for_patient: bool) -> Choice:
    label = choice.patient_label if for_patient else choice.label
    return replace(choice, label=str(label), hint=_text(choice.hint), short=None)


def _question(question: Question, for_patient: bool) -> Question:
    label = question.patient_label if for_patient else question.label
    return replace(
        question,
        label=str(label),
        ask=None,
        hint=_text(question.hint),
        required_message=str(question.required_message),
        choices=tuple(_choice(choice, for_patient) for choice in question.choices),
    )


def localized_questions(
    questions: Sequence[Question], language: str, *, for_patient: bool = False
) -> tuple[Question, ...]:
    """These questions with every text resolved in ``language`` (the request's locale);
    with ``for_patient``, labelled in the patient's shorter words."""
    questions = tuple(questions)

    def copied() -> tuple[Question, ...]:
        return tuple(_question(q, for_patient) for q in questions)

    # Keyed by identity; the originals are kept with their copies, so an id stays unique.
    key = (language, for_patient, tuple(map(id, questions)))
    kept, copies = render_cache.kept("localized_questions", key, lambda: (questions, copied()))
    if any(a is not b for a, b in zip(kept, questions, strict=True)):
        return copied()
    return copies


def localized_step(step: Step, language: str) -> Step:
    """A step with its title and introduction resolved in ``language``."""

    def resolved() -> Step:
        return replace(step, title=str(step.title), intro=_text(step.intro))

    # Kept with the step itself: an id reused by another step object is not a match.
    kept, copy = render_cache.kept(
        "localized_steps", (language, id(step)), lambda: (step, resolved())
    )
    return copy if kept is step else resolved()
