"""The pipeline's figures computed once per period and data change, not on every view.

The pipeline reads every lead received in the period (about 8,000 in 30 days at a group's
100,000 a year). Its figures are stored in ``computed_figures`` (core/computed_figures.py,
as the rule book's replay) so every instance reads the same ones, under the period's days
and the clinic's zone, and computed again as soon as the data they read differs: the
leads' deletions (``core.computed_figures.deletions``), newest id, newest creation and
newest change (``updated_at`` moves with every status, contact, assignment or merge), and
the appointments' deletions, newest id and newest cancellation (a lead is booked by
either). The page says when they were computed.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import func, select

from core.clinic_time import zone_name
from core.computed_figures import deletions, figures_version, stored_figure
from leads.models import Appointment, Lead
from staff.dashboard import pipeline


def data_version() -> str:
    """What the pipeline reads, in indexed figures (see the module's docstring)."""
    return figures_version(
        deletions("leads"),
        select(func.max(Lead.id)),
        select(func.max(Lead.created_at)),
        select(func.max(Lead.updated_at)),
        deletions("appointments"),
        select(func.max(Appointment.id)),
        select(func.max(Appointment.cancelled_at)),
    )


def stored_pipeline(period: pipeline.Period) -> tuple[dict, datetime]:
    """The period's figures (received, by status, by source, first contact, weeks), and
    when they were computed."""

    def compute() -> dict:
        leads = pipeline.period_leads(period)
        contact = pipeline.first_contact(leads)
        return {
            "received": len(leads),
            "statuses": pipeline.count_by_status(leads),
            "sources": pipeline.count_by_source(leads),
            "first_contact": [
                None if contact.median is None else contact.median.total_seconds(),
                contact.contacted,
                contact.requests,
            ],
            "weeks": [
                [week.first.isoformat(), week.last.isoformat(), week.requests, week.booked]
                for week in pipeline.weekly_conversion(leads, period)
            ],
        }

    name = f"dashboard:{period.first.isoformat()}:{period.last.isoformat()}:{zone_name()}"
    value, computed_at = stored_figure(name, data_version(), compute)
    median, contacted, requests = value["first_contact"]
    return {
        "received": value["received"],
        "statuses": value["statuses"],
        "sources": value["sources"],
        "first_contact": pipeline.FirstContact(
            None if median is None else timedelta(seconds=median), contacted, requests
        ),
        "weeks": [
            pipeline.WeekConversion(date.fromisoformat(first), date.fromisoformat(last), n, booked)
            for first, last, n, booked in value["weeks"]
        ],
    }, computed_at
