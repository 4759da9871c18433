"""Slowing, then locking, repeated failed sign-ins, per email typed, in the database.

After SIGN_IN_SLOW_AFTER failures a sign-in waits 2, 4, 8… seconds before the next
try is even checked; after SIGN_IN_LOCK_AFTER failures the email is locked for
SIGN_IN_LOCK_MINUTES. The count is kept per email typed (``SignInAttempts``),
known or not, so the answers to a real account and to an unknown email are the
same. A try is claimed before its password is checked, with a compare-and-set
UPDATE, so concurrent guesses are counted one by one: no more than
SIGN_IN_LOCK_AFTER of them are ever checked before the lock. A successful sign-in
clears the count; so does a new password set on the command line.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import text, update

from core.extensions import db
from staff.models import SignInAttempts

# The same SQL on PostgreSQL and SQLite (3.24+): the row exists once, whoever asks first.
_ENSURE_ROW = text(
    "INSERT INTO sign_in_attempts (key, failures) VALUES (:key, 0) ON CONFLICT DO NOTHING"
)


def key_of(email: str) -> str:
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()


def _wait(row: SignInAttempts, now: datetime) -> int:
    """Seconds before this email may try again (0 when it may try now)."""
    if row.locked_until and row.locked_until > now:
        return max(1, int((row.locked_until - now).total_seconds() + 0.999))
    if row.locked_until:  # a lock that ran out starts a fresh count
        return 0
    slow_after = current_app.config["SIGN_IN_SLOW_AFTER"]
    if row.failures >= slow_after and row.last_failed_at:
        delay = timedelta(seconds=2 ** min(row.failures - slow_after + 1, 10))
        ready = row.last_failed_at + delay
        if ready > now:
            return max(1, int((ready - now).total_seconds() + 0.999))
    return 0


def claim_try(email: str, now: datetime) -> int:
    """Count one try for this email before its password is checked.

    Returns 0 when the try may go on (it is counted as a failure until
    ``register_success``), or the seconds to wait when it may not (not counted).
    Commits, so every worker sees the count at once.
    """
    key = key_of(email)
    db.session.execute(_ENSURE_ROW, {"key": key})
    db.session.commit()
    config = current_app.config
    for _attempt in range(20):  # lost races retry; each loss means another try was counted
        row = db.session.get(SignInAttempts, key, populate_existing=True)
        wait = _wait(row, now)
        if wait:
            db.session.rollback()
            return wait
        expired = row.locked_until is not None
        failures = 1 if expired else row.failures + 1
        locked = now + timedelta(minutes=config["SIGN_IN_LOCK_MINUTES"])
        claimed = db.session.execute(
            update(SignInAttempts)
            .where(SignInAttempts.key == key, SignInAttempts.failures == row.failures)
            .where(
                SignInAttempts.locked_until.is_(None)
                if row.locked_until is None
                else SignInAttempts.locked_until == row.locked_until
            )
            .values(
                failures=failures,
                last_failed_at=now,
                locked_until=locked if failures >= config["SIGN_IN_LOCK_AFTER"] else None,
            )
            .execution_options(synchronize_session=False)
        )
        db.session.commit()
        if claimed.rowcount == 1:
            return 0
    return 1  # never reached in practice: too many concurrent tries, wait a second


def register_success(email: str) -> None:
    """The password was right: this email starts afresh (in the caller's transaction)."""
    db.session.execute(
        update(SignInAttempts)
        .where(SignInAttempts.key == key_of(email))
        .values(failures=0, last_failed_at=None, locked_until=None)
        .execution_options(synchronize_session=False)
    )


def locked_until(email: str, now: datetime) -> datetime | None:
    """When the lock on this email ends, if it is locked now (the staff list shows it)."""
    row = db.session.get(SignInAttempts, key_of(email))
    if row is not None and row.locked_until and row.locked_until > now:
        return row.locked_until
    return None
