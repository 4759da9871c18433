"""Bookings come back: each booking tool's signed event over HTTP, as that tool sends it.

Per tool (Cal.com, Calendly, Acuity, Jane), with the payload and signature its
documentation describes (built here from those documents, not from the app's code):
a correct signature books the lead's appointment, a wrong or missing one is refused
with 401 and nothing stored, a replay changes nothing, a reschedule moves the same
appointment, a cancellation cancels it, and an event for no known lead is kept for
the front desk. Acuity and Jane send ids only: the app reads the appointment from a
real HTTP server on loopback playing the tool's API (tests/services.py).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

import pytest
from sqlalchemy import func, select

from core.extensions import db
from leads.models import Appointment, BookingEvent, Lead
from tests.factories import make_lead
from tests.services import ToolApiServer

SECRETS = {
    "CALCOM_WEBHOOK_SECRET": "cal-webhook-secret",
    "CALENDLY_WEBHOOK_SIGNING_KEY": "calendly-signing-key",
    "ACUITY_API_KEY": "acuity-api-key",
    "JANE_WEBHOOK_SECRET": "jane-webhook-secret",
}
ACUITY_USER = "12345"
JANE_TOKEN = "jane-partner-token"


def _hmac(secret: str, message: bytes) -> bytes:
    return hmac.new(secret.encode(), message, hashlib.sha256).digest()


def _at(moment: datetime) -> datetime:
    return moment.replace(second=0, microsecond=0)


class CalCom:
    """Cal.com: JSON, ``X-Cal-Signature-256`` = hex HMAC-SHA256 of the body."""

    tool = "calcom"
    secret = SECRETS["CALCOM_WEBHOOK_SECRET"]
    content_type = "application/json"

    def __init__(self, api):
        self.api = api

    def _event(self, trigger, reference, uid, start, **extra):
        return json.dumps(
            {
                "triggerEvent": trigger,
                "createdAt": datetime.now(UTC).isoformat(),
                "payload": {
                    "type": "free-consultation",
                    "title": "Free consultation between Clinic and Ana Ruiz",
                    "uid": uid,
                    "startTime": start.strftime("%Y-%m-%dT%H:%M:%S.000Z"),
                    "endTime": (start + timedelta(minutes=45)).strftime("%Y-%m-%dT%H:%M:%SZ"),
                    "attendees": [{"name": "Ana Ruiz", "email": "ana@example.com"}],
                    "metadata": {"lead": reference} if reference else {},
                    **extra,
                },
            }
        ).encode()

    def booked(self, reference, booking, start):
        return self._event("BOOKING_CREATED", reference, booking, start)

    def moved(self, reference, booking, start):
        return [self._event("BOOKING_RESCHEDULED", reference, booking + "-2", start,
                            rescheduleUid=booking)]  # fmt: skip

    def cancelled(self, reference, booking, start):
        return self._event("BOOKING_CANCELLED", reference, booking, start)

    def sign(self, body, secret=None):
        return {"X-Cal-Signature-256": _hmac(secret or self.secret, body).hex()}


class Calendly:
    """Calendly: JSON, ``Calendly-Webhook-Signature: t=…,v1=…`` over ``t.body``."""

    tool = "calendly"
    secret = SECRETS["CALENDLY_WEBHOOK_SIGNING_KEY"]
    content_type = "application/json"

    def __init__(self, api):
        self.api = api

    def _event(self, event, reference, uri, start, **extra):
        return json.dumps(
            {
                "created_at": datetime.now(UTC).isoformat(),
                "event": event,
                "payload": {
                    "uri": uri,
                    "name": "Ana Ruiz",
                    "email": "ana@example.com",
                    "status": "active" if event == "invitee.created" else "canceled",
                    "rescheduled": False,
                    "old_invitee": None,
                    "new_invitee": None,
                    "scheduled_event": {
                        "start_time": start.strftime("%Y-%m-%dT%H:%M:%S.000000Z"),
                        "end_time": (start + timedelta(minutes=30)).strftime(
                            "%Y-%m-%dT%H:%M:%S.000000Z"
                        ),
                    },
                    "tracking": {"utm_campaign": None, "utm_source": None,
                                 "utm_content": reference or None},
                    **extra,
                },
            }
        ).encode()  # fmt: skip

    def booked(self, reference, booking, start):
        return self._event("invitee.created", reference, booking, start)

    def moved(self, reference, booking, start):
        new = booking + "-2"
        return [
            self._event("invitee.canceled", reference, booking, start, rescheduled=True,
                        new_invitee=new),
            self._event("invitee.created", reference, new, start, old_invitee=booking),
        ]  # fmt: skip

    def cancelled(self, reference, booking, start):
        return self._event("invitee.canceled", reference, booking, start)

    def sign(self, body, secret=None, at=None):
        stamp = str(int(time.time() if at is None else at))
        signature = _hmac(secret or self.secret, stamp.encode() + b"." + body).hex()
        return {"Calendly-Webhook-Signature": f"t={stamp},v1={signature}"}


class Acuity:
    """Acuity: a form (action, id, ...), ``X-Acuity-Signature`` = base64 HMAC-SHA256 with
    the API key; the appointment itself from Acuity's API (GET /appointments/<id>)."""

    tool = "acuity"
    secret = SECRETS["ACUITY_API_KEY"]
    content_type = "application/x-www-form-urlencoded"

    def __init__(self, api):
        self.api = api

    def _event(self, action, reference, booking, start, canceled=False):
        self.api.appointments[booking] = {
            "id": int(booking),
            "firstName": "Ana",
            "lastName": "Ruiz",
            "email": "ana@example.com",
            "datetime": start.strftime("%Y-%m-%dT%H:%M:%S+0000"),
            "duration": "45",
            "canceled": canceled,
            "forms": [{"id": 1, "name": "Booking", "values": [
                {"fieldID": 77, "name": "Reference", "value": reference or ""}]}],
        }  # fmt: skip
        return urlencode(
            {"action": action, "id": booking, "calendarID": "1", "appointmentTypeID": "2"}
        ).encode()

    def booked(self, reference, booking, start):
        return self._event("scheduled", reference, booking, start)

    def moved(self, reference, booking, start):
        return [self._event("rescheduled", reference, booking, start)]

    def cancelled(self, reference, booking, start):
        return self._event("canceled", reference, booking, start, canceled=True)

    def sign(self, body, secret=None):
        return {"X-Acuity-Signature": base64.b64encode(_hmac(secret or self.secret, body)).decode()}


