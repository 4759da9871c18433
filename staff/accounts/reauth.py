"""Re-authentication: the one check of a password, or of a second-factor code, against
guessing.

Signing in, the code step, signing off or withdrawing a rule version, turning two-factor
sign-in on or off (and new recovery codes), and changing one's own password all ask
``check_password`` (and ``check_code``). Each try is claimed before it is checked
(``lockout.claim_try``: slowed, then locked, per email); a right one clears the count; a
wrong one is audited with the caller's action and detail. Passwords are counted under
the email, codes under a key of their own ("2fa:" + email), so a lock on guessing codes
does not lock the password, and the other way round. Both commit: the count and a
failure's audit row are kept whatever the caller does next.

The callers turn the result into their form's error and status, in the same words:
``too_many_tries`` when locked, ``WRONG_PASSWORD`` or ``WRONG_CODE`` when wrong (sign-in
says "The email or password is not right.", which does not tell whether the account
exists).
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from core.dbtypes import utcnow
from core.extensions import db
from staff.accounts import lockout, two_factor
from staff.accounts.directory import find_staff
from staff.accounts.passwords import verify_password
from staff.console.audit import record
from staff.models import StaffUser

#: A wrong password from someone signed in (sign-in's own words hide whether the account exists).
WRONG_PASSWORD = _l("That is not your password.")
#: The audit detail of a password typed for an email no account has (at sign-in).
NO_ACCOUNT = "no account has this email"
#: A wrong, or already used, second-factor code.
WRONG_CODE = _l("That code is not right, or it was already used. Try the newest code.")


def too_many_tries(wait: int) -> str:
    """What every locked password or code check says, wherever it is asked."""
    return ngettext(
        "Too many failed sign-ins. Try again in %(num)d second.",
        "Too many failed sign-ins. Try again in %(num)d seconds.",
        wait,
    )


@dataclass(frozen=True)
class Failure:
    """The audit row a wrong password or code leaves: an action of ``core.audit.ACTIONS``."""

    action: str
    detail: str = ""


@dataclass(frozen=True)
class Checked:
    """What a check found: ``ok``; or ``wait`` seconds (locked: not even checked); or
    ``wrong`` (checked, refused and audited)."""

    wait: int = 0
    wrong: bool = False
    #: The password was right, but the account is disabled (only sign-in meets one).
    disabled: bool = False
    #: ``check_code``: which factor was right, "code" (the app's) or "recovery".
    factor: str | None = None
    #: The account checked (sign-in's, found by the email typed; None for no account).
    user: StaffUser | None = None

    @property
    def ok(self) -> bool:
        return not self.wait and not self.wrong


def code_key(user: StaffUser) -> str:
    """The failed-tries count of this account's codes (apart from its password's)."""
    return "2fa:" + user.email


def check_password(account: StaffUser | str, password: str, *, failure: Failure) -> Checked:
    """Check the password of ``account``, counted against guessing under its email.

    Sign-in gives the email typed instead (``str``): the try is counted under it, known
    or not, and only then is the account looked up (``Checked.user``). No account takes
    the same steps against a dummy hash, is wrong, and is audited as
    "no account has this email"; a disabled account is wrong too, even with its password
    (``Checked.disabled`` says so).
    """
    email = account if isinstance(account, str) else account.email
    wait = lockout.claim_try(email, utcnow())
    if wait:
        return Checked(wait=wait)
    user = find_staff(account) if isinstance(account, str) else account
    right = verify_password(user.password_hash if user else None, password)
    if user is not None and user.active and right:
        lockout.register_success(email)
        db.session.commit()
        return Checked(user=user)
    disabled = user is not None and not user.active and right  # read before the commit
    detail = failure.detail if user is not None else NO_ACCOUNT
    record(failure.action, detail=detail, actor=user)
    db.session.commit()
    return Checked(wrong=True, disabled=disabled, user=user)


def check_code(user: StaffUser, code: str, *, failure: Failure) -> Checked:
    """Check a code from ``user``'s authenticator app, or one of their recovery codes
    (spent when right), counted against guessing apart from their password."""
    key = code_key(user)
    wait = lockout.claim_try(key, utcnow())
    if wait:
        return Checked(wait=wait)
    factor = two_factor.check_second_factor(user, code)
    if factor is None:
        record(failure.action, detail=failure.detail, actor=user)
        db.session.commit()
        return Checked(wrong=True, user=user)
    lockout.register_success(key)
    db.session.commit()
    return Checked(factor=factor, user=user)
