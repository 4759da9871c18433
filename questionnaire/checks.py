"""Start-up checks of the question catalogue against the rules' answer schema.

A catalogue that names an unknown field, repeats an id, leaves a contract field
unasked, or hides a question behind a condition that can't be evaluated would
put a broken questionnaire in front of patients; the app refuses to start instead.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from questionnaire.catalogue import Question, Step


class CatalogueError(RuntimeError):
    """The catalogue disagrees with the answer schema; lists every problem."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("The question catalogue is invalid:\n  - " + "\n  - ".join(problems))


def field_domain(spec: Any) -> set[object] | None:
    """Every typed value a single-valued field can take (None for age and scar types)."""
    if spec.kind == "bool":
        return {True, False}
    if spec.kind == "choice":
        return set(spec.choices)
    return None


def _check_choices(question: Question, spec: Any) -> list[str]:
    values = [choice.value for choice in question.choices]
    if len(values) != len(set(values)):
        return [f"question {question.id!r} lists a choice twice"]
    if spec.kind == "bool":
        expected: set[str] = {"yes", "no"}
    elif spec.kind in ("choice", "multi"):
        expected = set(spec.choices)
    else:
        expected = set()
    if set(values) != expected:
        return [
            f"question {question.id!r} offers choices {sorted(values)} "
            f"but the field takes {sorted(expected)}"
        ]
    return []


def _check_condition(
    question: Question,
    step_index: Mapping[str, int],
    by_id: Mapping[str, Question],
    fields: Mapping[str, Any],
) -> list[str]:
    condition = question.when
    if condition is None:
        return []
    problems = []
    source = by_id.get(condition.field)
    if source is None:
        return [f"question {question.id!r} is shown when unknown field {condition.field!r}"]
    if step_index.get(source.step, 99) >= step_index.get(question.step, -1):
        problems.append(
            f"question {question.id!r} depends on {condition.field!r}, "
            "which is not asked on an earlier step"
        )
    domain = field_domain(fields[condition.field])
    if domain is None:
        problems.append(
            f"question {question.id!r} has a condition on {condition.field!r}, "
            "which conditions cannot use"
        )
    else:
        bad = [value for value in condition.any_of if value not in domain]
        if bad or not condition.any_of:
            problems.append(
                f"question {question.id!r} has a condition on {condition.field!r} "
                f"with impossible values {bad or '(none given)'}"
            )
    hidden_domain = field_domain(fields[question.id])
    if hidden_domain is None or question.value_when_hidden not in hidden_domain:
        problems.append(
            f"question {question.id!r} can be hidden but has no valid value_when_hidden"
        )
    return problems


def validate_catalogue(
    steps: Sequence[Step], questions: Sequence[Question], fields: Mapping[str, Any]
) -> None:
    """Raise CatalogueError listing every way the catalogue disagrees with ``fields``."""
    problems: list[str] = []
    step_index = {step.id: index for index, step in enumerate(steps)}
    if len(step_index) != len(steps):
        problems.append("two steps share an id")
    by_id: dict[str, Question] = {}
    for question in questions:
        if question.id in by_id:
            problems.append(f"question id {question.id!r} is used twice")
            continue
        by_id[question.id] = question
        spec = fields.get(question.id)
        if spec is None:
            problems.append(f"question {question.id!r} names an unknown field")
            continue
        if question.step not in step_index:
            problems.append(f"question {question.id!r} is on unknown step {question.step!r}")
        if question.kind != spec.kind:
            problems.append(
                f"question {question.id!r} is of kind {question.kind!r} "
                f"but the field is {spec.kind!r}"
            )
        problems.extend(_check_choices(question, spec))
    for question in by_id.values():
        if question.id in fields:
            problems.extend(_check_condition(question, step_index, by_id, fields))
    for name in fields:
        if name not in by_id:
            problems.append(f"field {name!r} is never asked")
    for step in steps:
        if not any(question.step == step.id for question in by_id.values()):
            problems.append(f"step {step.id!r} has no questions")
    if problems:
        raise CatalogueError(problems)