class Jane:
    """Jane: JSON without personal data (event_id, event_topic, appointment_id),
    ``X-Jane-Signature: sha256=<hex>`` over the ``X-Jane-Timestamp`` and the body; the
    appointment from Jane's API."""

    tool = "jane"
    secret = SECRETS["JANE_WEBHOOK_SECRET"]
    content_type = "application/json"

    def __init__(self, api):
        self.api = api
        self.events = 0

    def _event(self, topic, reference, booking, start):
        self.api.appointments[booking] = {
            "appointment": {
                "id": booking,
                "start_at": start.isoformat(),
                "end_at": (start + timedelta(minutes=60)).isoformat(),
                "state": "cancelled" if topic.endswith("CANCELLED") else "booked",
                "notes": f"Booked from the clinic's check, reference {reference}",
                "patient": {"first_name": "Ana", "last_name": "Ruiz"},
            }
        }
        self.events += 1
        return json.dumps(
            {
                "event_id": f"5b0c7a8e-0000-4000-8000-{self.events:012d}",
                "event_topic": topic,
                "event_timestamp": datetime.now(UTC).isoformat(),
                "appointment_id": booking,
                "clinic_guid": 42,
                "version": 1,
            }
        ).encode()

    def booked(self, reference, booking, start):
        return self._event("APPOINTMENT_BOOKED", reference, booking, start)

    def moved(self, reference, booking, start):
        return [self._event("APPOINTMENT_RESCHEDULED", reference, booking, start)]

    def cancelled(self, reference, booking, start):
        return self._event("APPOINTMENT_CANCELLED", reference, booking, start)

    def sign(self, body, secret=None):
        stamp = str(int(time.time()))
        signature = _hmac(secret or self.secret, stamp.encode() + body).hex()
        return {"X-Jane-Signature": f"sha256={signature}", "X-Jane-Timestamp": stamp}


