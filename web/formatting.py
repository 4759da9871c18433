"""Dates, numbers and phone numbers as the chosen language writes them, for every page.

Babel's formats for the request's locale; these filters are what any page (the
staff console too) should use, so no template formats a date or number itself.
"""

from __future__ import annotations

import datetime as dt
import re

import phonenumbers
from flask import Flask
from flask_babel import format_date, format_decimal, format_time
from markupsafe import Markup


def local_date(value: dt.date | dt.datetime | None, format: str = "medium") -> str:
    """A date (or the date of a datetime) as the chosen language writes it."""
    if value is None:
        return ""
    return format_date(value, format)  # a datetime: its date in the app's time zone


def local_datetime(value: dt.datetime | None) -> str:
    """A date and time to the minute as the chosen language writes them (in the app's zone)."""
    if value is None:
        return ""
    return f"{format_date(value, 'medium')} {format_time(value, 'short')}"


def local_number(value: float | int | None, decimals: int | None = None) -> str:
    """A number with the chosen language's decimal and grouping signs."""
    if value is None:
        return ""
    if decimals is None:
        return format_decimal(value)
    return format_decimal(value, format="#,##0." + "0" * decimals if decimals else "#,##0")


_DIALLABLE = re.compile(r"[^0-9+]")


def tel_href(phone: str) -> str:
    """A ``tel:`` link target from a phone number written for people."""
    return "tel:" + _DIALLABLE.sub("", phone or "")


def phone_link(phone: str) -> Markup:
    """The number as a link that dials it on a phone, kept on one line."""
    return Markup('<a class="phone" href="{}">{}</a>').format(tel_href(phone), phone)


def phone_display(phone: str | None) -> str:
    """An E.164 number grouped for reading (``+44 20 7946 0958``); anything else as it is."""
    if not phone:
        return ""
    try:
        number = phonenumbers.parse(phone, None)
    except phonenumbers.NumberParseException:
        return phone
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def init_app(app: Flask) -> None:
    app.add_template_filter(local_date, "local_date")
    app.add_template_filter(local_datetime, "local_datetime")
    app.add_template_filter(local_number, "local_number")
    app.add_template_filter(phone_display, "phone_display")
    app.add_template_filter(phone_link, "phone_link")
