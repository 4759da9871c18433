"""Today's work for the dashboard: the appointments of the clinic's day and the calls due,
per person.

"Today" is the clinic's day (``core.clinic_time``: from its midnight to the next, in
its zone), whatever the server's or the browser's zone. A call is a lead's next
follow-up, as on the call list (staff/leads/calls.py): overdue when its time has passed,
due later today when it falls before the clinic's day ends. An appointment counts when
it starts within the clinic's day and was not cancelled; it belongs to whoever works on
its lead (the assignee). Merged duplicates are left out.

Three queries, whatever the number of leads: two count in SQL, grouped by assignee, over
an indexed range (``appointments.starts_at``; the partial index on unmerged leads'
``follow_up_at``), and one reads the names of those with work today; so the part costs
the same at 100,000 leads as at 100 (the rows read are today's, not the table's).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import case, func, select

from core.clinic_time import end_of_day, in_clinic_time, start_of_day
from core.extensions import db
from leads.models import Appointment, Lead
from staff.models import StaffUser


@dataclass(frozen=True)
class PersonToday:
    """One person's day (``staff_id`` None: leads nobody works on yet)."""

    staff_id: int | None
    name: str
    appointments: int = 0
    overdue: int = 0
    due_later: int = 0


@dataclass(frozen=True)
class Today:
    day: date  # the clinic's date
    people: list[PersonToday]

    @property
    def appointments(self) -> int:
        return sum(person.appointments for person in self.people)

    @property
    def overdue(self) -> int:
        return sum(person.overdue for person in self.people)

    @property
    def due_later(self) -> int:
        return sum(person.due_later for person in self.people)


def today_figures(now: datetime) -> Today:
    """The clinic's day around ``now`` (a UTC moment): appointments and calls, per person."""
    day = in_clinic_time(now).date()
    starts, ends = start_of_day(day), end_of_day(day)
    appointments = db.session.execute(
        select(Lead.assigned_to_id, func.count())
        .select_from(Appointment)
        .join(Lead, Lead.id == Appointment.lead_id)
        .where(
            Appointment.starts_at >= starts,
            Appointment.starts_at < ends,
            Appointment.cancelled_at.is_(None),
            Lead.merged_into_id.is_(None),
        )
        .group_by(Lead.assigned_to_id)
    ).all()
    passed = Lead.follow_up_at < now
    calls = db.session.execute(
        select(
            Lead.assigned_to_id,
            func.sum(case((passed, 1), else_=0)),
            func.sum(case((passed, 0), else_=1)),
        )
        .where(
            Lead.merged_into_id.is_(None),
            Lead.follow_up_at.is_not(None),
            Lead.follow_up_at < ends,
        )
        .group_by(Lead.assigned_to_id)
    ).all()
    counts: dict[int | None, dict[str, int]] = {}
    for who, count in appointments:
        counts.setdefault(who, {})["appointments"] = count
    for who, overdue, later in calls:
        counts.setdefault(who, {}).update(overdue=int(overdue or 0), due_later=int(later or 0))
    names = _names(who for who in counts if who is not None)
    people = [
        PersonToday(who, names.get(who, "") if who is not None else "", **figures)
        for who, figures in counts.items()
    ]
    people.sort(key=lambda person: (person.staff_id is not None, person.name.casefold()))
    return Today(day, people)


def _names(ids: Iterable[int]) -> dict[int, str]:
    """The names of the people with work today (one query; a clinic has a few dozen)."""
    wanted = list(ids)
    if not wanted:
        return {}
    rows = db.session.execute(
        select(StaffUser.id, StaffUser.name, StaffUser.email).where(StaffUser.id.in_(wanted))
    )
    return {staff_id: name or email for staff_id, name, email in rows}
