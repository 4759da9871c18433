"""The one way a console view fetches a row named in its URL, or answers 404."""

from __future__ import annotations

from typing import Any, TypeVar

from flask import abort

from core.extensions import db

Row = TypeVar("Row")


def get_or_404(model: type[Row], row_id: int, **must_match: Any) -> Row:
    """The ``model`` row with this id whose columns equal ``must_match``; 404 otherwise.

    ``must_match`` keeps a URL's parts together: an appointment of another lead, or an
    account that is the signed-in person's own, is "not found" like a missing one.
    """
    row = db.session.get(model, row_id)
    if row is None or any(getattr(row, column) != value for column, value in must_match.items()):
        abort(404)
    return row
