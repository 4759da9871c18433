"""Strict checking of an answers object against the contract (section 1 and 6).

Nothing is defaulted or coerced: a bool is only True or False (not 0 or
"true"), an age is only an int (not a bool, a float or a string). Every
problem is reported at once, each naming its field, in words a person
understands and in the requested language, so the web form, the JSON API and
the command line can show them as they are.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .i18n import N_, gettext
from .schema import FIELDS, FieldSpec

__all__ = ["AnswersError", "validate"]

_NOT_AN_OBJECT = N_("The answers must be one object with a value for every question.")
_MISSING = N_("This question needs an answer.")
_UNKNOWN = N_("Unknown field.")
_CHOOSE_ONE = N_("Choose one of: %(choices)s.")
_YES_OR_NO = N_("Answer yes or no (true or false).")
_INT_RANGE = N_("Give a whole number from %(minimum)d to %(maximum)d.")
_AGE_RANGE = N_("Age must be a whole number from %(minimum)d to %(maximum)d.")
_SCAR_LIST = N_("Give the scar types as a list, chosen from: %(choices)s.")
_SCAR_EMPTY = N_("Choose at least one scar type.")
_SCAR_UNKNOWN = N_("Choose scar types only from: %(choices)s.")
_SCAR_DUPLICATE = N_("Choose each scar type only once.")

# Field-specific wording where the generic one would read badly.
_INT_MESSAGES = {"age": _AGE_RANGE}


class AnswersError(ValueError):
    """The answers broke the contract; `.errors` lists every problem.

    Each error is {"field": name, "message": text}; field is "" when the input
    as a whole is wrong (not an object).
    """

    def __init__(self, errors: list[dict[str, str]]) -> None:
        self.errors = errors
        super().__init__("; ".join(f"{e['field'] or '(answers)'}: {e['message']}" for e in errors))


def _check_multi(spec: FieldSpec, value: Any, lang: str) -> tuple[list[str], object]:
    choices = ", ".join(spec.choices)
    if not isinstance(value, list | tuple):
        return [gettext(_SCAR_LIST, lang) % {"choices": choices}], None
    if not value:
        return [gettext(_SCAR_EMPTY, lang)], None
    messages = []
    if not all(isinstance(v, str) and v in spec.choices for v in value):
        messages.append(gettext(_SCAR_UNKNOWN, lang) % {"choices": choices})
    hashable = [v for v in value if isinstance(v, str)]
    if len(set(hashable)) != len(hashable):
        messages.append(gettext(_SCAR_DUPLICATE, lang))
    if messages:
        return messages, None
    # A clean copy in the contract's order, so stored answers compare equal.
    return [], [c for c in spec.choices if c in value]


def _check(spec: FieldSpec, value: Any, lang: str) -> tuple[list[str], object]:
    """(messages, clean value) for one field; messages empty when the value is fine."""
    if spec.kind == "multi":
        return _check_multi(spec, value, lang)
    if spec.kind == "bool":
        if value is True or value is False:
            return [], value
        return [gettext(_YES_OR_NO, lang)], None
    if spec.kind == "choice":
        if isinstance(value, str) and value in spec.choices:
            return [], spec.choices[spec.choices.index(value)]
        return [gettext(_CHOOSE_ONE, lang) % {"choices": ", ".join(spec.choices)}], None
    # int: an int that is not a bool, within the bounds.
    assert spec.minimum is not None and spec.maximum is not None
    if (
        isinstance(value, int)
        and not isinstance(value, bool)
        and spec.minimum <= value <= spec.maximum
    ):
        return [], int(value)
    template = _INT_MESSAGES.get(spec.name, _INT_RANGE)
    return [gettext(template, lang) % {"minimum": spec.minimum, "maximum": spec.maximum}], None


# (name, kind, allowed values, minimum, maximum, choices) per field, for the fast path.
_PLAN = tuple(
    (spec.name, spec.kind, frozenset(spec.choices), spec.minimum, spec.maximum, spec.choices)
    for spec in FIELDS.values()
)


def _clean_or_none(answers: dict[str, object]) -> dict[str, object] | None:
    """The clean copy when the answers are plainly valid, else None (no messages).

    Valid answers are the common case; this keeps them cheap and leaves the
    careful, message-building path to the answers that need it.
    """
    if len(answers) != len(_PLAN):
        return None
    clean: dict[str, object] = {}
    try:
        for name, kind, allowed, minimum, maximum, choices in _PLAN:
            value = answers[name]
            if kind == "bool":
                if value is not True and value is not False:
                    return None
            elif kind == "choice":
                if value.__class__ is not str or value not in allowed:
                    return None
            elif kind == "int":
                if value.__class__ is not int or not minimum <= value <= maximum:  # type: ignore[operator]
                    return None
            else:
                if value.__class__ is not list or not value:
                    return None
                given = frozenset(value)  # type: ignore[arg-type]
                if len(given) != len(value) or not given <= allowed:  # type: ignore[arg-type]
                    return None
                value = [c for c in choices if c in given]
            clean[name] = value
    except (KeyError, TypeError):
        return None
    return clean


def validate(answers: object, lang: str = "en") -> dict[str, object]:
    """Return a clean copy of `answers` (contract order), or raise AnswersError.

    The copy holds exactly the contract's fields with plain Python values;
    `scar_types` is a list in the contract's order of values.
    """
    if answers.__class__ is dict:
        clean = _clean_or_none(answers)  # type: ignore[arg-type]
        if clean is not None:
            return clean
    if not isinstance(answers, Mapping):
        raise AnswersError([{"field": "", "message": gettext(_NOT_AN_OBJECT, lang)}])
    errors: list[dict[str, str]] = []
    clean: dict[str, object] = {}
    for name, spec in FIELDS.items():
        if name not in answers:
            errors.append({"field": name, "message": gettext(_MISSING, lang)})
            continue
        messages, value = _check(spec, answers[name], lang)
        errors.extend({"field": name, "message": m} for m in messages)
        clean[name] = value
    unknown = gettext(_UNKNOWN, lang)
    errors.extend({"field": str(key), "message": unknown} for key in answers if key not in FIELDS)
    if errors:
        raise AnswersError(errors)
    return clean
