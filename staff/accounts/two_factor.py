"""Two-factor sign-in: time-based codes (RFC 6238, pyotp), their QR code, recovery codes.

No code is accepted twice, even by two instances at once: accepting one is an
UPDATE of the account's ``totp_last_step`` that only succeeds while the stored
step is older than the code's, and a recovery code is spent by an UPDATE that
only succeeds while it is unused. The database decides, never process memory.
The QR code is drawn here, as inline SVG (segno): no page asks another host.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from typing import Literal

import pyotp
import segno
from flask import current_app
from markupsafe import Markup, escape
from sqlalchemy import delete, func, or_, select, update

from core.dbtypes import utcnow
from core.extensions import db
from staff.models import RecoveryCode, StaffUser

#: A code is accepted for its own 30-second step and the one either side (clock drift).
VALID_WINDOW = 1
RECOVERY_CODES = 10
#: Recovery codes' letters: no 0/o, 1/l/i, so one read aloud or copied by hand is not misread.
_RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
_RECOVERY_LENGTH = 10

Factor = Literal["code", "recovery"]


def new_secret() -> str:
    return pyotp.random_base32()


def grouped(secret: str) -> str:
    """The secret in groups of four, as a person types it into an authenticator app."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def provisioning_uri(user: StaffUser, secret: str) -> str:
    """The otpauth:// address the QR code holds: the clinic as issuer, the account's email."""
    return pyotp.TOTP(secret).provisioning_uri(
        name=user.email, issuer_name=current_app.config["CLINIC_NAME"]
    )


def qr_svg(uri: str, title: str) -> Markup:
    """The QR code as inline SVG, named ``title`` for screen readers."""
    svg = segno.make(uri, error="m").svg_inline(
        scale=4, border=4, dark="#000", light="#fff", svgclass="qr-code"
    )
    named = f'<svg role="img" aria-label="{escape(title)}" '
    # segno draws the data as paths, with no text from the URI; the title is escaped above.
    return Markup(svg.replace("<svg ", named, 1))  # noqa: S704  # nosec B704


def _normal(text: str) -> str:
    return "".join(text.split()).replace("-", "").lower()


def _step_of(secret: str, code: str, now: float) -> int | None:
    """The time step ``code`` belongs to, within the window around ``now``, or None."""
    if len(code) != 6 or not (code.isascii() and code.isdigit()):
        return None
    totp = pyotp.TOTP(secret)
    current = int(now // totp.interval)
    for step in range(current - VALID_WINDOW, current + VALID_WINDOW + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def _claim_step(user: StaffUser, secret: str, step: int, *, confirming: bool) -> bool:
    """Record ``step`` as used, only if no code of that step or a later one was accepted."""
    values: dict = {"totp_last_step": step}
    confirmed = StaffUser.totp_confirmed_at
    if confirming:
        values["totp_confirmed_at"] = utcnow()
    claimed = db.session.execute(
        update(StaffUser)
        .where(StaffUser.id == user.id, StaffUser.totp_secret == secret)
        .where(confirmed.is_(None) if confirming else confirmed.is_not(None))
        .where(or_(StaffUser.totp_last_step.is_(None), StaffUser.totp_last_step < step))
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    db.session.expire(user)
    return claimed.rowcount == 1


def confirm_enrolment(user: StaffUser, code: str, now: float | None = None) -> bool:
    """A first right code turns two-factor on (in the caller's transaction)."""
    secret = user.totp_secret
    if not secret or user.has_two_factor:
        return False
    step = _step_of(secret, _normal(code), time.time() if now is None else now)
    return step is not None and _claim_step(user, secret, step, confirming=True)


def check_second_factor(user: StaffUser, text: str, now: float | None = None) -> Factor | None:
    """Accept an authenticator code or an unused recovery code once; which one, or None.

    Accepting it is written in the caller's transaction: commit it at once.
    """
    secret = user.totp_secret
    if not secret or not user.has_two_factor:
        return None
    code = _normal(text)
    step = _step_of(secret, code, time.time() if now is None else now)
    if step is not None:
        return "code" if _claim_step(user, secret, step, confirming=False) else None
    if len(code) == _RECOVERY_LENGTH and _spend_recovery_code(user, code):
        return "recovery"
    return None


def _digest(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


def new_recovery_codes(user: StaffUser) -> list[str]:
    """Ten fresh recovery codes (older ones stop working); only their sha256 is stored."""
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.staff_id == user.id))
    codes = [
        "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(_RECOVERY_LENGTH))
        for _ in range(RECOVERY_CODES)
    ]
    db.session.add_all(RecoveryCode(staff_id=user.id, code_hash=_digest(code)) for code in codes)
    half = _RECOVERY_LENGTH // 2
    return [f"{code[:half]}-{code[half:]}" for code in codes]


def _spend_recovery_code(user: StaffUser, code: str) -> bool:
    spent = db.session.execute(
        update(RecoveryCode)
        .where(RecoveryCode.staff_id == user.id, RecoveryCode.code_hash == _digest(code))
        .where(RecoveryCode.used_at.is_(None))
        .values(used_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return spent.rowcount == 1


def recovery_codes_left(user: StaffUser) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(RecoveryCode)
        .where(RecoveryCode.staff_id == user.id, RecoveryCode.used_at.is_(None))
    )


def start_enrolment(user: StaffUser) -> str:
    """The secret being set up: kept until confirmed, so reloading shows the same QR code."""
    if not user.totp_secret:
        user.totp_secret = new_secret()
        user.totp_last_step = None
    return user.totp_secret


def turn_off(user: StaffUser) -> None:
    """No secret, no confirmation, no recovery codes (in the caller's transaction)."""
    user.totp_secret = None
    user.totp_confirmed_at = None
    user.totp_last_step = None
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.staff_id == user.id))
