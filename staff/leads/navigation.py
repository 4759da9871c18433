"""Moving between leads without losing the list: its filters, back, previous and next.

The list's links to a lead carry the list's filters, order and page (its key, see
``keyset``) in the query string
(``/staff/leads/12?status=new&assigned=me&after=1764756300000000.12``). On the lead's page,
``list_args()`` reads them back (through ``LeadFilterForm``, so an unknown value
is dropped, never echoed) for every link and redirect that should keep them, and
``lead_navigation()`` gives the way back to that list and the leads above and
below this one in it. Previous and next are keyset queries on the list's order
(received: created_at, id; or due: follow_up_at, id), one row each; the position ("Lead
3 of 17") and the pages are two counting queries, each stopping at ``COUNT_LIMIT`` (a
page's cost does not grow with the list). A lead that no longer matches the filters (its status just
changed) still has neighbours: the leads on either side of where it was.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import g, request, url_for
from flask_babel import gettext as _
from sqlalchemy import exists, select

from core.extensions import db
from leads.models import Lead
from staff.console.filters import filter_args, filters_from_query
from staff.console.labels import OUTCOME_LABELS
from staff.console.lead_filters import LeadFilterForm
from staff.leads import keyset
from staff.leads import service as leads_service
from staff.leads.calls import CALLS_ARG, EVERYONE, next_call, opened_from, previous_call
from staff.leads.search import list_conditions
from staff.leads.service import bounded_count
from web.formatting import local_date


@dataclass(frozen=True)
class LeadNavigation:
    back_url: str  # the list as it was left (its filters and page)
    previous_url: str | None  # the lead above this one in that list, if any
    next_url: str | None  # the lead below it
    back_label: str = ""  # "Back to leads: New, assigned to me" (the filters in words)
    position: int | None = None  # this lead's place in the list (None: not in it now)
    total: int | None = None  # how many leads the list holds, counted to ``count_limit + 1``
    count_limit: int = 0  # how far the counts went (leads_service.COUNT_LIMIT)


def list_filters() -> LeadFilterForm:
    """The list's filters this request carries (read once per request)."""
    if "lead_list_filters" not in g:
        g.lead_list_filters = filters_from_query(LeadFilterForm)
    return g.lead_list_filters


def list_args() -> dict[str, str]:
    """The list's filters this request carries, to keep on every link and redirect."""
    args = filter_args(list_filters())
    calls = opened_from()
    if calls:
        args[CALLS_ARG] = calls
    args.update(list_page())
    return args


def list_page() -> dict[str, str]:
    """The list's order and page this request carries (a key that does not read is dropped)."""
    kept = {}
    if request.args.get("sort") == keyset.DUE:
        kept["sort"] = keyset.DUE
    for name in ("after", "before"):
        key = keyset.decode(request.args.get(name))
        if key is not None:
            kept[name] = keyset.encode(*key)
            break
    return kept


def lead_navigation(lead_id: int) -> LeadNavigation:
    """Back to the list this lead was opened from, and its neighbours in that list."""
    if opened_from():
        return call_navigation(lead_id, opened_from())
    form = list_filters()
    filters = filter_args(form)
    conditions, found = list_conditions(form)
    # The lead's key in the list's order (received, or due), compared as a row value: the
    # index is walked from it (an OR of two conditions walked it from the list's end, every
    # lead at 100,000).
    sort = list_page().get("sort", keyset.RECEIVED)
    key = (db.session.scalar(select(keyset.sort_column(sort)).where(Lead.id == lead_id)), lead_id)
    newer = keyset.before_key(sort, key)
    older = keyset.after_key(sort, key)
    previous_id = db.session.scalar(
        select(Lead.id).where(*conditions, newer).order_by(*keyset.backward(sort)).limit(1)
    )
    next_id = db.session.scalar(
        select(Lead.id).where(*conditions, older).order_by(*keyset.forward(sort)).limit(1)
    )
    # Counted no further than COUNT_LIMIT + 1 (search.bounded_count): past it the page says
    # "Lead 3 of more than 1,000", and far down a long list it gives no position.
    total = bounded_count(conditions) if found is None else found
    above = bounded_count([*conditions, newer])
    listed = db.session.scalar(select(exists().where(*conditions, Lead.id == lead_id)))
    kept = {**filters, **list_page()}  # back to the page of the list it was opened from

    def lead_url(neighbour: int | None, position: int) -> str | None:
        if neighbour is None:
            return None
        return url_for("staff.lead_detail", lead_id=neighbour, **kept)

    in_words = filters_in_words(form)
    return LeadNavigation(
        back_url=url_for("staff.leads", **kept),
        previous_url=lead_url(previous_id, above),
        next_url=lead_url(next_id, above + listed + 1),
        back_label=_("Back to leads: %(filters)s", filters=in_words)
        if in_words
        else _("Back to leads"),
        position=above + 1 if listed and above < leads_service.COUNT_LIMIT else None,
        total=total,
        count_limit=leads_service.COUNT_LIMIT,
    )


def call_navigation(lead_id: int, who: str) -> LeadNavigation:
    """Back to the call list, and the calls above and below this lead in its due order."""
    due = db.session.scalar(select(Lead.follow_up_at).where(Lead.id == lead_id))
    keep = {CALLS_ARG: who}

    def lead_url(neighbour: int | None) -> str | None:
        return url_for("staff.lead_detail", lead_id=neighbour, **keep) if neighbour else None

    return LeadNavigation(
        back_url=url_for("staff.calls", who=EVERYONE if who == EVERYONE else None),
        previous_url=lead_url(previous_call(who, lead_id, due)),
        next_url=lead_url(next_call(who, lead_id, due)),
        back_label=_("Back to everyone’s calls") if who == EVERYONE else _("Back to my calls"),
    )


def filters_in_words(form: LeadFilterForm) -> str:
    """The filters in use, as a coordinator would say them: "New, assigned to me"."""
    parts: list[str] = []
    if form.status.data:
        parts.append(_label(form.status))
    assigned = form.assigned.data
    if assigned == "me":
        parts.append(_("assigned to me"))
    elif assigned == "none":
        parts.append(_("unassigned"))
    elif assigned:
        parts.append(_("assigned to %(name)s", name=_label(form.assigned)))
    follow_up = {
        "today": _("follow-up due today"),
        "overdue": _("follow-up overdue"),
        "none": _("no follow-up set"),
    }
    if form.follow_up.data:
        parts.append(follow_up[form.follow_up.data])
    if form.outcome.data:
        parts.append(str(OUTCOME_LABELS[form.outcome.data]))
    if form.date_from.data:
        parts.append(_("received from %(day)s", day=local_date(form.date_from.data)))
    if form.date_to.data:
        parts.append(_("received up to %(day)s", day=local_date(form.date_to.data)))
    if form.q.data:
        parts.append(_("matching “%(text)s”", text=form.q.data.strip()))
    return ", ".join(parts)


def _label(field) -> str:
    """The chosen option's words (the form has checked the value is one of its choices)."""
    return next(str(choice.label) for choice in field.choices if choice.value == field.data)
