"""The leads list: its views, filters, search and pages (by key: ``staff.leads.keyset``)."""

from __future__ import annotations

from flask import current_app, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from core.dbtypes import utcnow
from leads.duplicates import with_duplicates
from leads.service import bookings
from staff.console.blueprint import allowed_if, bp
from staff.console.filters import filter_args, filters_from_query
from staff.console.labels import OUTCOME_LABELS, SOURCE_LABELS, STATUS_LABELS
from staff.console.lead_filters import LeadFilterForm
from staff.leads import calls, keyset, search
from staff.leads import service as leads_service
from staff.leads.navigation import filters_in_words
from web.formatting import local_number

#: Exporting is a permission an admin gives (admins have it).
export_allowed = allowed_if(
    "may_export",
    _l("Exporting leads needs the permission to export. Ask a clinic admin to give it to you."),
)


@bp.get("/")
@bp.get("/leads")
def leads():
    form = filters_from_query(LeadFilterForm)
    sort = list_sort()
    after = keyset.decode(request.args.get("after"))
    before = None if after else keyset.decode(request.args.get("before"))
    conditions, found = search.list_conditions(form)
    page = keyset.page_of(conditions, sort, after=after, before=before, per_page=per_page())
    filters = filter_args(form)
    args = {**filters, "sort": sort} if sort != keyset.RECEIVED else filters
    if not page.items and page.asked:  # the list shrank below this key: its first page
        return redirect(url_for(".leads", **args))
    return render_template(
        "staff/leads/leads.html",
        form=form,
        page=page,
        sort=sort,
        filter_args=args,  # the filters and the order, for the pages' links
        export_args=filters,  # the filters alone (an export is always newest first)
        # A lead's link carries the list (filters, order and page): its page leads back to it.
        lead_args={**args, **page.asked},
        in_words=filters_in_words(form),
        matching=leads_service.bounded_count(conditions) if found is None else found,
        count_limit=leads_service.COUNT_LIMIT,
        counts=search.view_counts(),
        my_calls=calls.count_due(calls.MINE),
        to_match=bookings.unmatched_count(),
        untouched=search.untouched_for_hours(page.items),
        duplicated=with_duplicates(page.items),
        now=utcnow(),
        labels={"outcome": OUTCOME_LABELS, "status": STATUS_LABELS, "source": SOURCE_LABELS},
    )


def list_sort() -> str:
    """``?sort=due``: the soonest follow-up first; anything else: newest first."""
    return keyset.DUE if request.args.get("sort") == keyset.DUE else keyset.RECEIVED


def per_page() -> int:
    return current_app.config["LEADS_PER_PAGE"]


@bp.app_template_filter("counted")
def counted(number: int) -> str:
    """A count of leads that stopped at ``COUNT_LIMIT + 1`` (``leads_service.bounded_count``)
    in words: "1,000+" past the limit, else the number as the language writes it."""
    if number > leads_service.COUNT_LIMIT:
        return _("%(num)s+", num=local_number(leads_service.COUNT_LIMIT))
    return local_number(number)
