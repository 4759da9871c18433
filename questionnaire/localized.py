"""The catalogue's texts resolved in one language, kept in the render cache.

Questions hold lazy strings so that one catalogue serves every language, but
resolving a lazy string is a Babel lookup and a step page reads each text several
times (profiled with bench/profile_pages.py: most of a step page's time). The
resolved copies are immutable and derived from code (web/render_cache.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from questionnaire.catalogue import Choice, Question, Step
from web import render_cache


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
    # Keyed by identity; the originals are kept with their copies, so an id stays unique.
    key = (language, tuple(map(id, questions)))
    kept, copies = render_cache.kept(
        "localized_questions", key, lambda: (questions, tuple(_question(q) for q in questions))
    )
    if any(a is not b for a, b in zip(kept, questions, strict=True)):
        return tuple(_question(q) for q in questions)
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
