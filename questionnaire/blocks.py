"""A question's HTML, rendered once per language and answer, then reused.

Drawing a step's questions through the macros in ``_questions.html`` was most
of a step page's time (bench/profile_pages.py). A question block without an
error depends only on the question's texts in one language (the copies from
``localized_questions``, made once per process) and the answer already given,
so it is rendered once and reused. A block with an error message is always
rendered afresh. The cache is derived from code, bounded (the least recently
used block goes first), and never needed by another worker, so web workers
stay stateless.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app
from markupsafe import Markup

from questionnaire.catalogue import Question
from questionnaire.pages import LeastRecentlyUsed

MAX_BLOCKS = 4096


def _answer_key(data: Any) -> tuple[str, ...] | str:
    """The answer as the macros see it: a set of chosen values, or one value."""
    if isinstance(data, list | tuple | set | frozenset):
        return tuple(sorted(repr(value) for value in data))
    return repr(data)


class QuestionBlocks:
    """Rendered blocks by (question, answer), the most recently used kept."""

    def __init__(self, app: Flask, max_blocks: int = MAX_BLOCKS) -> None:
        self._app = app
        self._blocks: LeastRecentlyUsed[tuple[Question, Markup]] = LeastRecentlyUsed(max_blocks)

    def _render(self, question: Question, field: Any) -> Markup:
        macros = self._app.jinja_env.get_template("_questions.html").module
        return macros.question_block(question, field)  # Markup: the macros autoescape

    def __call__(self, question: Question, field: Any) -> Markup:
        if field.errors or not isinstance(question.label, str):
            # An error's text, or a question whose lazy texts follow the request's language.
            return self._render(question, field)
        # The question is kept with its block, so its id cannot be reused by another
        # object while the block is kept.
        key = (id(question), _answer_key(field.data))
        kept_question, html = self._blocks.get_or_make(
            key, lambda: (question, self._render(question, field))
        )
        return html if kept_question is question else self._render(question, field)


def question_html(question: Question, field: Any) -> Markup:
    """The block for one question and its field (a Jinja global)."""
    return current_app.extensions["question_blocks"](question, field)


def init_app(app: Flask) -> None:
    app.extensions["question_blocks"] = QuestionBlocks(app)
    app.add_template_global(question_html)
