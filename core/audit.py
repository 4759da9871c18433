"""The audit log: who viewed, changed, exported or deleted personal data, and when.

It lives at the bottom of the layers because every layer that touches personal
data writes to it: the console (staff), and the API its tokens read leads through.
It holds ids, the staff member's email or the API token's name, never the
person's data, so it outlives the leads it mentions.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask_login import current_user
from sqlalchemy import JSON, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from core.dbtypes import UTCDateTime, utcnow
from core.extensions import db

ACTIONS = (
    "view",
    "update",
    "note",
    "export",
    "delete",
    "purge",
    "intake",
    "sign_in",
    "sign_in_failed",
    "staff_change",
    "rules_sign_off",
    "rules_sign_off_refused",
    "rules_sign_off_withdrawn",  # a clinician withdrew a rule version's sign-off
    # Staff accounts (issue 17).
    "two_factor",  # enrolled, reset, a recovery code used, a wrong code
    "password_change",  # own change, set through a link
    "password_link",  # an admin issued a set-password link
    "settings_change",  # a clinic-wide setting
    "api_token",  # created, revoked
    "api_read",  # a lead or a list read through the API
    "api_update",  # a status changed through the API
    "data_request",  # a search for everything held about a person
    "data_export",  # that search's result downloaded
    "erase",  # everything held about a person erased
    # The front desk's working day (issue 16).
    "assign",  # a lead given to a member of staff, or unassigned
    "follow_up",  # a lead's next follow-up set or cleared
    "call",  # a call recorded (its outcome, note, status and follow-up together)
    "note_edit",  # a note corrected by its author (the earlier words stay on the lead)
    "contact_change",  # contact details corrected: which fields (old values stay on the lead)
    "merge",  # a duplicate lead merged into another
    "appointment",  # an appointment booked, moved or cancelled
    # Clinicians' verdicts (issue 29).
    "verdict",  # a verdict recorded or corrected (a missed concern's incident named)
)


class AuditEvent(db.Model):
    """One audited action, by a staff member (staff_id) or an API token (api_token_id)."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow, index=True)
    staff_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_users.id", ondelete="SET NULL"), nullable=True
    )
    staff_email: Mapped[str] = mapped_column(String(254), nullable=False, default="")
    api_token_id: Mapped[int | None] = mapped_column(
        ForeignKey("api_tokens.id", ondelete="SET NULL"), nullable=True
    )
    action: Mapped[str] = mapped_column(String(32), nullable=False)
    lead_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    detail: Mapped[str] = mapped_column(String(255), nullable=False, default="")
    # What the action was about, as data (ids, codes, field names: never a person's
    # details, which stay on the lead and go with it), so the console can write it as
    # a sentence in its own language; ``detail`` stays the plain line for the command line.
    data: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)


_CURRENT = object()


def record(
    action: str,
    *,
    lead_id: int | None = None,
    detail: str = "",
    actor: object = _CURRENT,
    api_token: object | None = None,
    data: dict[str, Any] | None = None,
) -> None:
    """Add an audit event to the caller's transaction.

    ``actor`` is the staff member (the signed-in one by default, ``None`` for the
    command line); ``api_token`` an ``ApiToken`` when a program acted with one.
    """
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    user = current_user if actor is _CURRENT else actor
    # A staff account (even a disabled one, on a refused sign-in), never the anonymous user.
    is_staff = hasattr(user, "email") and not getattr(user, "is_anonymous", True)
    staff = user if is_staff and api_token is None else None
    db.session.add(
        AuditEvent(
            staff_id=staff.id if staff else None,
            staff_email=staff.email if staff else (f"API: {api_token.name}" if api_token else ""),
            api_token_id=api_token.id if api_token is not None else None,
            action=action,
            lead_id=lead_id,
            detail=detail[:255],
            data=data,
        )
    )
