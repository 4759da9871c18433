"""Staff accounts, their signed-in sessions, failed sign-ins, and the audit log of
personal-data access."""

from __future__ import annotations

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from core.dbtypes import UTCDateTime, utcnow
from core.extensions import db

#: staff: the front desk (leads, intake, dashboard); clinician: also reads the rule book and
#: signs rule versions off; admin: also manages accounts and reads the audit log and the rule
#: book, but signs nothing (a sign-off is a clinical act).
ROLES = ("staff", "clinician", "admin")


class StaffUser(UserMixin, db.Model):
    __tablename__ = "staff_users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True, nullable=False)
    name: Mapped[str] = mapped_column(String(120), nullable=False, default="")
    password_hash: Mapped[str] = mapped_column(String(255), nullable=False, default="")
    role: Mapped[str] = mapped_column(String(16), nullable=False, default="staff")
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    last_sign_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # Changes when the password changes, so old sessions stop working.
    session_version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    @property
    def is_active(self) -> bool:  # Flask-Login refuses disabled accounts
        return self.active

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    @property
    def is_clinician(self) -> bool:
        return self.role == "clinician"

    @property
    def may_read_rules(self) -> bool:
        return self.role in ("clinician", "admin")

    @property
    def display_name(self) -> str:
        return self.name or self.email

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"


class StaffSession(db.Model):
    """One signed-in console session; the browser's cookie holds only its random token.

    Stored by the token's sha256, so the table alone cannot sign anyone in. Signing
    out deletes the row: a copy of the cookie taken before then signs in nobody.
    """

    __tablename__ = "staff_sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # sha256 hex of the token
    staff_id: Mapped[int] = mapped_column(
        ForeignKey("staff_users.id", ondelete="CASCADE"), nullable=False, index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)


class SignInAttempts(db.Model):
    """Failed sign-ins per email typed, whether or not an account has it.

    Keyed by the sha256 of the email as typed (trimmed, lower-case), so an unknown
    email is slowed and locked exactly like a real one and the answer never tells
    them apart; the typed email itself is not stored.
    """

    __tablename__ = "sign_in_attempts"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    last_failed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class AuditEvent(db.Model):
    """Who viewed, changed, exported or deleted personal data, and when.

    Holds ids and the staff member's email, never the person's data, so it
    outlives the leads it mentions.
    """

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow, index=True)
    staff_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_users.id", ondelete="SET NULL"), nullable=True
    )
    staff_email: Mapped[str] = mapped_column(String(254), nullable=False, default="")
    action: Mapped[str] = mapped_column(String(32), nullable=False)
    lead_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    detail: Mapped[str] = mapped_column(String(255), nullable=False, default="")
