"""The dashboard: anonymous counts of the questionnaire's use, as SVG charts and tables."""

from __future__ import annotations

from datetime import date, timedelta

from flask import render_template, request
from flask_babel import gettext as _

from core import counters
from core.dbtypes import utcnow
from questionnaire.service import flow as questionnaire_flow
from staff.blueprint import bp
from staff.charts import daily_columns, horizontal_bars
from staff.forms import OUTCOME_LABELS
from web.formatting import local_date

MAX_DAYS = 366


def _period() -> tuple[date, date]:
    today = utcnow().date()
    days = request.args.get("days", 30, type=int)
    days = min(max(days, 1), MAX_DAYS)
    return today - timedelta(days=days - 1), today


@bp.get("/dashboard")
def dashboard():
    start, end = _period()
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
    daily = {
        event: counters.by_day(event, start, end) for event in ("started", "completed", "lead")
    }
    days = [start + timedelta(days=n) for n in range((end - start).days + 1)]
    table = [(day, *(daily[event].get(day, 0) for event in daily)) for day in days]
    return render_template(
        "staff/dashboard.html",
        start=start,
        end=end,
        funnel=funnel,
        outcomes=outcomes,
        table=table,
        funnel_chart=horizontal_bars(_("From start to contact request"), funnel),
        outcome_chart=horizontal_bars(
            _("Completed questionnaires by outcome"), [(o[0], o[1]) for o in outcomes]
        ),
        daily_chart=daily_columns(
            _("Completed questionnaires per day"),
            [(local_date(day), daily["completed"].get(day, 0)) for day in days],
        ),
        lead_chart=daily_columns(
            _("Contact requests per day"),
            [(local_date(day), daily["lead"].get(day, 0)) for day in days],
        ),
    )
