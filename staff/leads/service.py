"""What other console areas may ask of the leads area: which leads are waiting for work.

The dashboard counts the work waiting with the very conditions the list's views
use (search.py reads them from here), so a count is the length of the list it links to.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, Select, and_, exists, func, select

from core import clinic_settings
from core.extensions import db
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


#: The list counts its matching leads up to this many; past it, it says "more than".
COUNT_LIMIT = 1_000


def bounded_count(conditions: list[ColumnElement[bool]]) -> int:
    """How many leads match, counted no further than ``COUNT_LIMIT + 1``: a page's cost
    does not grow with the leads stored, and "more than 1,000" says what a person needs.
    Every count of leads waiting that the console shows (the list, its views, my calls,
    the dashboard) stops here."""
    return db.session.scalar(bounded_count_select(conditions))


def bounded_count_select(conditions: list[ColumnElement[bool]]) -> Select[tuple[int]]:
    """``bounded_count``'s statement, for a page that sends several counts as one."""
    matching = select(Lead.id).where(*conditions).limit(COUNT_LIMIT + 1).subquery()
    return select(func.count()).select_from(matching)


def waiting_count(condition: ColumnElement[bool]) -> int:
    """The unmerged leads matching ``condition`` (a view of the list, the dashboard's
    waiting work), counted as ``bounded_count`` counts."""
    return bounded_count([Lead.merged_into_id.is_(None), condition])
