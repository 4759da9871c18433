"""Boxes: sets of answers objects written as one set of allowed values per field.

A rule's `when` is a box (unconstrained fields allow their whole domain), and
so is every safety property. Boxes are closed under intersection, and the
difference of two boxes is a short list of disjoint boxes, so "the answers
where no rule fires" or "the answers where this rule decides" are lists of
disjoint boxes, each counted as a product of set sizes. That is how the
verifier covers 53,811,412,992 answers objects without visiting them.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping

from .schema import DOMAINS, FIELDS

__all__ = ["FULL", "Box", "box_of", "count", "intersect", "pick", "subtract", "subtract_all"]

#: One frozenset of allowed values per field, in FIELDS order.
Box = tuple[frozenset[object], ...]

_NAMES = tuple(FIELDS)

#: Every answers object.
FULL: Box = tuple(frozenset(DOMAINS[name]) for name in _NAMES)


def box_of(when: Mapping[str, frozenset[object]]) -> Box:
    """The box of a compiled `when` (absent fields allow their whole domain)."""
    return tuple(when.get(name, full) for name, full in zip(_NAMES, FULL, strict=True))


def count(box: Box) -> int:
    """How many answers objects the box holds."""
    return math.prod(len(values) for values in box)


def intersect(a: Box, b: Box) -> Box | None:
    """a ∩ b, or None when they share no answers object."""
    out = []
    for x, y in zip(a, b, strict=True):
        both = x & y
        if not both:
            return None
        out.append(both)
    return tuple(out)


def subtract(a: Box, b: Box) -> list[Box]:
    """a minus b as disjoint boxes (none when b covers a).

    Field by field: the answers of `a` outside `b` on field i, but inside `b`
    on every earlier field. Each piece differs from the others on some field,
    so the pieces never overlap.
    """
    inside = intersect(a, b)
    if inside is None:
        return [a]
    pieces = []
    for i, (values, kept) in enumerate(zip(a, inside, strict=True)):
        outside = values - kept
        if outside:
            pieces.append((*inside[:i], outside, *a[i + 1 :]))
    return pieces


def subtract_all(a: Box, others: Iterable[Box]) -> list[Box]:
    """a minus the union of `others`, as disjoint boxes."""
    remaining = [a]
    for b in others:
        remaining = [piece for box in remaining for piece in subtract(box, b)]
        if not remaining:
            break
    return remaining


def pick(box: Box, prefer: Mapping[str, object]) -> dict[str, object]:
    """One answers object from the box, as JSON-ready answers.

    Each field takes its `prefer` value when the box allows it, else the first
    value of its domain the box allows, so a witness differs from an ordinary
    answers object only where it has to.
    """
    answers: dict[str, object] = {}
    for name, values in zip(_NAMES, box, strict=True):
        choice = prefer.get(name)
        if choice not in values:
            choice = next(v for v in DOMAINS[name] if v in values)
        if isinstance(choice, frozenset):
            choice = [c for c in FIELDS[name].choices if c in choice]
        answers[name] = choice
    return answers
