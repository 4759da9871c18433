"""Bookings that came back from the booking tool for no known lead, and attaching one by hand.

``/staff/leads/bookings`` lists the events kept "unmatched" (leads/bookings.py): which
tool, when it was booked for, the name and email the person gave the tool. Each has a
form: the lead's number, and "Attach", which books (moves, cancels) that lead's
appointment exactly as a matched event would, with the history note and one audit row
naming who attached it. A number that is no lead, or a merged one, is named on the page
again (422) with nothing written.
"""

from __future__ import annotations

from flask import flash, render_template
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import StringField
from wtforms.validators import InputRequired, Regexp

from core.extensions import db
from leads.models import BookingEvent, Lead
from leads.service import bookings, deliver_after_response
from staff.console.blueprint import bp
from staff.console.forms import LARGEST_ID
from staff.console.lookups import get_or_404
from staff.leads.lead_page import back_to_lead
from web.language import LocalizedForm

CHANGE_LABELS = {
    "booked": _l("Booked"),
    "moved": _l("Moved"),
    "cancelled": _l("Cancelled"),
}


class AttachForm(LocalizedForm):
    lead = StringField(
        _l("Lead number"),
        validators=[
            InputRequired(_l("Enter the number of the lead this booking is for.")),
            Regexp(r"^\s*#?\s*\d{1,10}\s*$", message=_l("Enter a lead number, such as 12.")),
        ],
    )

    def lead_number(self) -> int:
        """The number typed ("12", "#12"); 0 for one no id can have."""
        number = int(self.lead.data.strip().lstrip("#").strip())
        return number if number <= LARGEST_ID else 0


def attach_form(event_id: int, **kwargs) -> AttachForm:
    return AttachForm(prefix=f"booking-{event_id}", **kwargs)


def _page(sent: tuple[int, AttachForm] | None = None, status: int = 200):
    events = bookings.unmatched()
    forms = {event.id: attach_form(event.id, formdata=None) for event in events}
    if sent is not None:
        forms[sent[0]] = sent[1]
    return (
        render_template(
            "staff/leads/unmatched_bookings.html",
            events=events,
            forms=forms,
            failed=sent[1] if sent else None,
            tools=bookings.TOOL_NAMES,
            changes=CHANGE_LABELS,
        ),
        status,
    )


@bp.get("/leads/bookings")
def unmatched_bookings():
    """The bookings that came back for no known lead, newest first."""
    return _page()


@bp.post("/leads/bookings/<id:event_id>/attach")
def attach_booking(event_id: int):
    """Attach one to the lead the front desk names; the page again with the error if not."""
    event = get_or_404(BookingEvent, event_id, state="unmatched")
    form = attach_form(event.id)
    lead = None
    if form.validate():
        number = form.lead_number()
        lead = db.session.get(Lead, number) if number else None
        if lead is None:
            form.lead.errors.append(_("There is no lead #%(id)s.", id=form.lead.data.strip()))
        elif lead.merged_into_id is not None:
            form.lead.errors.append(
                _(
                    "Lead #%(id)d was merged into lead #%(kept)d: attach it there.",
                    id=lead.id,
                    kept=lead.merged_into_id,
                )
            )
    if lead is None or form.lead.errors:
        return _page((event.id, form), status=422)
    message_ids = bookings.attach(event, lead, by_id=current_user.id)
    flash(
        _(
            "The %(tool)s booking is attached to lead #%(id)d.",
            tool=bookings.TOOL_NAMES[event.tool],
            id=lead.id,
        )
    )
    return deliver_after_response(back_to_lead(lead.id, "appointments"), message_ids)