DRIVERS = {driver.tool: driver for driver in (CalCom, Calendly, Acuity, Jane)}
BOOKING_IDS = {"calcom": "bk-uid-1", "calendly": "https://api.calendly.com/scheduled_events/"
               "EV1/invitees/INV1", "acuity": "1001", "jane": "7d1f2c3a-jane-appt-1"}  # fmt: skip


@pytest.fixture
def tool_api():
    server = ToolApiServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def clinic(app_factory, tool_api):
    """The app listening to all four tools, Acuity's and Jane's APIs on loopback."""
    return app_factory(
        **SECRETS,
        ACUITY_USER_ID=ACUITY_USER,
        ACUITY_API_BASE_URL=tool_api.url,
        JANE_API_TOKEN=JANE_TOKEN,
        JANE_API_BASE_URL=tool_api.url,
    )


@pytest.fixture(params=list(DRIVERS))
def tool(request, tool_api):
    return DRIVERS[request.param](tool_api)


def _post(client, tool, body, headers):
    return client.post(
        f"/integrations/{tool.tool}/bookings",
        data=body,
        headers={"Content-Type": tool.content_type, **headers},
    )


def _send(client, tool, body):
    return _post(client, tool, body, tool.sign(body))


def _lead(app, **columns) -> tuple[int, str]:
    lead_id = make_lead(app, direct=True, **columns)
    with app.app_context():
        return lead_id, db.session.get(Lead, lead_id).booking_reference


def _state(app, lead_id):
    with app.app_context():
        lead = db.session.get(Lead, lead_id)
        appointments = [
            (a.starts_at, a.cancelled_at is not None, a.booking_tool, a.duration_minutes)
            for a in lead.appointments
        ]
        notes = [n.text for n in lead.notes if n.kind == "booking"]
        events = db.session.scalar(select(func.count()).select_from(BookingEvent))
        return lead.status, appointments, notes, events


START = _at(datetime.now(UTC) + timedelta(days=3))
LATER = START + timedelta(days=1, hours=2)


def test_a_signed_booking_books_the_leads_appointment_with_it_in_the_history(clinic, tool):
    lead_id, reference = _lead(clinic)
    client = clinic.test_client()
    answer = _send(client, tool, tool.booked(reference, BOOKING_IDS[tool.tool], START))
    assert answer.status_code == 200, answer.get_data(as_text=True)
    assert answer.get_json() == {"result": "applied"}
    status, appointments, notes, events = _state(clinic, lead_id)
    assert status == "booked"
    assert [(a[0], a[1], a[2]) for a in appointments] == [(START, False, tool.tool)]
    assert notes == [f"{tool.tool}:booked:{START.isoformat()}"]
    assert events == 1
    if tool.tool == "acuity":  # read back as the configured user, with the API key
        sent = tool.api.requests[-1]
        assert sent["path"] == "/api/v1/appointments/1001"
        expected = base64.b64encode(f"{ACUITY_USER}:{tool.secret}".encode()).decode()
        assert sent["headers"]["Authorization"] == f"Basic {expected}"
    if tool.tool == "jane":
        assert tool.api.requests[-1]["headers"]["Authorization"] == f"Bearer {JANE_TOKEN}"


