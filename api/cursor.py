"""The list's cursor: the (created_at, id) of the last lead a page gave, as "<µs>.<id>".

Programs treat it as opaque and pass back ``next_cursor``; it holds no secret
and grants nothing (the token decides what may be read). Any string of its
documented shape is a position in the list (the microseconds since 1970 UTC of
a creation time, and a lead id), so a cursor is either one of those or the
caller's error (422), never a 500.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from web.converters import MAX_ROW_ID

PATTERN = r"^[0-9]{1,17}\.[0-9]{1,10}$"  # 17 digits of microseconds reach the year 5138
_SHAPE = re.compile(r"[0-9]{1,17}\.[0-9]{1,10}")
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def encode(created_at: datetime, lead_id: int) -> str:
    micros = (created_at - EPOCH) // timedelta(microseconds=1)
    return f"{micros}.{lead_id}"


def decode(cursor: str) -> tuple[datetime, int] | None:
    """The key it holds, or None when it does not have a cursor's shape."""
    if not _SHAPE.fullmatch(cursor):
        return None
    micros, lead_id = cursor.split(".")
    # No lead's id is above MAX_ROW_ID (a larger one is out of the column's range).
    return EPOCH + timedelta(microseconds=int(micros)), min(int(lead_id), MAX_ROW_ID)
