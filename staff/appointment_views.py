"""Appointments on the lead page: book one, move it, cancel it; or hand off to a booking tool.

Each change is one POST and one transaction (leads/appointments.py: the
appointment, the status, one audit row and the person's emails), answered with
a 303 back to the lead page that keeps the list's filters; the emails due now
go once the answer is sent. A form sent with errors shows the lead page again
(422) with every error named in the panel and the rest of what was typed kept;
nothing is written. Cancelling asks first (a page of its own).

The lead page (staff/leads_views.py) imports ``appointment_panel`` from here, so
this module reaches that page through the app's routes, never by importing it.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import abort, current_app, flash, g, make_response, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from core.booking_tool import booking_tool_link
from core.clinic_time import clinic_now, in_clinic_time, zone_name
from core.extensions import db
from leads import appointments
from leads.appointments import KIND_LABELS, AppointmentRefused, is_upcoming
from leads.models import Appointment, Lead
from leads.service import deliver_after_response
from staff.appointment_forms import LENGTH_LABELS, AppointmentForm, MoveForm
from staff.audit import record_view
from staff.blueprint import bp
from staff.forms import ConfirmForm
from staff.lead_navigation import list_args
from web.formatting import local_datetime

#: ``g`` key: the form sent with errors, and the appointment it would have moved (None: a booking).
SENT = "appointment_form_sent"

WALL_CLOCK = "%Y-%m-%dT%H:%M"  # a datetime-local value


def _wall_clock(appointment: Appointment):
    return in_clinic_time(appointment.starts_at).replace(tzinfo=None)


def _move_form(appointment: Appointment, **kwargs) -> MoveForm:
    return MoveForm(prefix=f"move-{appointment.id}", **kwargs)


def _emails(lead: Lead) -> str:
    """Whether the person is told: "yes", "no_email" (none given) or "no_mail_server"."""
    if not current_app.config["SMTP_HOST"]:
        return "no_mail_server"
    return "yes" if lead.email else "no_email"


def _booking_tool(lead: Lead) -> dict[str, str] | None:
    """The clinic's own booking page with this person's details in, to open, if it has one."""
    link = booking_tool_link(lead.name, lead.email, lead.phone)
    if link is None:
        return None
    host = urlsplit(link).hostname or ""
    return {"url": link, "name": host.removeprefix("www.")}


def appointment_panel(lead: Lead) -> dict[str, Any]:
    """What templates/staff/_appointment.html needs for this lead."""
    sent_for, sent = g.get(SENT, (None, None))
    upcoming = [a for a in lead.appointments if is_upcoming(a)]
    earlier = [a for a in reversed(lead.appointments) if not is_upcoming(a)]
    move_forms = {
        a.id: sent
        if sent is not None and sent_for == a.id
        else _move_form(
            a,
            formdata=None,
            appointment_at=_wall_clock(a),
            appointment_length=str(a.duration_minutes),
        )
        for a in upcoming
    }
    booking_sent = sent is not None and sent_for is None
    return {
        "upcoming": upcoming,
        "earlier": earlier,
        "book_form": sent if booking_sent else AppointmentForm(formdata=None),
        "move_forms": move_forms,
        "failed": sent,
        "moving": sent_for,
        "kind_labels": KIND_LABELS,
        "length_labels": LENGTH_LABELS,
        "emails": _emails(lead),
        "reminder_hours": appointments.reminder_hours(),
        "booking_tool": _booking_tool(lead),
        "earliest": clinic_now().strftime(WALL_CLOCK),
        "zone": zone_name(),
        "keep": list_args(),
    }


def _lead_or_404(lead_id: int) -> Lead:
    lead = db.session.get(Lead, lead_id)
    if lead is None:
        abort(404)
    return lead


def _appointment_or_404(lead_id: int, appointment_id: int) -> Appointment:
    appointment = db.session.get(Appointment, appointment_id)
    if appointment is None or appointment.lead_id != lead_id:
        abort(404)
    return appointment


def _back(lead_id: int):
    return redirect(
        url_for(".lead_detail", lead_id=lead_id, _anchor="appointments", **list_args()), code=303
    )


def _page_again(lead_id: int, form: MoveForm, appointment_id: int | None = None):
    """The lead page, with this form and its errors in the panel (422)."""
    db.session.rollback()
    setattr(g, SENT, (appointment_id, form))
    response = make_response(current_app.view_functions["staff.lead_detail"](lead_id=lead_id))
    response.status_code = 422
    return response


def _has_passed(form: MoveForm) -> None:
    """The time passed between the form's check and the booking's (a minute's grace)."""
    form.appointment_at.errors.append(_("Choose a time from now on: that one has passed."))


def _told(change: appointments.AppointmentChange, lead: Lead) -> str:
    if change.emailed:
        return _("The person is emailed about it.")
    if _emails(lead) == "no_email":
        return _("No email was sent: this person gave no email address. Tell them yourself.")
    return _("No email was sent: no mail server is set up. Tell the person yourself.")


@bp.post("/leads/<id:lead_id>/appointments")
def book_appointment(lead_id: int):
    lead = _lead_or_404(lead_id)
    form = AppointmentForm()
    if not form.validate():
        return _page_again(lead.id, form)
    try:
        change = appointments.book(
            lead, form.starts_at(), form.minutes(), form.appointment_kind.data, by=current_user.id
        )
    except AppointmentRefused:
        _has_passed(form)
        return _page_again(lead.id, form)
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
    appointment = _appointment_or_404(lead_id, appointment_id)
    if not _still_upcoming(appointment):
        return _back(lead_id)
    form = _move_form(appointment)
    if not form.validate():
        return _page_again(lead_id, form, appointment.id)
    try:
        change = appointments.move(appointment, form.starts_at(), form.minutes())
    except AppointmentRefused:
        _has_passed(form)
        return _page_again(lead_id, form, appointment.id)
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
    appointment = _appointment_or_404(lead_id, appointment_id)
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
    }[_emails(appointment.lead)]
    return render_template(
        "staff/confirm.html",
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
    appointment = _appointment_or_404(lead_id, appointment_id)
    if not ConfirmForm().validate():
        abort(400)
    if not _still_upcoming(appointment):
        return _back(lead_id)
    try:
        change = appointments.cancel(appointment)
    except AppointmentRefused:  # it began meanwhile
        change = None
    if change is None:  # or someone else cancelled it a moment ago
        return _back(lead_id)
    flash(_("Appointment cancelled.") + " " + _told(change, appointment.lead))
    return deliver_after_response(_back(lead_id), change.message_ids)
