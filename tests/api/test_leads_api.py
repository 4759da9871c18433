"""The leads API as another system uses it: a bearer token, filters, cursor pages, one lead,
a status change; and every refusal a stranger, a revoked or a read-only token meets."""

from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update

from api.models import ApiToken
from core.audit import AuditEvent
from core.extensions import db
from leads.models import Appointment, Lead, LeadNote, OutboxMessage
from tests.api_token_support import bearer, make_token
from tests.factories import make_lead, make_staff, post_form, sign_in, staff_client

SECRET = "webhook-test-secret"


def audit(app, action: str) -> list[AuditEvent]:
    with app.app_context():
        rows = db.session.scalars(select(AuditEvent).where(AuditEvent.action == action))
        return [row for row in rows]


def test_no_token_a_strangers_token_or_a_revoked_one_is_refused(db_app):
    lead_id = make_lead(db_app)
    secret = make_token(db_app)
    client = db_app.test_client()
    assert client.get(f"/api/v1/leads/{lead_id}", headers=bearer(secret)).status_code == 200

    stranger = "sk_" + "A" * 43  # the shape of a token, issued by nobody
    for headers in ({}, bearer(stranger), {"Authorization": f"Basic {secret}"}):
        for url in ("/api/v1/leads", f"/api/v1/leads/{lead_id}"):
            response = client.get(url, headers=headers)
            assert response.status_code == 401, (headers, url)
            assert response.headers["WWW-Authenticate"].startswith("Bearer")
            assert response.get_json()["errors"][0]["message"]
            assert "Zoë" not in response.get_data(as_text=True)

    with db_app.app_context():
        token = db.session.scalar(select(ApiToken))
        token.revoked_at = datetime.now(UTC)
        db.session.commit()
    response = client.get(f"/api/v1/leads/{lead_id}", headers=bearer(secret))
    assert response.status_code == 401
    assert 'error="invalid_token"' in response.headers["WWW-Authenticate"]


def test_a_console_session_is_no_api_credential(db_app):
    """An admin's browser, signed in to the console, still cannot read leads from the API."""
    make_lead(db_app)
    client = staff_client(db_app, "admin@clinic.test", role="admin")
    assert client.get("/staff/leads").status_code == 200
    assert client.get("/api/v1/leads").status_code == 401


def test_a_read_only_token_cannot_change_a_status(db_app):
    lead_id = make_lead(db_app)
    secret = make_token(db_app, "leads:read")
    response = db_app.test_client().post(
        f"/api/v1/leads/{lead_id}/status", json={"status": "booked"}, headers=bearer(secret)
    )
    assert response.status_code == 403
    assert 'scope="leads:write"' in response.headers["WWW-Authenticate"]
    with db_app.app_context():
        assert db.session.get(Lead, lead_id).status == "new"
        assert db.session.scalar(select(LeadNote)) is None
    # And a write-only token reads nothing.
    writer = make_token(db_app, "leads:write", name="Booking tool")
    client = db_app.test_client()
    assert client.get(f"/api/v1/leads/{lead_id}", headers=bearer(writer)).status_code == 403
    assert client.get("/api/v1/leads", headers=bearer(writer)).status_code == 403