def test_a_wrong_or_missing_signature_is_refused_and_nothing_is_stored(clinic, tool):
    lead_id, reference = _lead(clinic)
    client = clinic.test_client()
    body = tool.booked(reference, BOOKING_IDS[tool.tool], START)
    wrong = _post(client, tool, body, tool.sign(body, secret="not-the-secret"))
    missing = _post(client, tool, body, {})
    tampered = _post(client, tool, body + b" ", tool.sign(body))
    assert [wrong.status_code, missing.status_code, tampered.status_code] == [401, 401, 401]
    assert _state(clinic, lead_id) == ("new", [], [], 0)


def test_a_replayed_event_changes_nothing(clinic, tool):
    lead_id, reference = _lead(clinic)
    client = clinic.test_client()
    body = tool.booked(reference, BOOKING_IDS[tool.tool], START)
    assert _send(client, tool, body).get_json() == {"result": "applied"}
    again = _send(client, tool, body)  # signed afresh, as a tool's retry is
    assert again.status_code == 200
    assert again.get_json() == {"result": "duplicate"}
    status, appointments, notes, events = _state(clinic, lead_id)
    assert (status, len(appointments), len(notes), events) == ("booked", 1, 1, 1)


def test_a_reschedule_moves_the_same_appointment(clinic, tool):
    lead_id, reference = _lead(clinic)
    client = clinic.test_client()
    booking = BOOKING_IDS[tool.tool]
    _send(client, tool, tool.booked(reference, booking, START))
    with clinic.app_context():
        first = db.session.scalar(select(Appointment.id).where(Appointment.lead_id == lead_id))
    for body in tool.moved(reference, booking, LATER):
        assert _send(client, tool, body).status_code == 200
    status, appointments, notes, _ = _state(clinic, lead_id)
    assert status == "booked"
    assert [(a[0], a[1]) for a in appointments] == [(LATER, False)]
    with clinic.app_context():
        assert db.session.scalar(select(Appointment.id).where(Appointment.lead_id == lead_id)) == (
            first
        )
    assert notes == [
        f"{tool.tool}:booked:{START.isoformat()}",
        f"{tool.tool}:moved:{LATER.isoformat()}",
    ]


def test_a_cancellation_cancels_it_and_the_lead_is_no_longer_booked(clinic, tool):
    lead_id, reference = _lead(clinic)
    client = clinic.test_client()
    booking = BOOKING_IDS[tool.tool]
    _send(client, tool, tool.booked(reference, booking, START))
    answer = _send(client, tool, tool.cancelled(reference, booking, START))
    assert answer.get_json() == {"result": "applied"}
    status, appointments, notes, _ = _state(clinic, lead_id)
    assert status == "contacted"
    assert [(a[0], a[1]) for a in appointments] == [(START, True)]
    assert notes[-1] == f"{tool.tool}:cancelled:{START.isoformat()}"
    with clinic.app_context():
        texts = [n.text for n in db.session.get(Lead, lead_id).notes if n.kind == "status"]
    assert texts == ["new → booked", "booked → contacted"]


def test_an_event_for_no_known_lead_is_kept_for_the_front_desk(clinic, tool):
    lead_id, _ = _lead(clinic)
    client = clinic.test_client()
    unknown = "bk" + "a" * 26  # the shape of a reference, but nobody's
    answer = _send(client, tool, tool.booked(unknown, BOOKING_IDS[tool.tool], START))
    assert answer.status_code == 200
    assert answer.get_json() == {"result": "unmatched"}
    assert _state(clinic, lead_id) == ("new", [], [], 1)
    with clinic.app_context():
        kept = db.session.scalars(select(BookingEvent)).one()
        assert (kept.state, kept.tool, kept.starts_at, kept.booker_name) == (
            "unmatched",
            tool.tool,
            START,
            "Ana Ruiz",
        )


