"""The clinic's time zone: every time staff see, filter, export or are emailed is in it.

Times are stored in UTC. The zone is an admin's setting (the database, so every
instance agrees at once) or, until one is set, the deployment's
CLINIC_TIME_ZONE. A wall-clock time typed in a form (a follow-up, an
appointment) is read in the clinic's zone and stored as UTC; a day picked in a
list's filter is the clinic's day (``start_of_day`` to ``end_of_day``).
"""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

import flask_babel
from flask import current_app, g
from sqlalchemy.exc import SQLAlchemyError

from core import clinic_settings
from core.extensions import db

log = logging.getLogger(__name__)

#: Names the zone database carries that are no place a clinic is in (and that
#: Flask-Babel's pytz does not know, so a page would fail formatting a time in them).
_NOT_PLACES = frozenset({"Factory", "localtime", "posixrules"})


@cache
def zone_names() -> frozenset[str]:
    """Every IANA zone a clinic may choose ("Europe/London", "America/Toronto", "UTC")."""
    return frozenset(available_timezones() - _NOT_PLACES)


def valid_zone(name: str) -> bool:
    """A name the IANA time zone database knows ("Europe/London", "America/Toronto")."""
    return name in zone_names()


def zone_name() -> str:
    """The clinic's zone's name: the admin's setting, else CLINIC_TIME_ZONE.

    Read once per request (or command). A setting that is no zone (written by
    hand in the database, or a zone a newer database dropped) or a database
    that cannot be read gives the deployment's zone: a time is still shown,
    and the page does not fail for it.
    """
    if "clinic_zone_name" not in g:
        g.clinic_zone_name = _chosen_zone() or current_app.config["CLINIC_TIME_ZONE"]
    return g.clinic_zone_name


def _chosen_zone() -> str:
    try:
        # No autoflush: a caller's pending change that fails must fail in the caller's
        # commit, not be swallowed here as "the setting could not be read".
        with db.session.no_autoflush:
            chosen = clinic_settings.text("time_zone")
    except SQLAlchemyError:
        log.warning("could not read the clinic's time zone; using CLINIC_TIME_ZONE")
        return ""
    if chosen and not valid_zone(chosen):
        log.warning("the clinic's time zone setting %r is no zone; using CLINIC_TIME_ZONE", chosen)
        return ""
    return chosen


def forget() -> None:
    """Read the zone afresh (after an admin changed it, within the same request)."""
    g.pop("clinic_zone_name", None)
    flask_babel.refresh()  # Flask-Babel keeps its own copy for the request


def clinic_zone() -> ZoneInfo:
    try:
        return ZoneInfo(zone_name())
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def in_clinic_time(moment: datetime) -> datetime:
    """A stored (UTC) time as the clinic's clock shows it (a naive one is read as UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(clinic_zone())


def clinic_now() -> datetime:
    return datetime.now(UTC).astimezone(clinic_zone())


def today() -> date:
    """The clinic's date now (a lead at 23:30 UTC may already be tomorrow there)."""
    return clinic_now().date()


def from_clinic_clock(wall: datetime) -> datetime:
    """A date and time typed in the clinic (no zone) as the UTC moment it means.

    A time the clocks skip (spring forward: 02:30 when 02:00 becomes 03:00) is
    read in the offset before the change, so it lands just after the change
    (03:30), as zoneinfo does; a time they repeat (fall back) is the first of the two.
    A time that already carries a zone is only converted.
    """
    if wall.tzinfo is not None:
        return wall.astimezone(UTC)
    return wall.replace(tzinfo=clinic_zone(), fold=0).astimezone(UTC)


def start_of_day(day: date) -> datetime:
    """The UTC moment the clinic's day begins."""
    return from_clinic_clock(datetime.combine(day, time()))


def end_of_day(day: date) -> datetime:
    """The UTC moment the clinic's day ends (the next day's start)."""
    return start_of_day(day + timedelta(days=1))
