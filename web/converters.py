"""URL converters shared by every blueprint."""

from __future__ import annotations

from werkzeug.routing import IntegerConverter

#: The largest id a database integer column holds (PostgreSQL's integer is 32-bit).
MAX_ROW_ID = 2**31 - 1


class RowIdConverter(IntegerConverter):
    """``<id:lead_id>``: a positive row id; a larger number is a 404, never a database error."""

    def __init__(self, map, *args, **kwargs) -> None:
        super().__init__(map, min=1, max=MAX_ROW_ID)
