"""What other console areas may ask of the accounts area: a colleague by email, and the
one re-authentication (a password checked and counted against guessing, in the same
words everywhere: ``staff.accounts.reauth``)."""

from __future__ import annotations

from staff.accounts.directory import find_staff
from staff.accounts.reauth import (
    WRONG_CODE,
    WRONG_PASSWORD,
    Checked,
    Failure,
    check_code,
    check_password,
    too_many_tries,
)

__all__ = [
    "WRONG_CODE",
    "WRONG_PASSWORD",
    "Checked",
    "Failure",
    "check_code",
    "check_password",
    "find_staff",
    "too_many_tries",
]
