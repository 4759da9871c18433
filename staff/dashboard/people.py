"""The dashboard's figures per person: each member of staff's (and nobody's) leads, counted
no further than the console's other waiting counts.

A count grouped by assignee reads every lead it counts: every overdue call ever, every
open lead, so its cost grows with the leads stored. Instead each person's figure is a
count of its own over an index range (``assigned_to_id`` first, on the unmerged leads)
that stops at ``COUNT_LIMIT + 1`` (``staff.leads.service.bounded_count``): the page shows
"1,000+" past it, as the list's views do. All of them go as one statement, so a view
reads at most 1,001 index entries per person and figure, whatever the leads stored; the
people are the clinic's staff, a few dozen.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import ColumnElement, select

from core.extensions import db
from leads.models import Lead
from staff.leads import service as leads_service
from staff.models import StaffUser


def everyone() -> dict[int | None, str]:
    """Nobody (``None``, leads not assigned yet) and every member of staff, with the name
    the page shows (the email when no name is set). Accounts switched off are in too:
    their leads stay assigned to them until someone takes them over."""
    rows = db.session.execute(select(StaffUser.id, StaffUser.name, StaffUser.email))
    return {None: "", **{staff_id: name or email for staff_id, name, email in rows}}


def counts_per_person(
    people: Iterable[int | None], conditions: Sequence[ColumnElement[bool]]
) -> dict[int | None, tuple[int, ...]]:
    """For each person, how many of the unmerged leads assigned to them match each of the
    ``conditions`` (in their order), each counted no further than ``COUNT_LIMIT + 1``."""
    people = list(people)
    pairs = [(who, condition) for who in people for condition in conditions]
    columns = [
        leads_service.bounded_count_select(
            [Lead.merged_into_id.is_(None), _assigned_to(who), condition]
        )
        .scalar_subquery()
        .label(f"count_{index}")
        for index, (who, condition) in enumerate(pairs)
    ]
    if not columns:
        return {}
    row = db.session.execute(select(*columns)).one()
    size = len(conditions)
    return {who: tuple(row[n * size : (n + 1) * size]) for n, who in enumerate(people)}


def _assigned_to(who: int | None) -> ColumnElement[bool]:
    return Lead.assigned_to_id.is_(None) if who is None else Lead.assigned_to_id == who
