"""The call list: the calls due now, in the order they fell due, for one person or everyone.

A coordinator's morning starts here: every lead whose follow-up is overdue or due
before the clinic's day ends, the oldest overdue first (``follow_up_at``, then
``id``), with how many calls were already made and the last one. A lead opened
from the list carries ``calls=mine`` (or ``everyone``) in its links, so after a
call "save and next" opens the next call in the same order. SQL only, the same on
SQLite and PostgreSQL; served by the partial index on unmerged leads' follow-ups.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import request
from flask_login import current_user
from sqlalchemy import ColumnElement, Select, func, select, tuple_

from core.clinic_time import end_of_day, today
from core.extensions import db
from leads.models import Lead, LeadNote
from staff.leads.service import bounded_count

#: The query argument a lead's links carry when it was opened from the call list.
CALLS_ARG = "calls"
MINE, EVERYONE = "mine", "everyone"

#: The list's order: the oldest follow-up first; the lead number breaks ties.
ORDER = (Lead.follow_up_at.asc(), Lead.id.asc())


def may_see_everyones() -> bool:
    """Everyone's calls is the lead coordinator's view (an admin, in this console)."""
    return bool(current_user.is_authenticated and current_user.is_admin)


def whose(value: str | None) -> str:
    """The call list asked for: ``everyone`` for those who may see it, else ``mine``."""
    return EVERYONE if value == EVERYONE and may_see_everyones() else MINE


def opened_from() -> str | None:
    """The call list this request's lead was opened from (``mine``/``everyone``), if any."""
    value = request.args.get(CALLS_ARG)
    return whose(value) if value in (MINE, EVERYONE) else None


def due_conditions(who: str) -> list[ColumnElement[bool]]:
    """Unmerged leads with a follow-up before the clinic's day ends (overdue or due today)."""
    conditions: list[ColumnElement[bool]] = [
        Lead.merged_into_id.is_(None),
        Lead.follow_up_at.is_not(None),
        Lead.follow_up_at < end_of_day(today()),
    ]
    if who != EVERYONE:
        conditions.append(Lead.assigned_to_id == current_user.id)
    return conditions


def due_calls(who: str) -> Select:
    """The call list's leads, in due order."""
    return select(Lead).where(*due_conditions(who)).order_by(*ORDER)


@dataclass(frozen=True)
class CallHistory:
    """What the list shows of a lead's calls so far."""

    attempts: int
    last_at: datetime | None
    last_outcome: str | None


def call_histories(lead_ids: list[int]) -> dict[int, CallHistory]:
    """Each lead's number of calls and its last call (two queries, whatever the page size)."""
    if not lead_ids:
        return {}
    calls = LeadNote.kind == "call"
    counted = db.session.execute(
        select(LeadNote.lead_id, func.count(), func.max(LeadNote.id))
        .where(calls, LeadNote.lead_id.in_(lead_ids))
        .group_by(LeadNote.lead_id)
    ).all()
    last_ids = [last_id for _, _, last_id in counted]
    lasts = (
        {
            note_id: (created, outcome)
            for note_id, created, outcome in db.session.execute(
                select(LeadNote.id, LeadNote.created_at, LeadNote.call_outcome).where(
                    LeadNote.id.in_(last_ids)
                )
            )
        }
        if last_ids
        else {}
    )
    return {
        lead_id: CallHistory(count, *lasts.get(last_id, (None, None)))
        for lead_id, count, last_id in counted
    }


def next_call(who: str, after_lead: int, after_due: datetime | None) -> int | None:
    """The call after this one in the list (by the due time it had), else the first left.

    A lead just called usually leaves the list (its follow-up moved on); the next
    call is the one below where it stood, so a call skipped above is not offered again
    before the list's end.
    """
    conditions = [*due_conditions(who), Lead.id != after_lead]
    if after_due is not None:
        # A row value, so the index is walked from that call on (an OR of two conditions
        # walked it from the list's first call).
        below = tuple_(Lead.follow_up_at, Lead.id) > tuple_(after_due, after_lead)
        found = db.session.scalar(
            select(Lead.id).where(*conditions, below).order_by(*ORDER).limit(1)
        )
        if found is not None:
            return found
    return db.session.scalar(select(Lead.id).where(*conditions).order_by(*ORDER).limit(1))


def previous_call(who: str, lead_id: int, due: datetime | None) -> int | None:
    """The call above this one in the list, if this lead is in it."""
    if due is None:
        return None
    above = tuple_(Lead.follow_up_at, Lead.id) < tuple_(due, lead_id)
    return db.session.scalar(
        select(Lead.id)
        .where(*due_conditions(who), above)
        .order_by(Lead.follow_up_at.desc(), Lead.id.desc())
        .limit(1)
    )


def count_due(who: str) -> int:
    """How many calls are due, counted no further than ``COUNT_LIMIT + 1`` ("1,000+")."""
    return bounded_count(due_conditions(who))
