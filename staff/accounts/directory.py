"""Finding an account by the email someone types."""

from __future__ import annotations

from sqlalchemy import func, select

from core.extensions import db
from staff.models import StaffUser


def find_staff(email: str) -> StaffUser | None:
    """The account with this email, whatever its casing or surrounding spaces."""
    return db.session.scalar(
        select(StaffUser).where(func.lower(StaffUser.email) == email.strip().lower())
    )
