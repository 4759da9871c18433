"""Console sessions kept on the server: signing out, a new password or a disabled
account ends them everywhere, and a copied cookie is then worth nothing.

Flask's session is a signed cookie that lives as long as its signature: clearing
it in one browser left a copy taken earlier valid. Here the cookie carries a
random token, and the session is a row (``StaffSession``, stored by the token's
sha256) that signing out deletes. A session also ends after
STAFF_SESSION_MINUTES without use, and STAFF_SESSION_MAX_HOURS after sign-in
whatever its use.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from flask import current_app, session
from sqlalchemy import delete

from core.dbtypes import utcnow
from core.extensions import db
from staff.models import StaffSession, StaffUser

TOKEN_KEY = "staff_session"  # noqa: S105 - the name of a session key, not a secret
#: How often a session's last use is written (not on every request).
TOUCH_EVERY = timedelta(seconds=60)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start(user: StaffUser) -> None:
    """A new session for this user, in the caller's transaction; its token goes in the cookie."""
    token = secrets.token_urlsafe(32)
    now = utcnow()
    db.session.add(StaffSession(id=_digest(token), staff_id=user.id, created_at=now,
                                last_seen_at=now))  # fmt: skip
    session[TOKEN_KEY] = token


def _expired(row: StaffSession, now: datetime) -> bool:
    idle = timedelta(seconds=current_app.permanent_session_lifetime.total_seconds())
    longest = timedelta(hours=current_app.config["STAFF_SESSION_MAX_HOURS"])
    return row.last_seen_at + idle < now or row.created_at + longest < now


def current(user: StaffUser) -> StaffSession | None:
    """This request's session when it is live and belongs to ``user``, else None."""
    token = session.get(TOKEN_KEY)
    if not isinstance(token, str):
        return None
    row = db.session.get(StaffSession, _digest(token))
    if row is None or row.staff_id != user.id:
        return None
    if _expired(row, utcnow()):
        db.session.delete(row)
        db.session.commit()
        return None
    return row


def touch(row: StaffSession) -> None:
    """Note the session's use, at most once a minute (its idle time starts again)."""
    now = utcnow()
    if now - row.last_seen_at >= TOUCH_EVERY:
        row.last_seen_at = now
        db.session.commit()


def end_this() -> None:
    """Sign-out: this browser's session is deleted (in the caller's transaction)."""
    token = session.get(TOKEN_KEY)
    if isinstance(token, str):
        db.session.execute(delete(StaffSession).where(StaffSession.id == _digest(token)))


def end_all(user: StaffUser) -> None:
    """A new password, a disabled or removed account: every session of it ends."""
    db.session.execute(delete(StaffSession).where(StaffSession.staff_id == user.id))