def test_the_list_filters_by_status_outcome_source_and_time(db_app):
    old = datetime(2025, 1, 1, 9, 0, tzinfo=UTC)
    first = make_lead(db_app, name="Old Site", created_at=old)
    review = make_lead(
        db_app,
        name="Review Embed",
        message="Evenings are hard.",
        outcome="clinician_review",
        source="embed",
    )
    booked = make_lead(db_app, name="Booked Phone", source="staff_intake")
    with db_app.app_context():
        db.session.get(Lead, booked).status = "booked"
        db.session.commit()
    secret = make_token(db_app)
    client = db_app.test_client()

    def ids(query: str) -> list[int]:
        response = client.get(f"/api/v1/leads{query}", headers=bearer(secret))
        assert response.status_code == 200, response.get_json()
        return [item["id"] for item in response.get_json()["leads"]]

    assert ids("") == [booked, review, first]  # newest first
    assert ids("?status=booked") == [booked]
    assert ids("?outcome=clinician_review") == [review]
    assert ids("?source=embed") == [review]
    assert ids("?created_since=2025-06-01T00:00:00Z") == [booked, review]
    assert ids("?created_since=2025-01-01T09:00:00%2B00:00") == [booked, review, first]
    assert ids("?created_since=2025-01-01") == [booked, review, first]  # a date, in UTC
    updated = client.get("/api/v1/leads?status=booked", headers=bearer(secret)).get_json()
    since = updated["leads"][0]["updated_at"]
    assert ids(f"?updated_since={since.replace('+', '%2B')}") == [booked]
    item = client.get("/api/v1/leads?source=embed", headers=bearer(secret)).get_json()["leads"][0]
    assert item == {
        "id": review,
        "created_at": item["created_at"],
        "updated_at": item["updated_at"],
        "status": "new",
        "outcome": "clinician_review",
        "source": "embed",
        "lang": "en",
        "name": "Review Embed",
        "email": "zoe@example.com",
        "phone": "+442079460958",
        "contact_time": "morning",
        "message": "Evenings are hard.",
        "assigned_to": None,
        "follow_up_at": None,
        "first_contacted_at": None,
        "merged_into": None,
        "booking_reference": stored_reference(db_app, review),
    }


def stored_reference(app, lead_id: int) -> str:
    """The lead's booking reference as stored (random: read back, not predicted)."""
    from core.extensions import db
    from leads.models import Lead

    with app.app_context():
        return db.session.get(Lead, lead_id).booking_reference


def test_bad_filters_are_named_each_with_its_field(db_app):
    secret = make_token(db_app)
    response = db_app.test_client().get(
        "/api/v1/leads?status=lost&created_since=yesterday&limit=500&cursor=abc&colour=blue",
        headers=bearer(secret),
    )
    assert response.status_code == 422
    fields = {error["field"] for error in response.get_json()["errors"]}
    assert fields == {"status", "created_since", "limit", "cursor", "colour"}


def test_cursor_pages_have_no_duplicates_and_no_gaps_with_equal_timestamps(db_app):
    same = datetime(2025, 3, 1, 12, 0, 0, 123456, tzinfo=UTC)
    made = [make_lead(db_app, name=f"Person {n}", created_at=same) for n in range(7)]
    made.append(make_lead(db_app, name="Earlier", created_at=same - timedelta(microseconds=1)))
    secret = make_token(db_app)
    client = db_app.test_client()
    seen, pages, cursor = [], 0, None
    while True:
        query = "?limit=3" + (f"&cursor={cursor}" if cursor else "")
        body = client.get(f"/api/v1/leads{query}", headers=bearer(secret)).get_json()
        seen += [item["id"] for item in body["leads"]]
        pages += 1
        cursor = body["next_cursor"]
        if cursor is None:
            break
        # A lead arriving between pages does not shift the pages already given.
        if pages == 1:
            make_lead(db_app, name="Arrived meanwhile")
    assert pages == 3
    assert seen == [*sorted(made[:7], reverse=True), made[7]]
    # One audit event per page read, not one per lead.
    assert len(audit(db_app, "api_read")) == 3


def test_one_lead_with_its_decision_consent_notes_and_status_history(db_app):
    lead_id = make_lead(db_app, outcome="clinician_review")
    staff_id = make_staff(db_app, "ada@clinic.test", role="admin", name="Ada Admin")
    with db_app.app_context():
        db.session.add(LeadNote(lead_id=lead_id, author_id=staff_id, text="Called, no answer."))
        db.session.commit()
    console = db_app.test_client()
    sign_in(console, "ada@clinic.test")
    page = f"/staff/leads/{lead_id}"
    post_form(console, page, f"{page}/status", {"status": "contacted"})
    secret = make_token(db_app)

    response = db_app.test_client().get(f"/api/v1/leads/{lead_id}", headers=bearer(secret))
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    lead = response.get_json()
    assert lead["status"] == "contacted" and lead["outcome"] == "clinician_review"
    assert lead["answers"]["cold_sores_history"] is True
    decision = lead["decision"]
    assert decision["outcome"] == "clinician_review"
    assert {"key": "cold_sore_prophylaxis", "severity": "clinician_review"}.items() <= (
        decision["reasons"][0].items()
    )
    assert decision["reasons"][0]["rule"]
    assert len(decision["rulebase"]["sha256"]) == 64 and decision["sign_off"] is None
    assert lead["consent"]["version"] and lead["consent"]["consented_at"]
    notes = [(note["author"], note["kind"], note["text"]) for note in lead["notes"]]
    assert notes == [("Ada Admin", "note", "Called, no answer.")]
    assert lead["notes"][0]["call_outcome"] is None and lead["notes"][0]["edited_at"] is None
    assert lead["appointments"] == []
    assert [(h["from"], h["to"], h["by"]) for h in lead["status_history"]] == [
        ("new", "contacted", "Ada Admin")
    ]
    [event] = audit(db_app, "api_read")
    assert event.lead_id == lead_id and event.staff_id is None
    assert event.staff_email == "API: Clinic CRM"


