"""Dates, numbers and phone numbers as the chosen language writes them, for every page.

Babel's formats for the request's locale; these filters are what any page (the
staff console too) should use, so no template formats a date or number itself.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable
from zoneinfo import ZoneInfo

import phonenumbers
from babel.dates import get_date_format, get_time_format, parse_pattern
from flask import Flask
from flask_babel import format_date, format_decimal, format_time, get_locale, get_timezone
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


def datetime_writer() -> Callable[[dt.datetime], str]:
    """``local_datetime`` for many times in one request (an export writes thousands).

    The language, the zone and Babel's two patterns are looked up once here, where
    ``local_datetime`` looks all four up for every time, and each day's and each minute's
    words are written once (a short time is its hour and minute only: hour, minutes and
    AM/PM in every language's pattern). The words are the same as ``local_datetime``'s
    (tests/web/test_formatting.py compares both over the year's clock changes)."""
    locale = get_locale()
    zone = get_timezone() or ZoneInfo("UTC")
    day = parse_pattern(get_date_format("medium", locale=locale))
    clock = parse_pattern(get_time_format("short", locale=locale))

    days: dict[dt.date, str] = {}
    minutes: dict[tuple[int, int], str] = {}

    def written(value: dt.datetime) -> str:
        if value.tzinfo is None:
            value = value.replace(tzinfo=dt.UTC)
        local = value.astimezone(zone)
        date = local.date()
        on = days.get(date)
        if on is None:
            on = days[date] = day.apply(date, locale)
        at = minutes.get((local.hour, local.minute))
        if at is None:
            at = minutes[local.hour, local.minute] = clock.apply(local, locale)
        return f"{on} {at}"

    return written


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
    stored = _stored_parts(phone)
    if stored is not None:
        return _international(*stored)
    try:
        number = phonenumbers.parse(phone, None)
    except phonenumbers.NumberParseException:
        return phone
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


_E164 = re.compile(r"\+[1-9][0-9]{4,14}")


def _stored_parts(phone: str) -> tuple[int, str] | None:
    """A stored number (E.164: ``+``, country code, national number) split without
    ``phonenumbers.parse``, which checks and strips what people type and was most of an
    export's time. Country codes are prefix-free, so the first known one is the one."""
    if not _E164.fullmatch(phone):
        return None
    digits = phone[1:]
    for size in (1, 2, 3):
        code = int(digits[:size])
        if code in phonenumbers.COUNTRY_CODE_TO_REGION_CODE:
            return code, digits[size:]
    return None


def _international(code: int, national: str) -> str:
    """``format_number(number, INTERNATIONAL)`` for a stored number (no extension), with
    the country's formats compiled once, where ``format_number`` looks each pattern up
    again for every number and expands its groups in Python: the same steps, the same
    first format that fits, the same groups. The national number is read as written,
    leading zeros too (Italy's), as ``parse`` reads them (tests/web/test_formatting.py
    compares both over every country's every format, and every region's examples)."""
    for leading, pattern, rule, groups in _groupings(code):
        if leading is not None and not leading.match(national):
            continue
        grouped = pattern.match(national)
        if grouped and groups is not None and grouped.end() == len(national):
            return f"+{code} {groups.format(*grouped.groups(''))}"
        if pattern.fullmatch(national):  # a shorter first match: as ``re.sub`` does it
            return f"+{code} {pattern.sub(rule, national)}"
    return f"+{code} {national}"


#: A rule that only writes groups (``\\1`` to ``\\9``) and separators, as ``str.format`` can.
_PLAIN_RULE = re.compile(r"(?:\\[1-9]|[ .-])*")
_GROUP = re.compile(r"\\([1-9])")


@functools.cache
def _groupings(code: int) -> tuple[tuple[re.Pattern | None, re.Pattern, str, str | None], ...]:
    """A country's international formats in ``format_number``'s order: the leading digits
    and pattern compiled, the rule (``\\1 \\2``), and the rule for ``str.format``
    (``{0} {1}``) when it is plain and the pattern cannot match an empty number (after
    which ``re.sub`` would write the rule once more)."""
    region = phonenumbers.region_code_for_country_code(code)
    metadata = phonenumbers.PhoneMetadata.metadata_for_region_or_calling_code(code, region)
    compiled = []
    for fmt in metadata.intl_number_format or metadata.number_format:
        leading = re.compile(fmt.leading_digits_pattern[-1]) if fmt.leading_digits_pattern else None
        pattern = re.compile(fmt.pattern)
        plain = (
            _PLAIN_RULE.fullmatch(fmt.format)
            and max(map(int, _GROUP.findall(fmt.format)), default=0) <= pattern.groups
            and pattern.match("") is None
        )
        groups = _GROUP.sub(lambda g: f"{{{int(g[1]) - 1}}}", fmt.format) if plain else None
        compiled.append((leading, pattern, fmt.format, groups))
    return tuple(compiled)


def init_app(app: Flask) -> None:
    app.add_template_filter(local_date, "local_date")
    app.add_template_filter(local_datetime, "local_datetime")
    app.add_template_filter(local_number, "local_number")
    app.add_template_filter(phone_display, "phone_display")
    app.add_template_filter(phone_link, "phone_link")
