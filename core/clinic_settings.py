"""Clinic-wide settings an admin changes in the console (not the deployment's configuration).

Kept in the database so every instance sees a change at once: whether staff must
use two-factor sign-in, whether webhooks carry a lead's contact details (flags);
the clinic's time zone, when a new lead counts as untouched, how long before an
appointment its reminder goes, the booking tool's address (text settings, each
checked by the form that sets it).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from core.dbtypes import UTCDateTime, utcnow
from core.extensions import db

#: Each setting and its value when nobody has set it.
DEFAULTS: dict[str, bool] = {
    "require_two_factor": False,
    "webhook_contact_details": False,
}


#: Each text setting and its value when nobody has set it ("" for the time zone: the
#: deployment's CLINIC_TIME_ZONE; "" for the booking tool: none, the clinic books itself).
TEXT_DEFAULTS: dict[str, str] = {
    "time_zone": "",
    "untouched_hours": "24",
    "reminder_hours": "24",
    "booking_tool_url": "",
    # The audit sample (leads/audit_sample.py): the percentage of each outcome's leads
    # drawn at random, when stored, to be offered a free clinician review.
    "audit_sample_clinician_review": "0",
    "audit_sample_see_dermatologist": "0",
    "audit_sample_not_suitable_now": "0",
    # Who is told of a missed concern: this clinician's account ("": every active clinician).
    "clinical_lead_email": "",
}


class ClinicSetting(db.Model):
    __tablename__ = "clinic_settings"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(String(255), nullable=False, default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_users.id", ondelete="SET NULL"), nullable=True
    )


def flag(key: str) -> bool:
    """The setting's value (its default until an admin sets it)."""
    if key not in DEFAULTS:
        raise KeyError(key)
    row = db.session.get(ClinicSetting, key)
    return DEFAULTS[key] if row is None else row.value == "1"


def set_flag(key: str, value: bool, *, by: int | None) -> bool:
    """Set it in the caller's transaction; True when it changed."""
    if key not in DEFAULTS:
        raise KeyError(key)
    before = flag(key)
    _store(key, "1" if value else "0", by)
    return before != value


def text(key: str) -> str:
    """A text setting's value (its default until an admin sets it)."""
    if key not in TEXT_DEFAULTS:
        raise KeyError(key)
    row = db.session.get(ClinicSetting, key)
    return TEXT_DEFAULTS[key] if row is None else row.value


def set_text(key: str, value: str, *, by: int | None) -> bool:
    """Set a text setting in the caller's transaction; True when it changed."""
    if key not in TEXT_DEFAULTS:
        raise KeyError(key)
    before = text(key)
    _store(key, value, by)
    return before != value


def _store(key: str, value: str, by: int | None) -> None:
    row = db.session.get(ClinicSetting, key)
    if row is None:
        row = ClinicSetting(key=key)
        db.session.add(row)
    row.value = value
    row.updated_at = utcnow()
    row.updated_by_id = by
