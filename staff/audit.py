"""The audit log: who viewed, changed, exported or deleted personal data, and when."""

from __future__ import annotations

from flask_login import current_user

from core.extensions import db
from staff.models import AuditEvent, StaffUser

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
)

_CURRENT = object()


def record(
    action: str, *, lead_id: int | None = None, detail: str = "", actor: object = _CURRENT
) -> None:
    """Add an audit event to the caller's transaction (``actor=None`` for the command line)."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    user = current_user if actor is _CURRENT else actor
    staff = user if isinstance(user, StaffUser) else None
    db.session.add(
        AuditEvent(
            staff_id=staff.id if staff else None,
            staff_email=staff.email if staff else "",
            action=action,
            lead_id=lead_id,
            detail=detail[:255],
        )
    )
