"""The lead page's panels that other pages change: its appointments, and its contact tools
(the correction link and possible duplicates).

The lead page (lead_page.py) and the views that show it again with a form's errors
(appointment_views.py) both read them from here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from flask import current_app, g, url_for
from flask_babel import gettext as _

from core.booking_tool import booking_tool_link
from core.clinic_time import clinic_now, in_clinic_time, zone_name
from leads import appointments
from leads.appointments import KIND_LABELS, is_upcoming
from leads.duplicates import possible_duplicates
from leads.models import Appointment, Lead
from staff.console.labels import STATUS_LABELS
from staff.leads.appointment_forms import LENGTH_LABELS, AppointmentForm, MoveForm
from staff.leads.navigation import list_args

#: ``g`` key: the form sent with errors, and the appointment it would have moved (None: a booking).
SENT = "appointment_form_sent"

WALL_CLOCK = "%Y-%m-%dT%H:%M"  # a datetime-local value


def _wall_clock(appointment: Appointment):
    return in_clinic_time(appointment.starts_at).replace(tzinfo=None)


def move_form(appointment: Appointment, **kwargs) -> MoveForm:
    return MoveForm(prefix=f"move-{appointment.id}", **kwargs)


def emails_told(lead: Lead) -> str:
    """Whether the person is told: "yes", "no_email" (none given) or "no_mail_server"."""
    if not current_app.config["SMTP_HOST"]:
        return "no_mail_server"
    return "yes" if lead.email else "no_email"


def told_words(emailed: bool, lead: Lead) -> str:
    """After a booking, move or cancellation: whether the person is told, or must be by you."""
    if emailed:
        return _("The person is emailed about it.")
    if emails_told(lead) == "no_email":
        return _("No email was sent: this person gave no email address. Tell them yourself.")
    return _("No email was sent: no mail server is set up. Tell the person yourself.")


def _booking_tool(lead: Lead) -> dict[str, str] | None:
    """The clinic's own booking page with this person's details in, to open, if it has one."""
    link = booking_tool_link(lead.name, lead.email, lead.phone, lead.booking_reference)
    if link is None:
        return None
    host = urlsplit(link).hostname or ""
    return {"url": link, "name": host.removeprefix("www.")}


def appointment_panel(lead: Lead) -> dict[str, Any]:
    """What templates/staff/leads/_appointment.html needs for this lead."""
    sent_for, sent = g.get(SENT, (None, None))
    upcoming = [a for a in lead.appointments if is_upcoming(a)]
    earlier = [a for a in reversed(lead.appointments) if not is_upcoming(a)]
    move_forms = {
        a.id: sent
        if sent is not None and sent_for == a.id
        else move_form(
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
        "book_form": sent
        if booking_sent
        else AppointmentForm(formdata=None, appointment_kind=appointments.kind_for(lead)),
        "move_forms": move_forms,
        "failed": sent,
        "moving": sent_for,
        "kind_labels": KIND_LABELS,
        "length_labels": LENGTH_LABELS,
        "emails": emails_told(lead),
        "reminder_hours": appointments.reminder_hours(),
        "booking_tool": _booking_tool(lead),
        "earliest": clinic_now().strftime(WALL_CLOCK),
        "zone": zone_name(),
        "keep": list_args(),
    }


@dataclass(frozen=True)
class DuplicateLink:
    """A possible duplicate as the lead page shows it."""

    lead_id: int
    created_at: datetime
    shared: str  # "same email", "same phone", "same email and phone"
    status: str
    url: str
    merge_url: str


def contact_tools(lead: Lead) -> dict[str, Any]:
    """What templates/staff/leads/_contact_tools.html needs for this lead (nothing once merged:
    the lead page's banner says where it went)."""
    if lead.merged_into_id is not None:
        return {}
    return {
        "edit_url": url_for(".edit_contact", lead_id=lead.id, **list_args()),
        "duplicates": [
            DuplicateLink(
                lead_id=found.lead_id,
                created_at=found.created_at,
                shared=_shared(found.same_email, found.same_phone),
                status=str(STATUS_LABELS.get(found.status, found.status)),
                url=lead_url(found.lead_id),
                merge_url=url_for(
                    ".confirm_merge", lead_id=lead.id, duplicate_id=found.lead_id, **list_args()
                ),
            )
            for found in possible_duplicates(lead)
        ],
    }


def _shared(email: bool, phone: bool) -> str:
    if email and phone:
        return _("same email and phone")
    return _("same email") if email else _("same phone")


def lead_url(lead_id: int) -> str:
    return url_for(".lead_detail", lead_id=lead_id, **list_args())
