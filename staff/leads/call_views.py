"""The call list's page: "My calls", or everyone's for a lead coordinator (an admin)."""

from __future__ import annotations

from flask import redirect, render_template, request, url_for

from core.dbtypes import utcnow
from core.extensions import db
from staff.console.blueprint import bp
from staff.console.filters import page_number, past_the_last_page
from staff.console.labels import CALL_OUTCOME_LABELS, OUTCOME_LABELS, STATUS_LABELS
from staff.leads import calls
from staff.leads.list_views import per_page


@bp.get("/calls", endpoint="calls")
def calls_due():
    """Overdue and due-today follow-ups together, the oldest first."""
    who = calls.whose(request.args.get("who"))
    page = db.paginate(
        calls.due_calls(who), page=page_number(), per_page=per_page(), error_out=False
    )
    everyone = {"who": calls.EVERYONE} if who == calls.EVERYONE else {}
    last = past_the_last_page(page)
    if last is not None:
        return redirect(url_for(".calls", **everyone, page=last if last > 1 else None))
    return render_template(
        "staff/leads/calls.html",
        page=page,
        who=who,
        everyone=everyone,
        histories=calls.call_histories([lead.id for lead in page.items]),
        may_see_everyones=calls.may_see_everyones(),
        now=utcnow(),
        labels={"outcome": OUTCOME_LABELS, "status": STATUS_LABELS, "call": CALL_OUTCOME_LABELS},
    )
