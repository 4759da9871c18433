"""The pipeline's numbers for the dashboard: what became of a period's leads, and the work waiting.

Read from the leads themselves, not the anonymous counters: how many arrived, by
status and by source; how long the first contact took; how many of each week's
requests are booked; and, whatever the period, the work waiting now (new leads
nobody has touched, follow-ups past due, open leads by who works on them), each
counted no further than the list's counts go (1,000, then "1,000+").

Days and weeks are the clinic's (``core.clinic_time``): a lead received at 00:30
in Madrid belongs to that Madrid day. Weeks start on Monday. A duplicate merged
into another lead is left out: it is the same person's request, counted once.
The arithmetic is Python over one query's rows, so SQLite and PostgreSQL agree
without either's date functions; a year of a clinic's leads is a few thousand rows.
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import exists, select

from core.clinic_time import clinic_now, end_of_day, in_clinic_time, start_of_day
from core.dbtypes import utcnow
from core.extensions import db
from leads.models import STATUSES, Appointment, Lead
from staff.dashboard import people
from staff.leads import service as leads_service

#: Where a request came from through the website (the site or an embed), as the web funnel counts.
WEB_SOURCES = ("site", "embed")
PHONE_INTAKE = "staff_intake"
#: Statuses still being worked, counted per assignee.
OPEN_STATUSES = ("new", "contacted")


@dataclass(frozen=True)
class Period:
    """The clinic days from ``first`` to ``last``, both included."""

    first: date
    last: date

    @property
    def starts(self) -> datetime:
        return start_of_day(self.first)

    @property
    def ends(self) -> datetime:
        """The moment after the period (the next clinic day's start)."""
        return end_of_day(self.last)

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1


def last_days(days: int) -> Period:
    """The last ``days`` clinic days, today included."""
    today = clinic_now().date()
    return Period(today - timedelta(days=days - 1), today)


@dataclass(frozen=True)
class PeriodLead:
    """What the pipeline needs of one lead (no personal details)."""

    created_at: datetime
    status: str
    source: str
    first_contacted_at: datetime | None
    booked: bool  # booked now, or with an appointment that is not cancelled


def period_leads(period: Period) -> list[PeriodLead]:
    """The leads received in the period (merged duplicates left out), oldest first."""
    has_appointment = (
        exists()
        .where(Appointment.lead_id == Lead.id, Appointment.cancelled_at.is_(None))
        .correlate(Lead)
    )
    rows = db.session.execute(
        select(
            Lead.created_at,
            Lead.status,
            Lead.source,
            Lead.first_contacted_at,
            has_appointment.label("has_appointment"),
        )
        .where(
            Lead.created_at >= period.starts,
            Lead.created_at < period.ends,
            Lead.merged_into_id.is_(None),
        )
        .order_by(Lead.created_at)
    )
    return [
        PeriodLead(created, status, source, contacted, status == "booked" or bool(appointment))
        for created, status, source, contacted, appointment in rows
    ]


def count_by_status(leads: Iterable[PeriodLead]) -> dict[str, int]:
    """Every status, in the pipeline's order, with how many of the leads have it (0 too)."""
    counted = Counter(lead.status for lead in leads)
    return {status: counted[status] for status in STATUSES}


def count_by_source(leads: Iterable[PeriodLead]) -> dict[str, int]:
    """Website, embed and phone intake, with how many of the leads came that way (0 too)."""
    counted = Counter(lead.source for lead in leads)
    return {source: counted[source] for source in (*WEB_SOURCES, PHONE_INTAKE)}


@dataclass(frozen=True)
class FirstContact:
    median: timedelta | None  # None when no web request of the period was contacted yet
    contacted: int  # web requests contacted
    requests: int  # web requests received


def first_contact(leads: Sequence[PeriodLead]) -> FirstContact:
    """The median time from a web request to its first contact, over those contacted.

    Phone intake is left out: a lead made during the call is contacted as it is
    made, and its zero would make the clinic look quicker than it answers the web.
    """
    web = [lead for lead in leads if lead.source in WEB_SOURCES]
    waits = [
        max(lead.first_contacted_at - lead.created_at, timedelta())
        for lead in web
        if lead.first_contacted_at is not None
    ]
    return FirstContact(statistics.median(waits) if waits else None, len(waits), len(web))


@dataclass(frozen=True)
class WeekConversion:
    """One clinic week (Monday first), cut to the period at its ends."""

    first: date
    last: date
    requests: int
    booked: int

    @property
    def rate(self) -> float | None:
        """Booked out of the week's requests; None for a week without any."""
        return self.booked / self.requests if self.requests else None


def weekly_conversion(leads: Iterable[PeriodLead], period: Period) -> list[WeekConversion]:
    """Each week of the period: the requests received, and how many of them are booked now."""
    requests: Counter[date] = Counter()
    booked: Counter[date] = Counter()
    for lead in leads:
        week = _monday(in_clinic_time(lead.created_at).date())
        requests[week] += 1
        booked[week] += lead.booked
    weeks = []
    monday = _monday(period.first)
    while monday <= period.last:
        weeks.append(
            WeekConversion(
                first=max(monday, period.first),
                last=min(monday + timedelta(days=6), period.last),
                requests=requests[monday],
                booked=booked[monday],
            )
        )
        monday += timedelta(days=7)
    return weeks


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


# --- the work waiting now ----------------------------------------------------------


def untouched_count() -> int:
    """New leads older than the clinic's setting with no call, note or status change yet.

    The list's own condition (``staff.leads.service``, which staff.leads.search uses
    too), so the number is the length of the list its link opens.
    """
    return leads_service.waiting_count(leads_service.untouched(utcnow()))


def overdue_count() -> int:
    """Leads whose next follow-up time has passed: the list's "overdue" view."""
    return leads_service.waiting_count(leads_service.overdue(utcnow()))


@dataclass(frozen=True)
class AssigneeLoad:
    """The open leads one member of staff (or nobody) is working on."""

    staff_id: int | None  # None: nobody yet
    name: str
    new: int
    contacted: int


def open_by_assignee() -> list[AssigneeLoad]:
    """New and contacted leads per assignee, each counted no further than ``COUNT_LIMIT + 1``
    (``staff.dashboard.people``: one index range per person and status, not every open
    lead): the unassigned first, then by name; nobody without either is listed."""
    names = people.everyone()
    counts = people.counts_per_person(names, [Lead.status == status for status in OPEN_STATUSES])
    loads = [
        AssigneeLoad(who, name, *counts[who]) for who, name in names.items() if any(counts[who])
    ]
    return sorted(loads, key=lambda load: (load.staff_id is not None, load.name.casefold()))
