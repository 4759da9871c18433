"""Staff accounts, their signed-in sessions, second factors and failed sign-ins.

(The audit log's table lives in core/audit.py: the API writes to it too.)"""

from __future__ import annotations

from datetime import datetime

from flask import has_request_context
from flask_login import UserMixin, current_user
from sqlalchemy import BigInteger, Boolean, ForeignKey, Integer, String, event, false, inspect
from sqlalchemy.orm import Mapped, Session, mapped_column

from core.audit import record
from core.dbtypes import UTCDateTime, utcnow
from core.extensions import db

#: staff: the front desk (leads, intake, dashboard; shown as "Front desk"); clinician: also
#: reads the rule book and signs rule versions off; admin: also manages accounts, settings
#: and API tokens, reads the audit log and the rule book, but signs nothing (a sign-off is
#: a clinical act). Exporting and deleting leads are permissions of their own
#: (``can_export``, ``can_delete``), granted per person by an admin; admins have both.
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
    # Set when an admin chose the password: the person must choose their own at sign-in.
    must_change_password: Mapped[bool] = mapped_column(
        Boolean, nullable=False, default=False, server_default=false()
    )
    password_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # Counts the set-password links made for this account: each link carries the count it
    # was made at (in its fingerprint), so a new link ends every earlier one.
    password_link_serial: Mapped[int] = mapped_column(
        Integer, nullable=False, default=0, server_default="0"
    )
    # The language of the emails this person gets (a set-password link): the console's
    # language at their last sign-in, or the adding admin's until then; "" the default.
    lang: Mapped[str] = mapped_column(String(16), nullable=False, default="", server_default="")
    # Permissions beyond the role (admins have both whatever these say).
    can_export: Mapped[bool] = mapped_column(
        Boolean, nullable=False, default=False, server_default=false()
    )
    can_delete: Mapped[bool] = mapped_column(
        Boolean, nullable=False, default=False, server_default=false()
    )
    # Two-factor sign-in (RFC 6238 time-based codes): the base32 secret, set at enrolment
    # and in force once a first code confirmed it; the last time step a code was accepted
    # for, so no code is accepted twice.
    totp_secret: Mapped[str | None] = mapped_column(String(64), nullable=True)
    totp_confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    totp_last_step: Mapped[int | None] = mapped_column(BigInteger, nullable=True)

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
    def may_export(self) -> bool:
        return self.is_admin or self.can_export

    @property
    def may_delete(self) -> bool:
        return self.is_admin or self.can_delete

    @property
    def has_two_factor(self) -> bool:
        return self.totp_confirmed_at is not None

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


class RecoveryCode(db.Model):
    """A one-use code that signs in when the authenticator is lost; stored by its sha256."""

    __tablename__ = "staff_recovery_codes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    staff_id: Mapped[int] = mapped_column(
        ForeignKey("staff_users.id", ondelete="CASCADE"), nullable=False, index=True
    )
    code_hash: Mapped[str] = mapped_column(String(64), nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


# The audit log's table moved down to core (the API writes to it too); its old home still names it.
from core.audit import AuditEvent  # noqa: E402,F401

# --- An account that goes takes its API tokens with it -----------------------------------
#
# Disabling or removing a staff account revokes every API token it created, whichever
# page or command does it (the staff list, the account's edit page, `flask staff`): the
# check runs on the session's flush, so no path can forget it. Each revocation is in the
# audit log ("api_token"), by whoever made the change (nobody, on the command line).


def _account_gone(session: Session, person: StaffUser) -> bool:
    if person in session.deleted:
        return True
    history = inspect(person).attrs.active.history
    return not person.active and bool(history.deleted) and any(history.deleted)


@event.listens_for(Session, "before_flush")
def _revoke_tokens_of_gone_accounts(session: Session, _context, _instances) -> None:
    gone = [
        obj
        for obj in (*session.dirty, *session.deleted)
        if isinstance(obj, StaffUser) and obj.id is not None and _account_gone(session, obj)
    ]
    if not gone:
        return
    from api.tokens import revoke_created_by

    actor = current_user if has_request_context() else None
    with session.no_autoflush:
        for person in gone:
            how = "removed" if person in session.deleted else "disabled"
            for token in revoke_created_by(person.id):
                record(
                    "api_token",
                    detail=f"revoked {token.token_prefix}… “{token.name}”: "
                    f"its maker {person.email} was {how}",
                    actor=actor if getattr(actor, "is_authenticated", False) else None,
                )
