"""The calendar file (.ics) of an appointment, attached to the person's emails about it.

One VEVENT with a UID that stays the same for the appointment's whole life
("appointment-<id>@<this site's host>"), so a calendar that imported the
confirmation replaces it when a move arrives (a higher SEQUENCE) and removes it
when the cancellation arrives (METHOD:CANCEL, STATUS:CANCELLED). Times are in
UTC; calendars show them in the reader's own zone.

It names only the clinic, the kind of visit and how to reach the clinic: no
answers, no reasons, nothing the person typed. Words are in the language in
force (the person's, as leads/notify.py sets it).
"""

from __future__ import annotations

from datetime import timedelta
from email.utils import parseaddr
from urllib.parse import urlsplit

from flask import current_app
from flask_babel import gettext as _
from icalendar import Calendar, Event, vCalAddress, vText

from core.dbtypes import utcnow
from leads.appointment_messages import KIND_LABELS
from leads.models import Appointment

PRODUCT_ID = "-//Acne scar screening//Appointments//EN"


def uid_of(appointment: Appointment) -> str:
    host = urlsplit(current_app.config["PUBLIC_BASE_URL"]).hostname or "screening.invalid"
    return f"appointment-{appointment.id}@{host}"


def summary_of(appointment: Appointment) -> str:
    kind = str(KIND_LABELS.get(appointment.kind, appointment.kind))
    return _("%(kind)s at %(clinic)s", kind=kind, clinic=current_app.config["CLINIC_NAME"])


def calendar_file(appointment: Appointment, *, sequence: int, cancelled: bool = False) -> bytes:
    """The .ics of this version of the appointment: PUBLISH it, or CANCEL it."""
    config = current_app.config
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("method", "CANCEL" if cancelled else "PUBLISH")

    event = Event()
    event.add("uid", uid_of(appointment))
    event.add("dtstamp", utcnow())
    event.add("sequence", sequence)
    event.add("dtstart", appointment.starts_at)
    event.add("dtend", appointment.starts_at + timedelta(minutes=appointment.duration_minutes))
    event.add("summary", summary_of(appointment))
    event.add("location", config["CLINIC_NAME"])
    event.add(
        "description",
        _("To change or cancel it, call us on %(phone)s.", phone=config["CLINIC_PHONE"])
        + "\n"
        + config["CLINIC_URL"],
    )
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    event.add("transp", "OPAQUE")
    organizer = vCalAddress(f"mailto:{parseaddr(config['MAIL_FROM'])[1]}")
    organizer.params["cn"] = vText(config["CLINIC_NAME"])
    event.add("organizer", organizer)
    calendar.add_component(event)
    return calendar.to_ical()
