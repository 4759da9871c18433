"""The `when` language of the rule and safety files, compiled to value sets.

A `when` table is a conjunction of per-field conditions. Each condition is
compiled to the set of the field's values it allows, so both the engine
(membership tests) and the verifier (box arithmetic) work on the same
meaning and never re-interpret the text. The forms, by field kind:

    bool    pregnant_or_breastfeeding = true
    choice  active_acne = "mild"
            fitzpatrick = { any_of = ["IV", "V", "VI"] }      also none_of
    int     age = 30                                           an exact age
            age = { below = 18 }       also at_least, and from / to (inclusive)
    multi   scar_types = { exactly = ["hypertrophic"] }
            scar_types = { includes_any = ["rolling", "boxcar"] }
            scar_types = { includes_all = ["hypertrophic"], count_at_least = 2 }
            also includes_none, count_at_most

Several keys in one condition table must all hold. An empty `when = {}`
applies to every answers object.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .schema import DOMAINS, FIELDS, FieldSpec

__all__ = ["OPERATORS", "compile_when"]

Allowed = frozenset[object]

#: Field kind -> the operator keys a condition table may use.
OPERATORS: dict[str, tuple[str, ...]] = {
    "bool": (),
    "choice": ("any_of", "none_of"),
    "int": ("below", "at_least", "from", "to"),
    "multi": (
        "exactly",
        "includes_all",
        "includes_any",
        "includes_none",
        "count_at_least",
        "count_at_most",
    ),
}


class ConditionError(ValueError):
    """One problem in one field's condition; the message is for a rule reviewer."""


def _describe(value: Any) -> str:
    kinds = {bool: "true/false", str: "a string", int: "a number", list: "a list", dict: "a table"}
    return kinds.get(type(value), type(value).__name__)


def _values(spec: FieldSpec, op: str, raw: Any) -> frozenset[str]:
    """A list operand: non-empty, no duplicates, every value from the contract."""
    if not isinstance(raw, list) or not raw:
        raise ConditionError(f"{spec.name}.{op} must be a non-empty list of values")
    unknown = [v for v in raw if not (isinstance(v, str) and v in spec.choices)]
    if unknown:
        raise ConditionError(
            f"unknown value {unknown[0]!r} for field {spec.name} "
            f"(allowed: {', '.join(spec.choices)})"
        )
    if len(set(raw)) != len(raw):
        raise ConditionError(f"{spec.name}.{op} lists a value twice")
    return frozenset(raw)


def _number(spec: FieldSpec, op: str, raw: Any) -> int:
    if not isinstance(raw, int) or isinstance(raw, bool):
        raise ConditionError(f"{spec.name}.{op} must be a whole number, not {_describe(raw)}")
    return raw


def _wrong_kind(spec: FieldSpec, raw: Any) -> ConditionError:
    first = spec.choices[0] if spec.choices else ""
    examples = {
        "bool": "true or false",
        "choice": f'a value such as "{first}" or a table such as {{ any_of = [...] }}',
        "int": "a whole number or a table such as { below = 18 }",
        "multi": "a table such as { includes_any = [...] }",
    }
    return ConditionError(
        f"condition on {spec.name} ({spec.kind} field) must be {examples[spec.kind]}, "
        f"not {_describe(raw)}"
    )


def _choice(spec: FieldSpec, raw: Any) -> Allowed:
    if isinstance(raw, str):
        return frozenset(_values(spec, "value", [raw]))
    if not isinstance(raw, dict):
        raise _wrong_kind(spec, raw)
    allowed = set(spec.choices)
    for op, operand in raw.items():
        values = _values(spec, op, operand)
        allowed &= values if op == "any_of" else set(spec.choices) - values
    return frozenset(allowed)


def _int(spec: FieldSpec, raw: Any) -> Allowed:
    if isinstance(raw, int) and not isinstance(raw, bool):
        return frozenset(v for v in DOMAINS[spec.name] if v == raw)
    if not isinstance(raw, dict):
        raise _wrong_kind(spec, raw)
    tests: dict[str, Callable[[int, int], bool]] = {
        "below": lambda v, n: v < n,
        "at_least": lambda v, n: v >= n,
        "from": lambda v, n: v >= n,
        "to": lambda v, n: v <= n,
    }
    allowed = set(DOMAINS[spec.name])
    for op, operand in raw.items():
        n = _number(spec, op, operand)
        allowed = {v for v in allowed if tests[op](v, n)}  # type: ignore[arg-type]
    return frozenset(allowed)


def _multi(spec: FieldSpec, raw: Any) -> Allowed:
    if not isinstance(raw, dict):
        raise _wrong_kind(spec, raw)
    allowed: set[frozenset[str]] = set(DOMAINS[spec.name])  # type: ignore[arg-type]
    for op, operand in raw.items():
        if op.startswith("count_"):
            n = _number(spec, op, operand)
            if op == "count_at_least":
                allowed = {s for s in allowed if len(s) >= n}
            else:
                allowed = {s for s in allowed if len(s) <= n}
            continue
        values = _values(spec, op, operand)
        if op == "exactly":
            allowed &= {values}
        elif op == "includes_all":
            allowed = {s for s in allowed if values <= s}
        elif op == "includes_any":
            allowed = {s for s in allowed if values & s}
        else:  # includes_none
            allowed = {s for s in allowed if not values & s}
    return frozenset(allowed)


def _condition(spec: FieldSpec, raw: Any) -> Allowed:
    if isinstance(raw, dict):
        if not raw:
            raise ConditionError(f"condition on {spec.name} is an empty table")
        bad = [op for op in raw if op not in OPERATORS[spec.kind]]
        if bad:
            known = ", ".join(OPERATORS[spec.kind]) or "none: write true or false"
            raise ConditionError(
                f"unknown operator {bad[0]!r} for {spec.name} ({spec.kind} field; "
                f"operators: {known})"
            )
    if spec.kind == "bool":
        if not isinstance(raw, bool):
            raise _wrong_kind(spec, raw)
        return frozenset({raw})
    if spec.kind == "choice":
        return _choice(spec, raw)
    if spec.kind == "int":
        return _int(spec, raw)
    return _multi(spec, raw)


def compile_when(when: object) -> tuple[dict[str, Allowed], list[str]]:
    """Compile a `when` table to {field: allowed values}, plus every problem found.

    Fields without a condition are absent (any value). The caller decides what
    a problem means (the loader refuses the file, the verifier lists it).
    """
    if not isinstance(when, dict):
        return {}, [f"'when' must be a table such as {{ field = value }}, not {_describe(when)}"]
    compiled: dict[str, Allowed] = {}
    problems: list[str] = []
    for name, raw in when.items():
        spec = FIELDS.get(name)
        if spec is None:
            problems.append(f"unknown field {name!r}")
            continue
        try:
            compiled[name] = _condition(spec, raw)
        except ConditionError as exc:
            problems.append(str(exc))
    return compiled, problems
