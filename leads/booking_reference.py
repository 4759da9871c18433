"""A lead's booking reference: opaque, random, URL-safe, found again in a tool's reply.

"bk" and 26 base32 letters (128 random bits): nothing about the person or their
answers, not guessable, safe in any URL without encoding. Tools that send only ids
(Acuity, Jane) give back the appointment as they store it; the reference is found
in it wherever the clinic's form put it (``find_reference``).
"""

from __future__ import annotations

import base64
import re
import secrets
from collections.abc import Iterator
from typing import Any

PREFIX = "bk"
_PATTERN = re.compile(r"\bbk[a-z2-7]{26}\b")


def new_booking_reference() -> str:
    """A fresh reference (unique by chance: 2**128 values; the column is unique too)."""
    letters = base64.b32encode(secrets.token_bytes(16)).decode("ascii").rstrip("=").lower()
    return PREFIX + letters


def is_booking_reference(text: str) -> bool:
    return bool(_PATTERN.fullmatch(text or ""))


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def find_reference(document: Any) -> str:
    """The first booking reference in any text of a JSON document; "" when there is none."""
    for text in _strings(document):
        found = _PATTERN.search(text)
        if found:
            return found.group(0)
    return ""