def test_the_front_desks_work_on_a_lead_reaches_the_api(db_app):
    """What the console records (an assignee, a call, a follow-up, an appointment, a
    merge) is what a CRM reads: the same queue on both sides."""
    lead_id = make_lead(db_app, outcome="book_consultation")
    duplicate = make_lead(db_app, outcome="book_consultation")
    cora = make_staff(db_app, "cora@clinic.test", role="admin", name="Cora Coordinator")
    console = db_app.test_client()
    sign_in(console, "cora@clinic.test")
    page = f"/staff/leads/{lead_id}"
    assert post_form(console, page, f"{page}/assign", {"assignee": str(cora)}).status_code == 303
    follow_up = (datetime.now(UTC) + timedelta(days=2)).strftime("%Y-%m-%dT10:00")
    called = {
        "call_outcome": "no_answer",
        "call_note": "Rang twice.",
        "call_status": "contacted",
        "call_follow_up": follow_up,
    }
    assert post_form(console, page, f"{page}/call", called).status_code == 303
    booked = {
        "appointment_at": (datetime.now(UTC) + timedelta(days=5)).strftime("%Y-%m-%dT11:30"),
        "appointment_length": "45",
        "appointment_kind": "consultation",
    }
    assert post_form(console, page, f"{page}/appointments", booked).status_code == 303
    with db_app.app_context():  # merged as the console's merge leaves a duplicate
        db.session.execute(update(Lead).where(Lead.id == duplicate).values(merged_into_id=lead_id))
        db.session.commit()
    secret = make_token(db_app)
    api = db_app.test_client()

    lead = api.get(f"/api/v1/leads/{lead_id}", headers=bearer(secret)).get_json()
    assert lead["assigned_to"] == "Cora Coordinator"
    assert lead["follow_up_at"].startswith(follow_up[:10])  # the clinic's zone here is UTC
    assert lead["first_contacted_at"] is not None
    (noted,) = lead["notes"]
    assert (noted["kind"], noted["call_outcome"], noted["text"]) == (
        "call",
        "no_answer",
        "Rang twice.",
    )
    (appointment,) = lead["appointments"]
    assert appointment["starts_at"].startswith(booked["appointment_at"])  # UTC clinic
    assert (appointment["duration_minutes"], appointment["kind"]) == (45, "consultation")
    assert appointment["cancelled_at"] is None
    assert appointment["booked_through"] is None  # booked in the console, not a booking tool
    listed = api.get("/api/v1/leads", headers=bearer(secret)).get_json()["leads"]
    by_id = {item["id"]: item for item in listed}
    assert by_id[lead_id]["assigned_to"] == "Cora Coordinator"
    assert by_id[duplicate]["merged_into"] == lead_id and by_id[duplicate]["assigned_to"] is None
    # Each lead its own opaque reference, as the booking tool's link carries it.
    assert by_id[lead_id]["booking_reference"] != by_id[duplicate]["booking_reference"]


