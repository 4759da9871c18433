"""The dashboard: the pipeline of a period's leads, the work waiting, and the web funnel.

Three parts, each a table with its chart drawn on the server (SVG, no script):
the work waiting now (untouched, overdue, per assignee) and today's (per person), its
counts of leads linked to the list that shows those leads and, like the list's,
counted no further than 1,000 ("1,000+"; a total over such a count says "N+"), so the
page costs the same whatever the leads stored; the pipeline of the leads received in
the period (``staff.dashboard.pipeline``: by status and source, time to first contact,
weekly conversion to booked); and the anonymous funnel of the website's questionnaire
(``core.counters``, which survive every purge), without the calls staff took.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from flask import render_template, request, url_for
from flask_babel import format_percent, ngettext
from flask_babel import gettext as _

from core import counters
from core.clinic_time import zone_name
from core.dbtypes import utcnow
from questionnaire.service import flow as questionnaire_flow
from staff.console.blueprint import bp
from staff.console.labels import OUTCOME_LABELS, SOURCE_LABELS, STATUS_LABELS
from staff.dashboard import pipeline, stored, today
from staff.dashboard.charts import Column, daily_columns, horizontal_bars, percent_columns
from staff.leads import service as leads_service
from web.formatting import local_date, local_number

MAX_DAYS = 366
PERIODS = (7, 30, 90, 365)


def _days() -> int:
    days = request.args.get("days", 30, type=int)
    return min(max(days, 1), MAX_DAYS)


@bp.get("/dashboard")
def dashboard():
    period = pipeline.last_days(_days())
    return render_template(
        "staff/dashboard/dashboard.html",
        period=period,
        periods=PERIODS,
        **_waiting(),
        **_today(),
        **_pipeline(period),
        **_web_funnel(period.days),
    )


def _list_url(**filters: str) -> str:
    return url_for("staff.leads", **filters)


def _waiting() -> dict:
    """The work waiting now, whatever the period: each count links to its view of the list."""
    return {
        "untouched": pipeline.untouched_count(),
        "untouched_hours": leads_service.untouched_hours(),
        "untouched_url": _list_url(status="untouched"),
        "overdue": pipeline.overdue_count(),
        "overdue_url": _list_url(follow_up="overdue"),
        "assignees": [_assignee_row(load) for load in pipeline.open_by_assignee()],
    }


def _today() -> dict:
    """Today's appointments and calls, in total and per person; overdue calls link to the
    list of exactly those leads."""
    figures = today.today_figures(utcnow())
    rows = []
    for person in figures.people:
        who = "none" if person.staff_id is None else str(person.staff_id)
        name = person.name if person.staff_id is not None else _("Unassigned")
        rows.append((name, person, _list_url(assigned=who, follow_up="overdue")))
    return {
        "today": figures,
        "today_overdue": _total(person.overdue for person in figures.people),
        "today_due_later": _total(person.due_later for person in figures.people),
        "today_rows": rows,
        "calls_url": url_for("staff.calls"),
        "today_zone": zone_name(),
    }


def _total(counts: Iterable[int]) -> str:
    """A sum of per-person counts that each stop at ``COUNT_LIMIT + 1`` (shown "1,000+"):
    the number when none stopped, else "N+", each stopped one taken as ``COUNT_LIMIT``
    (the true total is more than N)."""
    counts = list(counts)
    limit = leads_service.COUNT_LIMIT
    if all(count <= limit for count in counts):
        return local_number(sum(counts))
    return _("%(num)s+", num=local_number(sum(min(count, limit) for count in counts)))


def _assignee_row(load: pipeline.AssigneeLoad) -> tuple[str, tuple[int, str], tuple[int, str]]:
    """Who, then their new and contacted leads, each with the list's link to them."""
    who = "none" if load.staff_id is None else str(load.staff_id)
    return (
        load.name if load.staff_id is not None else _("Unassigned"),
        (load.new, _list_url(assigned=who, status="new")),
        (load.contacted, _list_url(assigned=who, status="contacted")),
    )


