"""The call list's page: "My calls", or everyone's for a lead coordinator (an admin)."""

from __future__ import annotations

from flask import redirect, render_template, request, url_for

from core.dbtypes import utcnow
from staff.console.blueprint import bp
from staff.console.labels import CALL_OUTCOME_LABELS, OUTCOME_LABELS, STATUS_LABELS
from staff.leads import calls, keyset
from staff.leads import service as leads_service
from staff.leads.list_views import per_page


@bp.get("/calls", endpoint="calls")
def calls_due():
    """Overdue and due-today follow-ups together, the oldest first."""
    who = calls.whose(request.args.get("who"))
    after = keyset.decode(request.args.get("after"))
    before = None if after else keyset.decode(request.args.get("before"))
    # By key, in due order (the list's own: the soonest follow-up first, then the id).
    page = keyset.page_of(
        calls.due_conditions(who), keyset.DUE, after=after, before=before, per_page=per_page()
    )
    everyone = {"who": calls.EVERYONE} if who == calls.EVERYONE else {}
    if not page.items and page.asked:  # the list shrank below this key: its first page
        return redirect(url_for(".calls", **everyone))
    return render_template(
        "staff/leads/calls.html",
        page=page,
        total=calls.count_due(who),
        count_limit=leads_service.COUNT_LIMIT,
        who=who,
        everyone=everyone,
        histories=calls.call_histories([lead.id for lead in page.items]),
        may_see_everyones=calls.may_see_everyones(),
        now=utcnow(),
        labels={"outcome": OUTCOME_LABELS, "status": STATUS_LABELS, "call": CALL_OUTCOME_LABELS},
    )
