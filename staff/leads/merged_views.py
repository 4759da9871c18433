"""The console's side of "a merged lead is read-only" (leads/merged_guard.py).

Every POST to a lead's address (``/staff/leads/<id>/...``) is checked before its view
reads the form, so a form kept open in another tab, an old link or a hand-made
request cannot call, assign, book, note or give a verdict on a lead that was
merged away, and a route added later is covered without anyone remembering it.
The services check again (``refuse_if_merged``); either way the answer is a 409
page that names the lead to work on instead. Deleting (a person's data request)
and the merge's own form stay open: they have their own rules.
"""

from __future__ import annotations

from flask import render_template, request

from core.extensions import db
from leads.merged_guard import LeadMerged, refuse_if_merged
from leads.models import Lead
from staff.console.blueprint import bp

#: POSTs on a merged lead that stay allowed: erasing it, and the merge page (which refuses
#: a merged lead itself, in its own words).
STILL_ALLOWED = frozenset({"staff.delete", "staff.merge"})


@bp.before_request
def refuse_changes_to_a_merged_lead():
    """A POST that would change a merged lead is refused before anything is read or written."""
    if request.method != "POST" or request.endpoint in STILL_ALLOWED:
        return None
    lead_id = (request.view_args or {}).get("lead_id")
    if not isinstance(lead_id, int):
        return None
    lead = db.session.get(Lead, lead_id)
    if lead is not None:
        refuse_if_merged(lead)
    return None


@bp.errorhandler(LeadMerged)
def merged_lead_refused(refused: LeadMerged):
    """Nothing is kept of the refused change; the page links to the lead it went into."""
    db.session.rollback()
    return (
        render_template(
            "staff/leads/merged_refused.html", lead_id=refused.lead_id, into_id=refused.into_id
        ),
        409,
    )
