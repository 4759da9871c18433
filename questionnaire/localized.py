"""The catalogue's texts resolved in one language, once per process and language.

Questions hold lazy strings so that one catalogue serves every language, but
resolving a lazy string is a Babel lookup and a step page reads each text several
times (profiled with bench/profile_pages.py: most of a step page's time). The
resolved copies are immutable and derived from code, so caching them per language
in process memory keeps web workers stateless.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from questionnaire.catalogue import Choice, Question, Step

# (language, ids of the questions) -> (the questions, kept alive so ids stay unique; copies)
_QUESTIONS: dict[tuple[str, tuple[int, ...]], tuple[tuple[Question, ...], tuple[Question, ...]]]
_QUESTIONS = {}


def _text(value: object) -> str | None:
    return None if value is None else str(value)


def _choice(choice: Choice) -> Choice:
    return replace(choice, label=str(choice.label), hint=_text(choice.hint))


def _question(question: Question) -> Question:
    return replace(
        question,
        label=str(question.label),
        hint=_text(question.hint),
        required_message=str(question.required_message),
        choices=tuple(_choice(choice) for choice in question.choices),
    )


def localized_questions(questions: Sequence[Question], language: str) -> tuple[Question, ...]:
    """These questions with every text resolved in ``language`` (the request's locale)."""
    questions = tuple(questions)
    key = (language, tuple(map(id, questions)))
    cached = _QUESTIONS.get(key)
    if cached is None:
        cached = _QUESTIONS[key] = (questions, tuple(_question(q) for q in questions))
    return cached[1]


_STEPS: dict[tuple[str, int], tuple[Step, Step]] = {}


def localized_step(step: Step, language: str) -> Step:
    """A step with its title and introduction resolved in ``language``."""
    key = (language, id(step))
    cached = _STEPS.get(key)
    if cached is None:
        copy = replace(step, title=str(step.title), intro=_text(step.intro))
        cached = _STEPS[key] = (step, copy)
    return cached[1]