def test_unknown_lead_and_bad_bodies_answer_json(db_app):
    lead_id = make_lead(db_app)
    secret = make_token(db_app, "leads:read", "leads:write")
    client = db_app.test_client()
    headers = bearer(secret)
    missing = client.get("/api/v1/leads/99999", headers=headers)
    assert missing.status_code == 404 and missing.get_json()["errors"][0]["message"]
    url = f"/api/v1/leads/{lead_id}/status"
    unknown = client.post("/api/v1/leads/99999/status", json={"status": "booked"}, headers=headers)
    assert unknown.status_code == 404
    assert client.post(url, data="status=booked", headers=headers).status_code == 415
    bad = client.post(url, data="{", content_type="application/json", headers=headers)
    assert bad.status_code == 400
    response = client.post(url, json={"status": "won", "note": "hi"}, headers=headers)
    assert response.status_code == 422
    assert [e["field"] for e in response.get_json()["errors"]] == ["status", "note"]
    assert client.post(url, json={}, headers=headers).get_json()["errors"][0]["field"] == "status"
    assert client.post(url, json=["booked"], headers=headers).status_code == 422
    with db_app.app_context():
        assert db.session.get(Lead, lead_id).status == "new"
        assert db.session.scalar(select(LeadNote)) is None


def test_a_status_change_writes_a_note_an_audit_row_and_one_webhook_event(app_factory, webhook):
    app = app_factory(WEBHOOK_URL=webhook.url, WEBHOOK_SECRET=SECRET)
    lead_id = make_lead(app)  # its lead.created webhook is queued, not sent: no request made it
    secret = make_token(app, "leads:read", "leads:write")
    response = app.test_client().post(
        f"/api/v1/leads/{lead_id}/status", json={"status": "contacted"}, headers=bearer(secret)
    )
    assert response.status_code == 200
    assert response.get_json()["status"] == "contacted" and response.get_json()["id"] == lead_id
    with app.app_context():
        assert db.session.get(Lead, lead_id).status == "contacted"
        [note] = db.session.scalars(select(LeadNote)).all()
        assert (note.kind, note.text, note.author_id) == ("status", "new → contacted", None)
        token_id = db.session.scalar(select(ApiToken.id))
    [event] = audit(app, "api_update")
    assert (event.lead_id, event.api_token_id, event.detail) == (
        lead_id,
        token_id,
        "status new -> contacted",
    )
    # Sent once the answer has gone out: the status event (the created one waits for cron).
    bodies = [request["body"] for request in webhook.requests]
    assert len(bodies) == 1
    request = webhook.requests[0]
    headers = {k.lower(): v for k, v in request["headers"].items()}
    expected = hmac.new(
        SECRET.encode(),
        headers["x-screening-timestamp"].encode() + b"." + request["body"],
        hashlib.sha256,
    ).hexdigest()
    assert headers["x-screening-signature"] == f"sha256={expected}"
    [payload] = webhook.payloads()
    assert payload["event"] == "lead.status_changed"
    assert payload["lead"]["id"] == lead_id and payload["lead"]["status"] == "contacted"
    assert "email" not in payload["lead"]  # the clinic did not opt in to contact details

    # The same status again changes nothing and sends nothing.
    again = app.test_client().post(
        f"/api/v1/leads/{lead_id}/status", json={"status": "contacted"}, headers=bearer(secret)
    )
    assert again.status_code == 200 and len(webhook.requests) == 1
    with app.app_context():
        assert len(db.session.scalars(select(LeadNote)).all()) == 1
        events = db.session.scalars(select(OutboxMessage.event).order_by(OutboxMessage.id)).all()
        assert events == ["", "lead.status_changed:contacted"]


def test_last_used_is_written_at_most_once_a_minute(db_app):
    make_lead(db_app)
    secret = make_token(db_app)
    client = db_app.test_client()

    def last_used():
        with db_app.app_context():
            return db.session.scalar(select(ApiToken.last_used_at))

    assert last_used() is None
    client.get("/api/v1/leads", headers=bearer(secret))
    first = last_used()
    assert first is not None
    client.get("/api/v1/leads", headers=bearer(secret))
    assert last_used() == first
    with db_app.app_context():
        db.session.execute(update(ApiToken).values(last_used_at=first - timedelta(minutes=2)))
        db.session.commit()
    client.get("/api/v1/leads", headers=bearer(secret))
    assert last_used() > first - timedelta(minutes=2)
    assert len(audit(db_app, "api_read")) == 3  # every use is audited all the same


