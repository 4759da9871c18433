"""WTForms classes built from the catalogue, one per step, and the typed answers they give.

Each question's kind decides its field: several checkboxes for scar types,
radio buttons for choices and for yes/no (an explicit "No" is an answer; a
blank is not), and a text box with a numeric keypad for age. Request-forgery
protection for the wizard rides on the sealed state token, not on a cookie,
so these forms switch Flask-WTF's cookie-bound CSRF off.
"""

from __future__ import annotations

from collections.abc import Sequence

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import Field, RadioField, SelectChoice, SelectMultipleField, StringField
from wtforms.validators import InputRequired, ValidationError

from questionnaire.catalogue import Question
from web import render_cache
from web.language import LocalizedForm

AGE_MIN, AGE_MAX = 12, 120


class StepForm(LocalizedForm):
    """Base of every step form."""

    class Meta:
        csrf = False


class AgeValidator:
    """A whole number of years in the range the check is designed for."""

    def __call__(self, form: FlaskForm, field: Field) -> None:
        text = (field.data or "").strip()
        if not text.isdigit() or not text.isascii():
            raise ValidationError(_l("Enter your age as a whole number, for example 34."))
        if not AGE_MIN <= int(text) <= AGE_MAX:
            raise ValidationError(
                _l("Enter an age from %(low)d to %(high)d.", low=AGE_MIN, high=AGE_MAX)
            )


def _field_for(question: Question) -> Field:
    choices = [SelectChoice(choice.value, choice.label) for choice in question.choices]
    required = InputRequired(message=question.required_message)
    if question.kind == "multi":
        return SelectMultipleField(question.label, choices=choices, validators=[required])
    if question.kind in ("choice", "bool"):
        return RadioField(question.label, choices=choices, validators=[required])
    return StringField(question.label, validators=[required, AgeValidator()])


def form_class(questions: Sequence[Question]) -> type[StepForm]:
    """A form class holding exactly these questions (built once per set of questions).

    Keyed by the question objects' identity: hashing a Question hashes its lazy,
    translated labels, which cost more than building the key (profiled with
    bench/profile_pages.py). The render cache keeps the questions alive with
    their class, so an id is never reused for other questions while it is kept.
    """
    questions = tuple(questions)
    kept, built = render_cache.kept(
        "form_classes",
        tuple(map(id, questions)),
        lambda: (questions, _build_form_class(questions)),
    )
    if any(a is not b for a, b in zip(kept, questions, strict=True)):
        return _build_form_class(questions)
    return built


def _build_form_class(questions: tuple[Question, ...]) -> type[StepForm]:
    attributes = {question.id: _field_for(question) for question in questions}
    return type("StepForm_" + "_".join(q.id for q in questions)[:80], (StepForm,), attributes)


def typed_answers(form: StepForm, questions: Sequence[Question]) -> dict[str, object]:
    """The contract's typed values from a validated form."""
    answers: dict[str, object] = {}
    for question in questions:
        raw = form[question.id].data
        if question.kind == "bool":
            answers[question.id] = raw == "yes"
        elif question.kind == "int":
            answers[question.id] = int(raw.strip())
        elif question.kind == "multi":
            order = [choice.value for choice in question.choices]
            answers[question.id] = sorted(set(raw), key=order.index)
        else:
            answers[question.id] = raw
    return answers


def form_data(answers: dict[str, object], questions: Sequence[Question]) -> dict[str, object]:
    """The form's initial data from typed answers, to refill a step."""
    data: dict[str, object] = {}
    for question in questions:
        if question.id not in answers:
            continue
        value = answers[question.id]
        if question.kind == "bool":
            data[question.id] = "yes" if value else "no"
        elif question.kind == "int":
            data[question.id] = str(value)
        else:
            data[question.id] = value
    return data


def error_summary(form: StepForm, questions: Sequence[Question]) -> list[tuple[str, str]]:
    """(anchor id, message) for every error, in question order, for the summary box."""
    summary = []
    for question in questions:
        for message in form[question.id].errors:
            summary.append((anchor_id(question), str(message)))
    return summary


def anchor_id(question: Question) -> str:
    """The id of the control the error summary links to (the first option of a group)."""
    return question.id if question.kind == "int" else f"{question.id}-0"
