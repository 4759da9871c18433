"""Each booking tool's event, read into a ``BookingNotice`` (after its signature was checked).

What each tool sends (and so what is read), as its documentation describes it:

- Cal.com: JSON ``{"triggerEvent", "createdAt", "payload": {"uid", "startTime", "endTime",
  "metadata": {"lead"}, "attendees": [{"name", "email"}], "rescheduleUid"}}`` for
  BOOKING_CREATED, BOOKING_RESCHEDULED (a new uid; ``rescheduleUid`` the old one) and
  BOOKING_CANCELLED. The event id: trigger, uid and ``createdAt``.
- Calendly: JSON ``{"event", "created_at", "payload": {"uri", "name", "email",
  "rescheduled", "old_invitee", "scheduled_event": {"start_time", "end_time"},
  "tracking": {"utm_content"}}}``; a reschedule is ``invitee.canceled`` with
  ``rescheduled: true`` (changes nothing here) then ``invitee.created`` with
  ``old_invitee``. The event id: the event and the invitee's URI.
- Acuity: a form ``action`` (scheduled, rescheduled, canceled), ``id``; the appointment
  is read from Acuity's API (``datetime``, ``duration``, ``canceled``, names, email and
  the intake form's values, where the reference is). The event id: action, id and, for
  a reschedule, the new time.
- Jane: JSON ``{"event_id", "event_topic", "appointment_id", ...}`` with no personal data;
  the appointment is read from Jane's API (``start_at``, ``end_at``, the reference where
  the clinic's booking put it). The event id: Jane's ``event_id``.

An event of another kind (Cal.com's PING, Acuity's "changed", Jane's UNCANCELLED...)
is None: answered, not stored.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs

from integrations import tool_api
from leads.service import bookings

BookingNotice = bookings.BookingNotice
find_reference = bookings.find_reference
is_booking_reference = bookings.is_booking_reference


class BadEvent(ValueError):
    """Signed, but not an event this receiver can read."""


def _json(body: bytes) -> dict[str, Any]:
    try:
        document = json.loads(body)
    except ValueError as exc:
        raise BadEvent("the body is not JSON") from exc
    if not isinstance(document, dict):
        raise BadEvent("the body is not a JSON object")
    return document


def _object(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ("" if value is None else str(value))


def _time(value: Any, what: str) -> datetime:
    try:
        moment = datetime.fromisoformat(_text(value))
    except ValueError as exc:
        raise BadEvent(f"{what} is not a time") from exc
    if moment.tzinfo is None:
        raise BadEvent(f"{what} has no time zone")
    return moment.astimezone(UTC)


def _minutes(start: datetime, end: Any) -> int | None:
    if not end:
        return None
    return int((_time(end, "the end") - start).total_seconds() // 60)


def _reference(value: Any) -> str:
    text = _text(value)
    return text if is_booking_reference(text) else ""


CALCOM_CHANGES = {
    "BOOKING_CREATED": "booked",
    "BOOKING_RESCHEDULED": "moved",
    "BOOKING_CANCELLED": "cancelled",
}


def calcom(config: Mapping[str, Any], body: bytes) -> BookingNotice | None:
    document = _json(body)
    trigger = _text(document.get("triggerEvent"))
    if trigger not in CALCOM_CHANGES:
        return None
    payload = _object(document.get("payload"))
    uid = _text(payload.get("uid"))
    if not uid:
        raise BadEvent("payload.uid is missing")
    start = _time(payload.get("startTime"), "payload.startTime")
    attendee = next((_object(a) for a in payload.get("attendees") or []), {})
    return BookingNotice(
        tool="calcom",
        event_id=f"{trigger}:{uid}:{_text(document.get('createdAt'))}",
        change=CALCOM_CHANGES[trigger],
        booking_id=uid,
        previous_booking_id=_text(payload.get("rescheduleUid")),
        starts_at=start,
        duration_minutes=_minutes(start, payload.get("endTime")),
        reference=_reference(_object(payload.get("metadata")).get("lead")),
        booker_name=_text(attendee.get("name")),
        booker_email=_text(attendee.get("email")),
    )


def calendly(config: Mapping[str, Any], body: bytes) -> BookingNotice | None:
    document = _json(body)
    event = _text(document.get("event"))
    if event not in ("invitee.created", "invitee.canceled"):
        return None
    payload = _object(document.get("payload"))
    uri = _text(payload.get("uri"))
    if not uri:
        raise BadEvent("payload.uri is missing")
    scheduled = _object(payload.get("scheduled_event"))
    start = _time(scheduled.get("start_time"), "payload.scheduled_event.start_time")
    if event == "invitee.created":
        change = "moved" if payload.get("old_invitee") else "booked"
    else:  # a reschedule's first half: the invitee.created that follows moves it
        change = "none" if payload.get("rescheduled") else "cancelled"
    return BookingNotice(
        tool="calendly",
        event_id=f"{event}:{uri}",
        change=change,
        booking_id=uri,
        previous_booking_id=_text(payload.get("old_invitee")),
        starts_at=start,
        duration_minutes=_minutes(start, scheduled.get("end_time")),
        reference=_reference(_object(payload.get("tracking")).get("utm_content")),
        booker_name=_text(payload.get("name")),
        booker_email=_text(payload.get("email")),
    )


ACUITY_CHANGES = {"scheduled": "booked", "rescheduled": "moved", "canceled": "cancelled"}


def acuity(config: Mapping[str, Any], body: bytes) -> BookingNotice | None:
    form = {key: values[0] for key, values in parse_qs(body.decode("utf-8", "replace")).items()}
    action = form.get("action", "").strip()
    if action not in ACUITY_CHANGES:
        return None
    appointment_id = form.get("id", "").strip()
    if not appointment_id.isdigit():
        raise BadEvent("id is not an appointment id")
    authorization = tool_api.basic(config["ACUITY_USER_ID"], config["ACUITY_API_KEY"])
    appointment = tool_api.get_json(config["ACUITY_API_BASE_URL"], appointment_id, authorization)
    start = _time(appointment.get("datetime"), "the appointment's datetime")
    try:
        duration = int(_text(appointment.get("duration")) or 0) or None
    except ValueError:
        duration = None
    change = ACUITY_CHANGES[action]
    moment = f":{start.isoformat()}" if change == "moved" else ""
    name = " ".join(_text(appointment.get(k)) for k in ("firstName", "lastName")).strip()
    return BookingNotice(
        tool="acuity",
        event_id=f"{action}:{appointment_id}{moment}",
        change=change,
        booking_id=appointment_id,
        starts_at=start,
        duration_minutes=duration,
        reference=find_reference(appointment.get("forms")) or find_reference(appointment),
        booker_name=name,
        booker_email=_text(appointment.get("email")),
    )


JANE_CHANGES = {
    "APPOINTMENT_BOOKED": "booked",
    "APPOINTMENT_RESCHEDULED": "moved",
    "APPOINTMENT_CANCELLED": "cancelled",
}


def jane(config: Mapping[str, Any], body: bytes) -> BookingNotice | None:
    document = _json(body)
    topic = _text(document.get("event_topic"))
    if topic not in JANE_CHANGES:
        return None
    event_id, appointment_id = (
        _text(document.get("event_id")),
        _text(document.get("appointment_id")),
    )
    if not event_id or not appointment_id:
        raise BadEvent("event_id or appointment_id is missing")
    authorization = tool_api.bearer(config["JANE_API_TOKEN"])
    fetched = tool_api.get_json(config["JANE_API_BASE_URL"], appointment_id, authorization)
    appointment = _object(fetched.get("appointment")) or fetched
    start = _time(appointment.get("start_at"), "the appointment's start_at")
    patient = _object(appointment.get("patient"))
    name = " ".join(_text(patient.get(k)) for k in ("first_name", "last_name")).strip()
    return BookingNotice(
        tool="jane",
        event_id=event_id,
        change=JANE_CHANGES[topic],
        booking_id=appointment_id,
        starts_at=start,
        duration_minutes=_minutes(start, appointment.get("end_at")),
        reference=find_reference(appointment),
        booker_name=name,
        booker_email=_text(patient.get("email")),
    )
