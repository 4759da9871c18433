"""Appointments on the lead page: book one, move it, cancel it; or hand off to a booking tool.

Each change is one POST and one transaction (leads/appointments.py: the
appointment, the status, one audit row and the person's emails), answered with
a 303 back to the lead page that keeps the list's filters; the emails due now
go once the answer is sent. A form sent with errors shows the lead page again
(422) with every error named in the panel and the rest of what was typed kept;
nothing is written. Cancelling asks first (a page of its own).

The panel itself (what the lead page shows of appointments) is in panels.py.
"""

from __future__ import annotations

from flask import abort, flash, g, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user

from core.extensions import db
from leads import appointments
from leads.appointments import KIND_LABELS, AppointmentRefused, is_upcoming
from leads.models import Appointment, Lead
from leads.service import deliver_after_response
from staff.console.audit import record_view
from staff.console.blueprint import bp
from staff.console.confirm import confirm_page
from staff.console.forms import ConfirmForm
from staff.console.lookups import get_or_404
from staff.leads.appointment_forms import LENGTH_LABELS, AppointmentForm, MoveForm
from staff.leads.lead_page import render_lead_page
from staff.leads.navigation import list_args
from staff.leads.panels import SENT, emails_told, move_form, told_words
from web.formatting import local_datetime

#: The lead page's top (the console's <main>, the messages first in it).
FLASH_ANCHOR = "main"


def _back(lead_id: int):
    """Back to the lead page's top, where the message says whether the person was told
    (landing on the panel would scroll that message out of view)."""
    return redirect(
        url_for(".lead_detail", lead_id=lead_id, _anchor=FLASH_ANCHOR, **list_args()), code=303
    )


def _page_again(lead: Lead, form: MoveForm, appointment_id: int | None = None):
    """The lead page, with this form and its errors in the panel (422)."""
    db.session.rollback()
    setattr(g, SENT, (appointment_id, form))
    return render_lead_page(lead, status=422)


def _has_passed(form: MoveForm) -> None:
    """The time passed between the form's check and the booking's (a minute's grace)."""
    form.appointment_at.errors.append(_("Choose a time from now on: that one has passed."))


def _told(change: appointments.AppointmentChange, lead: Lead) -> str:
    return told_words(change.emailed, lead)


@bp.post("/leads/<id:lead_id>/appointments")
def book_appointment(lead_id: int):
    lead = get_or_404(Lead, lead_id)
    form = AppointmentForm()
    if not form.validate():
        return _page_again(lead, form)
    try:
        change = appointments.book(
            lead, form.starts_at(), form.minutes(), form.appointment_kind.data, by=current_user.id
        )
    except AppointmentRefused:
        _has_passed(form)
        return _page_again(lead, form)
    appointment = db.session.get(Appointment, change.appointment_id)
    flash(
        _(
            "Appointment booked: %(kind)s on %(when)s.",
            kind=KIND_LABELS.get(appointment.kind, appointment.kind),
            when=local_datetime(appointment.starts_at),
        )
        + " "
        + _told(change, lead)
    )
    return deliver_after_response(_back(lead.id), change.message_ids)


def _still_upcoming(appointment: Appointment) -> bool:
    if is_upcoming(appointment):
        return True
    if appointment.cancelled_at is not None:
        flash(_("That appointment was cancelled already."))
    else:
        flash(_("That appointment is over: it can no longer be changed."))
    return False


@bp.post("/leads/<id:lead_id>/appointments/<id:appointment_id>/move")
def move_appointment(lead_id: int, appointment_id: int):
    appointment = get_or_404(Appointment, appointment_id, lead_id=lead_id)
    if not _still_upcoming(appointment):
        return _back(lead_id)
    form = move_form(appointment)
    if not form.validate():
        return _page_again(appointment.lead, form, appointment.id)
    try:
        change = appointments.move(
            appointment, form.starts_at(), form.minutes(), by=current_user.id
        )
    except AppointmentRefused:
        _has_passed(form)
        return _page_again(appointment.lead, form, appointment.id)
    if change is None:
        flash(_("The appointment already had that time and length: nothing changed."))
        return _back(lead_id)
    flash(
        _("Appointment moved to %(when)s.", when=local_datetime(appointment.starts_at))
        + " "
        + _told(change, appointment.lead)
    )
    return deliver_after_response(_back(lead_id), change.message_ids)


@bp.get("/leads/<id:lead_id>/appointments/<id:appointment_id>/cancel")
def confirm_cancel_appointment(lead_id: int, appointment_id: int):
    """Ask before cancelling: the panel's Cancel link only leads here."""
    appointment = get_or_404(Appointment, appointment_id, lead_id=lead_id)
    if not _still_upcoming(appointment):
        return _back(lead_id)
    record_view(lead_id)
    db.session.commit()
    when = local_datetime(appointment.starts_at)
    told = {
        "yes": _(
            "The person is emailed that it is cancelled, with a calendar file that removes it."
        ),
        "no_email": _("This person gave no email address: tell them yourself."),
        "no_mail_server": _("No mail server is set up: tell the person yourself."),
    }[emails_told(appointment.lead)]
    return confirm_page(
        title=_("Cancel the appointment of lead #%(id)d on %(when)s?", id=lead_id, when=when),
        paragraphs=[
            _(
                "%(kind)s, %(when)s, %(length)s.",
                kind=KIND_LABELS.get(appointment.kind, appointment.kind),
                when=when,
                length=LENGTH_LABELS.get(str(appointment.duration_minutes), ""),
            ),
            told,
        ],
        action=url_for(
            ".cancel_appointment", lead_id=lead_id, appointment_id=appointment.id, **list_args()
        ),
        confirm_label=_("Yes, cancel the appointment"),
        cancel_url=url_for(".lead_detail", lead_id=lead_id, _anchor="appointments", **list_args()),
    )


@bp.post("/leads/<id:lead_id>/appointments/<id:appointment_id>/cancel")
def cancel_appointment(lead_id: int, appointment_id: int):
    appointment = get_or_404(Appointment, appointment_id, lead_id=lead_id)
    if not ConfirmForm().validate():
        abort(400)
    if not _still_upcoming(appointment):
        return _back(lead_id)
    try:
        change = appointments.cancel(appointment, by=current_user.id)
    except AppointmentRefused:  # it began meanwhile
        change = None
    if change is None:  # or someone else cancelled it a moment ago
        return _back(lead_id)
    flash(_("Appointment cancelled.") + " " + _told(change, appointment.lead))
    return deliver_after_response(_back(lead_id), change.message_ids)
