"""The lead's timeline: its history, newest first, as the coordinator reads it first.

Notes, calls, status changes, and every booking, move and cancellation (made in the
console, "appointment" notes; or through the clinic's booking tool, "booking" notes)
are one list. The newest few are shown at once, the rest folded, so the timeline
stays short near the call form; a note being corrected is always in view.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _

from leads import appointments
from leads.appointments import KIND_LABELS
from leads.models import Lead, LeadNote
from staff.leads.booking_words import booking_words
from web.formatting import local_datetime

#: How many entries show before "Earlier": about a morning's work on one lead.
SHOWN_AT_ONCE = 6


@dataclass(frozen=True)
class Timeline:
    recent: list[LeadNote]  # newest first
    earlier: list[LeadNote]  # older, folded
    open_earlier: bool  # a note being corrected is among the earlier ones


def appointment_words(note: LeadNote) -> str:
    """ "Booked: Medical review on 10 Dec 2026, 09:00", in the console's language and the
    clinic's time zone."""
    change, kind, when = appointments.describe_note(note.text)
    what = str(KIND_LABELS.get(kind, kind))
    at = local_datetime(when) if when else ""
    if change == "moved":
        return _("Moved: %(kind)s, now on %(when)s", kind=what, when=at)
    if change == "cancelled":
        return _("Cancelled: %(kind)s on %(when)s", kind=what, when=at)
    return _("Booked: %(kind)s on %(when)s", kind=what, when=at)


def event_words(note: LeadNote) -> str | None:
    """A booking's words (console or booking tool), or None for a note shown as written."""
    if note.kind == appointments.NOTE_KIND:
        return appointment_words(note)
    if note.kind == "booking":
        return booking_words(note)
    return None


def timeline(lead: Lead, editing: LeadNote | None = None) -> Timeline:
    newest_first = list(reversed(lead.notes))
    recent, earlier = newest_first[:SHOWN_AT_ONCE], newest_first[SHOWN_AT_ONCE:]
    return Timeline(recent, earlier, editing is not None and editing in earlier)
