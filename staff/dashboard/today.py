"""Today's work for the dashboard: the appointments of the clinic's day and the calls due,
per person.

"Today" is the clinic's day (``core.clinic_time``: from its midnight to the next, in
its zone), whatever the server's or the browser's zone. A call is a lead's next
follow-up, as on the call list (staff/leads/calls.py): overdue when its time has passed,
due later today when it falls before the clinic's day ends. An appointment counts when
it starts within the clinic's day and was not cancelled; it belongs to whoever works on
its lead (the assignee). Merged duplicates are left out.

Three queries, whatever the number of leads: today's appointments counted in SQL,
grouped by assignee, over an indexed range (``appointments.starts_at``); the staff's
names; and each person's calls overdue and due later today, counted no further than
``COUNT_LIMIT + 1`` (``staff.dashboard.people``: the page says "1,000+" past it, as the
list's overdue view does), each an index range on the unmerged leads' (assignee,
follow-up time), all in one statement. A count grouped by assignee would read every
overdue call ever: its cost grew with the leads stored (76 ms at 100,000 on PostgreSQL).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import and_, func, select

from core.clinic_time import end_of_day, in_clinic_time, start_of_day
from core.extensions import db
from leads.models import Appointment, Lead
from staff.dashboard.people import counts_per_person, everyone
from staff.leads import service as leads_service


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
    """The day's figures per person, and their sums. A person's calls stop at
    ``COUNT_LIMIT + 1``, so once one has, a sum of calls is only a floor (the page
    says "N+", ``staff.dashboard.views``)."""

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
    appointments = dict(
        db.session.execute(
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
    )
    later = and_(Lead.follow_up_at >= now, Lead.follow_up_at < ends)
    names = everyone()
    calls = counts_per_person(names, [leads_service.overdue(now), later])
    people = [
        PersonToday(who, name, appointments.get(who, 0), *calls[who])
        for who, name in names.items()
        if appointments.get(who) or any(calls[who])
    ]
    people.sort(key=lambda person: (person.staff_id is not None, person.name.casefold()))
    return Today(day, people)