def test_a_tool_without_its_secret_is_not_there(app_factory):
    app = app_factory()  # no booking tool configured
    client = app.test_client()
    for tool in DRIVERS:
        answer = client.post(f"/integrations/{tool}/bookings", data=b"{}")
        assert answer.status_code == 404
    assert client.get("/integrations/calcom/bookings").status_code == 405
    assert client.post("/integrations/other/bookings", data=b"{}").status_code == 404


def test_a_stale_calendly_signature_is_refused(clinic, tool_api):
    lead_id, reference = _lead(clinic)
    calendly = Calendly(tool_api)
    body = calendly.booked(reference, BOOKING_IDS["calendly"], START)
    answer = _post(clinic.test_client(), calendly, body, calendly.sign(body, at=time.time() - 600))
    assert answer.status_code == 401
    assert _state(clinic, lead_id) == ("new", [], [], 0)


def test_a_tool_api_that_does_not_answer_stores_nothing_and_the_tool_retries(clinic, tool_api):
    lead_id, reference = _lead(clinic)
    acuity = Acuity(tool_api)
    body = acuity.booked(reference, "1001", START)
    tool_api.stop()
    answer = _send(clinic.test_client(), acuity, body)
    assert answer.status_code == 503
    assert _state(clinic, lead_id) == ("new", [], [], 0)


def test_a_booking_for_a_merged_duplicate_reaches_the_lead_it_was_merged_into(clinic, tool_api):
    kept_id, _ = _lead(clinic)
    _, duplicate_reference = _lead(clinic, merged_into_id=kept_id)
    cal = CalCom(tool_api)
    _send(clinic.test_client(), cal, cal.booked(duplicate_reference, "uid-merged", START))
    status, appointments, _, _ = _state(clinic, kept_id)
    assert (status, len(appointments)) == ("booked", 1)


@pytest.mark.parametrize(
    ("address", "carried"),
    [
        ("https://cal.com/clinic/consult?name={name}", "&metadata%5Blead%5D=REF"),
        ("https://calendly.com/clinic/consult?name={name}", "&utm_content=REF"),
        ("https://clinic.as.me/schedule.php?firstName={name}", "&field:77=REF"),
        ("https://clinic.janeapp.com/?name={name}", ""),  # Jane documents no prefilled field
    ],
)
def test_the_hand_off_link_carries_the_reference_and_nothing_else(app_factory, address, carried):
    app = app_factory(ACUITY_LEAD_FIELD_ID="77")
    _, reference = _lead(app, outcome="clinician_review")
    with app.test_request_context():
        from core import clinic_settings
        from core.booking_tool import booking_tool_link

        clinic_settings.set_text("booking_tool_url", address, by=None)
        link = booking_tool_link("Ana Ruiz", "ana@example.com", "", reference)
    assert link == address.replace("{name}", "Ana%20Ruiz") + carried.replace("REF", reference)


def test_a_calendly_booking_through_a_real_server_and_client(clinic, tool_api):
    """The whole way over a socket: a real WSGI server, urllib as Calendly's client, the
    host check applying (the clinic's public host name is sent, as a proxy passes it)."""
    import urllib.error
    import urllib.request

    from tests.browser.chromium import LiveServer

    lead_id, reference = _lead(clinic)
    calendly = Calendly(tool_api)
    body = calendly.booked(reference, BOOKING_IDS["calendly"], START)

    def post(headers, host="console.test"):
        request = urllib.request.Request(
            f"{server.url}/integrations/calendly/bookings",
            data=body,
            method="POST",
            headers={"Content-Type": "application/json", "Host": host, **headers},
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as refused:
            return refused.code, None

    with LiveServer(clinic) as server:
        assert post(calendly.sign(body, secret="wrong"))[0] == 401
        assert post(calendly.sign(body), host="evil.example")[0] == 400
        assert post(calendly.sign(body)) == (200, {"result": "applied"})
        assert post(calendly.sign(body)) == (200, {"result": "duplicate"})
    status, appointments, _, events = _state(clinic, lead_id)
    assert (status, [a[0] for a in appointments], events) == ("booked", [START], 1)
