"""The leads list: its views, filters, search and pages."""

from __future__ import annotations

from flask import current_app, redirect, render_template, url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from core.dbtypes import utcnow
from core.extensions import db
from leads.duplicates import with_duplicates
from leads.models import Lead
from leads.service import bookings
from staff.console.blueprint import allowed_if, bp
from staff.console.filters import filter_args, filters_from_query, page_number, past_the_last_page
from staff.console.labels import OUTCOME_LABELS, SOURCE_LABELS, STATUS_LABELS
from staff.console.lead_filters import LeadFilterForm
from staff.leads import calls, search
from staff.leads.navigation import filters_in_words

#: Exporting is a permission an admin gives (admins have it).
export_allowed = allowed_if(
    "may_export",
    _l("Exporting leads needs the permission to export. Ask a clinic admin to give it to you."),
)


@bp.get("/")
@bp.get("/leads")
def leads():
    form = filters_from_query(LeadFilterForm)
    page = db.paginate(
        search.filtered_leads(form).options(selectinload(Lead.assigned_to)),
        page=page_number(),
        per_page=per_page(),
        error_out=False,
    )
    last = past_the_last_page(page)
    if last is not None:
        return redirect(url_for(".leads", **filter_args(form), page=last if last > 1 else None))
    args = filter_args(form)
    return render_template(
        "staff/leads/leads.html",
        form=form,
        page=page,
        filter_args=args,
        # A lead's link carries the list (filters and page): its page leads back to it.
        lead_args={**args, "page": page.page} if page.page > 1 else args,
        in_words=filters_in_words(form),
        counts=search.view_counts(),
        my_calls=calls.count_due(calls.MINE),
        to_match=bookings.unmatched_count(),
        untouched=search.untouched_for_hours(page.items),
        duplicated=with_duplicates(page.items),
        now=utcnow(),
        labels={"outcome": OUTCOME_LABELS, "status": STATUS_LABELS, "source": SOURCE_LABELS},
    )


def per_page() -> int:
    return current_app.config["LEADS_PER_PAGE"]
