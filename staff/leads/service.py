"""What other console areas may ask of the leads area: which leads are waiting for work.

The dashboard counts the work waiting with the very conditions the list's views
use (search.py reads them from here), so a count is the length of the list it links to.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, and_, exists

from core import clinic_settings
from leads.models import Lead, LeadNote

DEFAULT_UNTOUCHED_HOURS = 24


def overdue(now: datetime) -> ColumnElement[bool]:
    return Lead.follow_up_at < now


def untouched_hours() -> int:
    """The clinic's setting: how long a new lead may wait before it stands out."""
    try:
        hours = int(clinic_settings.text("untouched_hours"))
    except ValueError:
        return DEFAULT_UNTOUCHED_HOURS
    return hours if hours >= 0 else DEFAULT_UNTOUCHED_HOURS


def untouched(now: datetime) -> ColumnElement[bool]:
    """Still new, older than the setting, and nobody has called, written a note or moved it."""
    return and_(
        Lead.status == "new",
        Lead.created_at < now - timedelta(hours=untouched_hours()),
        Lead.status_changed_at.is_(None),
        Lead.first_contacted_at.is_(None),
        ~exists().where(LeadNote.lead_id == Lead.id),
    )
