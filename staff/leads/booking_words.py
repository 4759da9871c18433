"""How a booking note (a booking that came back from the booking tool) reads in a lead's history."""

from __future__ import annotations

from flask_babel import gettext as _

from leads.models import LeadNote
from leads.service import bookings
from web.formatting import local_datetime


def booking_words(note: LeadNote) -> str:
    """ "Booked through Cal.com for 10 Dec 2026, 09:00", in the console's language and the
    clinic's time zone."""
    tool, change, when = bookings.describe_note(note.text)
    at = local_datetime(when) if when else ""
    if change == "moved":
        return _("Moved through %(tool)s to %(when)s", tool=tool, when=at)
    if change == "cancelled":
        return _("Cancelled through %(tool)s (it was for %(when)s)", tool=tool, when=at)
    return _("Booked through %(tool)s for %(when)s", tool=tool, when=at)