def _pipeline(period: pipeline.Period) -> dict:
    """The leads received in the period: by status and source, first contact, conversion."""
    figures, computed_at = stored.stored_pipeline(period)
    days = {"date_from": period.first.isoformat(), "date_to": period.last.isoformat()}
    statuses = [
        (STATUS_LABELS[status], count, _list_url(status=status, **days))
        for status, count in figures["statuses"].items()
    ]
    weeks = figures["weeks"]
    week_rows = [(_week_words(week.first, week.last), week) for week in weeks]
    return {
        "pipeline_computed_at": computed_at,
        "received": figures["received"],
        "received_url": _list_url(**days),
        "statuses": statuses,
        "status_chart": horizontal_bars(
            _("Leads received by status now"), [(str(label), n) for label, n, _url in statuses]
        ),
        "sources": [(SOURCE_LABELS[source], count) for source, count in figures["sources"].items()],
        "first_contact": figures["first_contact"],
        "wait_words": wait_words,
        "weeks": week_rows,
        "percent": format_percent,
        "zone": zone_name(),
        "conversion_chart": percent_columns(
            _("Requests booked, by week received"),
            [
                Column(
                    local_date(week.first, "short"), week.rate or 0, f"{words}: {rate_words(week)}"
                )
                for words, week in week_rows
            ],
        ),
    }


def _week_words(first: date, last: date) -> str:
    if first == last:
        return local_date(first)
    return _("%(first)s to %(last)s", first=local_date(first), last=local_date(last))


def rate_words(week: pipeline.WeekConversion) -> str:
    """ "40% (2 of 5)", or "no requests" for a week without any."""
    if week.rate is None:
        return _("no requests")
    return _(
        "%(rate)s (%(booked)s of %(requests)s)",
        rate=format_percent(week.rate),
        booked=local_number(week.booked),
        requests=local_number(week.requests),
    )


def wait_words(wait: timedelta) -> str:
    """A wait as a coordinator says it: "35 minutes", "3 hours 5 minutes", "2 days 4 hours"."""
    minutes = int(wait.total_seconds() // 60)
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    parts = []
    if days:
        parts.append(ngettext("%(num)d day", "%(num)d days", days))
    if hours:
        parts.append(ngettext("%(num)d hour", "%(num)d hours", hours))
    if minutes and not days:
        parts.append(ngettext("%(num)d minute", "%(num)d minutes", minutes))
    return " ".join(parts) or _("less than a minute")


def _web_funnel(days: int) -> dict:
    """The website's anonymous funnel (site and embed); calls staff took count apart.

    The counters are kept by UTC day, so the funnel's period is the last ``days``
    UTC days (a clinic west of UTC would otherwise miss its evening's counts).
    """
    end = utcnow().date()
    start = end - timedelta(days=days - 1)
    totals = counters.totals(start, end)

    def total(event: str, detail: str | None = None) -> int:
        return sum(v for (e, d), v in totals.items() if e == event and detail in (None, d))

    flow = questionnaire_flow()
    funnel = [
        (_("Started"), total("started")),
        *((_("Reached: %(step)s", step=step.title), total("step", step.id)) for step in flow.steps),
        (_("Completed"), total("completed")),
        (_("Asked to be contacted"), total("lead")),
    ]
    outcomes = [
        (str(label), total("completed", key), total("lead", key))
        for key, label in OUTCOME_LABELS.items()
    ]
    completed = counters.by_day("completed", start, end)
    requested = counters.by_day("lead", start, end)
    days = [start + timedelta(days=n) for n in range((end - start).days + 1)]
    started = counters.by_day("started", start, end)
    per_day = {
        day: (started.get(day, 0), completed.get(day, 0), requested.get(day, 0)) for day in days
    }
    return {
        "funnel_start": start,
        "funnel_end": end,
        "funnel": funnel,
        "outcomes": outcomes,
        "table": [(day, *per_day[day]) for day in days],
        "funnel_chart": horizontal_bars(_("From start to contact request"), funnel),
        "outcome_chart": horizontal_bars(
            _("Completed questionnaires by outcome"), [(o[0], o[1]) for o in outcomes]
        ),
        "daily_chart": daily_columns(
            _("Completed questionnaires per day"),
            [(local_date(day), per_day[day][1]) for day in days],
        ),
        "lead_chart": daily_columns(
            _("Contact requests per day"), [(local_date(day), per_day[day][2]) for day in days]
        ),
    }
