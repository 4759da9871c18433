"""How soon the clinic replies to a contact request, in words of the current language.

CLINIC_REPLY_TIME is read as (number, unit) by core/config.py, so the confirmation
page and the confirmation email say the same time in every language.
"""

from __future__ import annotations

from flask import current_app
from flask_babel import gettext as _


def reply_time_words() -> str:
    """For example "within one working day" (called inside the message's locale)."""
    number, unit = current_app.config["CLINIC_REPLY_TIME"]
    if unit == "hours":
        return _("within one hour") if number == 1 else _("within %(n)d hours", n=number)
    if number == 1:
        return _("within one working day")
    return _("within %(n)d working days", n=number)
