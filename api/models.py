"""Tokens that let another system (a CRM, a booking tool) read leads through the API.

An admin creates one in the console and sees it once; only its sha256 is stored,
with a short prefix to recognise it in lists. Each token has scopes, a life chosen
at creation (``expires_at``: 90 days unless the admin picks another, a year at most),
can be rotated (a new secret for the same token) and revoked; disabling or removing
the account that made it revokes it (staff/token_owners.py). Every use is audited
(core/audit.py).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from core.dbtypes import UTCDateTime, utcnow
from core.extensions import db

#: leads:read lists and reads leads; leads:write also changes a lead's status;
#: verdicts:write records a clinician's verdict on a lead (issue 29).
SCOPES = ("leads:read", "leads:write", "verdicts:write")

#: How long a new token lives, in days: the console's choices and its default.
LIFETIME_DAYS = (30, 90, 180, 365)
DEFAULT_LIFETIME_DAYS = 90
MAX_LIFETIME = timedelta(days=max(LIFETIME_DAYS))


class ApiToken(db.Model):
    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(120), nullable=False)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    token_prefix: Mapped[str] = mapped_column(String(16), nullable=False)
    scopes: Mapped[str] = mapped_column(String(255), nullable=False, default="")  # space-separated
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_users.id", ondelete="SET NULL"), nullable=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    #: Refused from this moment on (chosen at creation; a rotation keeps it).
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    rotated_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    @property
    def scope_set(self) -> frozenset[str]:
        return frozenset(self.scopes.split())

    @property
    def expired(self) -> bool:
        return self.expires_at <= utcnow()

    @property
    def active(self) -> bool:
        """Neither revoked nor expired: it opens the API."""
        return self.revoked_at is None and not self.expired
