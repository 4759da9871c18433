"""What other console areas may ask of the accounts area: a colleague by email, and the
language of their emails (and where each kind of staff email is written), the
one re-authentication (a password checked and counted against guessing, in the same
words everywhere: ``staff.accounts.reauth``)."""

from __future__ import annotations

from staff.accounts.directory import find_staff
from staff.accounts.password_links import STAFF_EMAILS, email_language
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
    "STAFF_EMAILS",
    "WRONG_CODE",
    "WRONG_PASSWORD",
    "Checked",
    "Failure",
    "check_code",
    "check_password",
    "email_language",
    "find_staff",
    "too_many_tries",
]
