"""A question's HTML, rendered once per language and answer, then reused.

Drawing a step's questions through the macros in ``_questions.html`` was most
of a step page's time (bench/profile_pages.py). A question block without an
error depends only on the question's texts in one language (the copies from
``localized_questions``) and the answer already given, so it is kept in the
render cache (web/render_cache.py). A block with an error message is always
rendered afresh.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app
from markupsafe import Markup

from questionnaire.catalogue import Question
from web import render_cache


def _answer_key(data: Any) -> tuple[str, ...] | str:
    """The answer as the macros see it: a set of chosen values, or one value."""
    if isinstance(data, list | tuple | set | frozenset):
        return tuple(sorted(repr(value) for value in data))
    return repr(data)


def _render(question: Question, field: Any) -> Markup:
    macros = current_app.jinja_env.get_template("questionnaire/_questions.html").module
    return macros.question_block(question, field)  # Markup: the macros autoescape


def question_html(question: Question, field: Any) -> Markup:
    """The block for one question and its field (a Jinja global)."""
    if field.errors or not isinstance(question.label, str):
        # An error's text, or a question whose lazy texts follow the request's language.
        return _render(question, field)
    # The question is kept with its block, so its id cannot be reused by another
    # object while the block is kept.
    key = (id(question), _answer_key(field.data))
    kept_question, html = render_cache.kept(
        "question_blocks", key, lambda: (question, _render(question, field))
    )
    return html if kept_question is question else _render(question, field)


def init_app(app: Flask) -> None:
    app.add_template_global(question_html)