@pytest.mark.parametrize("method", ["GET", "OPTIONS"])
def test_no_cors_for_leads_even_from_an_embed_origin(app_factory, method):
    origin = "https://www.clinic.example"
    app = app_factory(EMBED_ALLOWED_ORIGINS=(origin,))
    secret = make_token(app)
    client = app.test_client()
    headers = {"Origin": origin, "Access-Control-Request-Method": "GET", **bearer(secret)}
    leads = client.open("/api/v1/leads", method=method, headers=headers)
    assert "Access-Control-Allow-Origin" not in leads.headers
    # The questionnaire still answers that origin, as before.
    questions = client.open("/api/v1/questionnaire", method=method, headers=headers)
    assert questions.headers["Access-Control-Allow-Origin"] == origin


def test_reading_leads_needs_no_signed_rules_in_production(app_factory):
    """Leads already decided are read whatever the rules' state (the check itself answers 503)."""
    app = app_factory()
    lead_id = make_lead(app)
    secret = make_token(app)
    app.config["APP_ENV"] = "production"
    from signoff.service import forget_choice

    with app.app_context():
        forget_choice()
    client = app.test_client()
    assert client.get("/api/v1/questionnaire").status_code == 503
    assert client.get(f"/api/v1/leads/{lead_id}", headers=bearer(secret)).status_code == 200


def test_a_write_only_token_cannot_tell_which_leads_exist(db_app):
    """Finding 8: the body is judged before the lead is looked up, so an invalid body gets
    the same 422 for a lead that exists and one that does not; only a valid body for an
    unknown lead is a 404 (and that request would change a status if the lead existed)."""
    lead_id = make_lead(db_app)
    secret = make_token(db_app, "leads:write")
    client = db_app.test_client()
    headers = bearer(secret)
    for body in ({}, {"status": "won"}, {"status": "booked", "note": "hi"}, ["booked"]):
        known = client.post(f"/api/v1/leads/{lead_id}/status", json=body, headers=headers)
        unknown = client.post("/api/v1/leads/999999/status", json=body, headers=headers)
        assert (known.status_code, unknown.status_code) == (422, 422), body
        assert known.get_json() == unknown.get_json(), body
    for bad in ({"data": "status=booked"}, {"data": "{", "content_type": "application/json"}):
        known = client.post(f"/api/v1/leads/{lead_id}/status", headers=headers, **bad)
        unknown = client.post("/api/v1/leads/999999/status", headers=headers, **bad)
        assert known.status_code == unknown.status_code in (400, 415), bad
        assert known.get_json() == unknown.get_json(), bad
    # An unknown parameter is refused alike too.
    known = client.post(f"/api/v1/leads/{lead_id}/status?x=1", json={"status": "contacted"},
                        headers=headers)  # fmt: skip
    unknown = client.post("/api/v1/leads/999999/status?x=1", json={"status": "contacted"},
                          headers=headers)  # fmt: skip
    assert (known.status_code, unknown.status_code) == (422, 422)
    assert known.get_json() == unknown.get_json()
    missing = client.post("/api/v1/leads/999999/status", json={"status": "booked"}, headers=headers)
    assert missing.status_code == 404
    with db_app.app_context():
        assert db.session.get(Lead, lead_id).status == "new"


def test_booked_without_an_appointment_is_refused_per_field(db_app):
    """ "Booked" stands only with an appointment: the API says so (422, on ``status``) and
    writes nothing; once the lead has one, the same request is accepted."""
    lead_id = make_lead(db_app)
    secret = make_token(db_app, "leads:read", "leads:write")
    url = f"/api/v1/leads/{lead_id}/status"
    refused = db_app.test_client().post(url, json={"status": "booked"}, headers=bearer(secret))
    assert refused.status_code == 422
    [error] = refused.get_json()["errors"]
    assert error["field"] == "status" and "appointment" in error["message"]
    with db_app.app_context():
        assert db.session.get(Lead, lead_id).status == "new"
        assert db.session.scalar(select(LeadNote)) is None
        assert db.session.scalar(select(OutboxMessage).where(OutboxMessage.event != "")) is None
        db.session.add(
            Appointment(
                lead_id=lead_id,
                starts_at=datetime.now(UTC) + timedelta(days=3),
                duration_minutes=30,
                kind="consultation",
            )
        )
        db.session.commit()
    accepted = db_app.test_client().post(url, json={"status": "booked"}, headers=bearer(secret))
    assert accepted.status_code == 200 and accepted.get_json()["status"] == "booked"
