"""Slowing, then locking, repeated failed sign-ins, with the state kept in the database.

After SIGN_IN_SLOW_AFTER failures a sign-in waits 2, 4, 8… seconds before the next
try is even checked; after SIGN_IN_LOCK_AFTER failures the account is locked for
SIGN_IN_LOCK_MINUTES. The state lives on the account row, so every worker agrees.
A successful sign-in clears it.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app

from staff.models import StaffUser


def wait_seconds(user: StaffUser, now: datetime) -> int:
    """Seconds before this account may try again (0 when it may try now)."""
    if user.locked_until and user.locked_until > now:
        return max(1, int((user.locked_until - now).total_seconds() + 0.999))
    slow_after = current_app.config["SIGN_IN_SLOW_AFTER"]
    if user.failed_sign_ins >= slow_after and user.last_failed_at:
        delay = timedelta(seconds=2 ** min(user.failed_sign_ins - slow_after + 1, 10))
        ready = user.last_failed_at + delay
        if ready > now:
            return max(1, int((ready - now).total_seconds() + 0.999))
    return 0


def register_failure(user: StaffUser, now: datetime) -> None:
    if user.locked_until and user.locked_until <= now:
        user.failed_sign_ins = 0  # a lock that ran out starts a fresh count
        user.locked_until = None
    user.failed_sign_ins += 1
    user.last_failed_at = now
    if user.failed_sign_ins >= current_app.config["SIGN_IN_LOCK_AFTER"]:
        user.locked_until = now + timedelta(minutes=current_app.config["SIGN_IN_LOCK_MINUTES"])


def register_success(user: StaffUser, now: datetime) -> None:
    user.failed_sign_ins = 0
    user.last_failed_at = None
    user.locked_until = None
    user.last_sign_in_at = now
