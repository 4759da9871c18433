"""A result's short reference: something a person can read out on the phone or quote in a
message, and the console can find the lead by.

It is made from the check's random flow id (never shown itself): eight characters of
Crockford's base32 (digits and capitals without I, L, O or U, so nothing is confused
when read aloud or copied by hand), written in two groups of four, "7KQ2-M9XD". The
same check keeps the same reference when an answer is changed; a lead stores it
(``leads.result_reference``) so the console's search finds it. 40 bits: two checks
share one about once in a trillion pairs, and a shared one only finds both leads.
"""

from __future__ import annotations

import hashlib
import re

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
LENGTH = 8
#: What a person may type for a reference: any case, a dash or space or none between the
#: halves, and the letters Crockford base32 reads as digits (O as 0, I and L as 1).
_TYPED = re.compile(r"\s*([0-9A-Za-z]{4})[\s-]?([0-9A-Za-z]{4})\s*")
_READ_AS = str.maketrans({"O": "0", "I": "1", "L": "1"})


def result_reference(flow_id: str) -> str:
    """The reference of the check with this flow id, e.g. "7KQ2-M9XD"."""
    number = int.from_bytes(hashlib.sha256(flow_id.encode()).digest()[:5], "big")
    letters = "".join(ALPHABET[(number >> shift) & 31] for shift in range(35, -1, -5))
    return f"{letters[:4]}-{letters[4:]}"


def typed_reference(text: str) -> str | None:
    """The reference someone typed ("7kq2 m9xd", "7KQ2M9XD"), written as shown; None if not one."""
    match = _TYPED.fullmatch(text)
    if match is None:
        return None
    letters = (match.group(1) + match.group(2)).upper().translate(_READ_AS)
    if any(letter not in ALPHABET for letter in letters):
        return None
    return f"{letters[:4]}-{letters[4:]}"


#: Stands for the reference while a page is drawn for the render cache, which keeps one
#: page for everyone with the same answers (web/render_cache.py); filled in per person.
REFERENCE_SLOT = "REFSLOT-" + hashlib.sha256(b"result reference slot").hexdigest()[:8].upper()
