"""The question catalogue is checked against the answer schema when the app starts."""

from dataclasses import replace

import pytest

import rules
from app import create_app
from questionnaire.catalogue import QUESTIONS, STEPS, Condition
from questionnaire.checks import CatalogueError, validate_catalogue


def with_question(index, **changes):
    questions = list(QUESTIONS)
    questions[index] = replace(questions[index], **changes)
    return questions


def index_of(field):
    return next(i for i, q in enumerate(QUESTIONS) if q.id == field)


def test_shipped_catalogue_asks_every_contract_field_once():
    validate_catalogue(STEPS, QUESTIONS, rules.FIELDS)
    assert sorted(q.id for q in QUESTIONS) == sorted(rules.FIELDS)


@pytest.mark.parametrize(
    ("questions", "expected"),
    [
        (with_question(0, id="scar_colour"), "names an unknown field"),
        ([*list(QUESTIONS), QUESTIONS[1]], "used twice"),
        (QUESTIONS[:-1], "'age' is never asked"),
        (with_question(index_of("age"), kind="choice"), "is of kind 'choice'"),
        (
            with_question(index_of("scar_severity"), choices=QUESTIONS[1].choices[:2]),
            "offers choices",
        ),
        (with_question(index_of("age"), step="elsewhere"), "unknown step"),
        (
            with_question(
                index_of("keloid_history"),
                when=Condition("colour", ("red",)),
                value_when_hidden=False,
            ),
            "shown when unknown field 'colour'",
        ),
        (
            with_question(
                index_of("keloid_history"),
                when=Condition("scar_severity", ("enormous",)),
                value_when_hidden=False,
            ),
            "impossible values",
        ),
        (
            with_question(
                index_of("keloid_history"), when=Condition("age", (30,)), value_when_hidden=False
            ),
            "which conditions cannot use",
        ),
        (
            with_question(
                index_of("scar_severity"),
                when=Condition("diabetes", ("none",)),
                value_when_hidden="mild",
            ),
            "not asked on an earlier step",
        ),
        (
            with_question(index_of("keloid_history"), when=Condition("scar_severity", ("mild",))),
            "no valid value_when_hidden",
        ),
    ],
)
def test_a_broken_catalogue_is_refused_with_a_clear_message(questions, expected):
    with pytest.raises(CatalogueError) as failure:
        validate_catalogue(STEPS, questions, rules.FIELDS)
    assert expected in str(failure.value)


def test_every_problem_is_listed_at_once():
    questions = with_question(0, id="scar_colour")
    questions = [replace(q, kind="int") if q.id == "diabetes" else q for q in questions]
    with pytest.raises(CatalogueError) as failure:
        validate_catalogue(STEPS, questions, rules.FIELDS)
    assert len(failure.value.problems) >= 3  # unknown field, kind mismatch, scar_types unasked


def test_app_refuses_to_start_with_a_broken_catalogue():
    with pytest.raises(CatalogueError, match="unknown field"):
        create_app({"TESTING": True, "QUESTIONNAIRE_QUESTIONS": with_question(0, id="scar_colour")})
