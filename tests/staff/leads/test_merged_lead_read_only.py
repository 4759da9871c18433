"""A merged lead is read-only on every path (issue 28): each console form that changes a lead,
sent valid, works on an open lead and is refused (409, nothing written) on a merged one; the
API answers 409 in the contract's error shape; the merged lead's page says where it went and
offers no form. On SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import url_for
from sqlalchemy import func, select

from core.clinic_time import clinic_now
from core.dbtypes import utcnow
from core.extensions import db
from leads.merge import merge_leads
from leads.merged_guard import refuse_if_merged
from leads.models import Appointment, Lead, LeadNote
from leads.verdict_models import Verdict
from leads.verdicts import VerdictInput, find_clinician, record_verdict
from staff.leads.merged_views import STILL_ALLOWED
from staff.models import AuditEvent
from tests.api_token_support import bearer, make_token
from tests.factories import csrf_token, make_lead, staff_client


def _wall_clock(app, days: int) -> str:
    with app.test_request_context():
        return (clinic_now() + timedelta(days=days)).strftime("%Y-%m-%dT10:00")


def _things_on(app, lead_id: int, author_id: int) -> dict[str, int]:
    """A note by ``author_id``, an upcoming appointment and a clinician's verdict on the lead,
    written as rows (on a merged lead, as left from before the merge)."""
    with app.app_context():
        note = LeadNote(lead_id=lead_id, author_id=author_id, kind="note", text="Left a message.")
        appointment = Appointment(
            lead_id=lead_id, starts_at=utcnow() + timedelta(days=5), kind="consultation"
        )
        db.session.add_all([note, appointment])
        lead = db.session.get(Lead, lead_id)
        lead.merged_into_id, merged_into = None, lead.merged_into_id  # to record the verdict
        record_verdict(
            lead,
            VerdictInput(outcome="clinician_review", examined_on=utcnow().date()),
            find_clinician("doctor@clinic.test"),
            source="console",
        )
        lead.merged_into_id = merged_into
        db.session.commit()
        return {"note": note.id, "appointment": appointment.id}


def _changes(app, admin_id: int, things: dict[str, int]) -> list[tuple[str, str, dict]]:
    """Every console form that changes a lead, with valid answers: (who, path, data)."""
    return [
        ("desk", "call", {"call_outcome": "no_answer", "call_status": "contacted",
                          "call_then": "tomorrow"}),
        ("desk", "assign", {"assignee": str(admin_id)}),
        ("desk", "follow-up", {"follow_up_then": "tomorrow"}),
        ("desk", "status", {"status": "not_a_fit"}),
        ("desk", "notes", {"text": "Another note."}),
        ("desk", f"notes/{things['note']}/edit", {"text": "Left two messages."}),
        ("desk", "contact", {"name": "Renamed Person", "email": "renamed@example.com",
                             "phone": "+44 20 7946 0999", "contact_time": "evening"}),
        ("desk", "appointments", {"appointment_at": _wall_clock(app, 2),
                                  "appointment_length": "30",
                                  "appointment_kind": "consultation"}),
        ("desk", f"appointments/{things['appointment']}/move",
         {f"move-{things['appointment']}-appointment_at": _wall_clock(app, 3),
          f"move-{things['appointment']}-appointment_length": "45"}),
        ("desk", f"appointments/{things['appointment']}/cancel", {}),
        ("doctor", "verdict", {"verdict": "see_dermatologist", "examined_on":
                               utcnow().date().isoformat()}),
        ("doctor", "verdict/see-check", {}),
        ("doctor", "verdict/cause", {"cause": "answer_wrong", "cause_question": "keloid_history"}),
    ]  # fmt: skip


def _state(app, lead_id: int) -> tuple:
    """Everything a change could touch on the lead (and the audit log's changes)."""
    with app.app_context():
        lead = db.session.get(Lead, lead_id)
        return (
            (lead.name, lead.email, lead.phone, lead.contact_time, lead.status),
            (lead.assigned_to_id, lead.follow_up_at),
            [(n.kind, n.text) for n in lead.notes],
            [(a.starts_at, a.duration_minutes, a.cancelled_at) for a in lead.appointments],
            db.session.scalars(select(Verdict.outcome).where(Verdict.lead_id == lead_id)).all(),
            db.session.scalar(
                select(func.count()).select_from(AuditEvent).where(AuditEvent.action != "view")
            ),
        )


@pytest.fixture
def desk(db_app):
    admin = staff_client(db_app, "admin@clinic.test", role="admin", name="Ada Admin")
    doctor = staff_client(db_app, "doctor@clinic.test", role="clinician", name="Dr Dee")
    return {"desk": admin, "doctor": doctor}


def _merged_pair(app) -> tuple[int, int]:
    kept = make_lead(app, name="Zoë", email="zoe@example.com", phone="", direct=True)
    gone = make_lead(app, name="Zoë", email="zoe@example.com", phone="", direct=True)
    with app.app_context():
        merge_leads(gone, kept, by_id=None, describe=lambda lead: "merged")
    return kept, gone


def _post(clients, who: str, lead_id: int, path: str, data: dict):
    client = clients[who]
    page = f"/staff/leads/{lead_id}/verdict" if who == "doctor" else f"/staff/leads/{lead_id}"
    token = csrf_token(client.get(page).get_data(as_text=True))
    return client.post(f"/staff/leads/{lead_id}/{path}", data={**data, "csrf_token": token})


def test_every_change_works_on_an_open_lead_and_is_refused_on_a_merged_one(db_app, desk):
    admin_id = desk["desk"].staff_id
    open_id = make_lead(db_app, name="Open Lead", email="open@example.com", direct=True)
    open_things = _things_on(db_app, open_id, admin_id)
    for who, path, data in _changes(db_app, admin_id, open_things):
        answer = _post(desk, who, open_id, path, data)
        assert answer.status_code == 303, (path, answer.status_code)

    kept, gone = _merged_pair(db_app)
    things = _things_on(db_app, gone, admin_id)
    before = _state(db_app, gone)
    for who, path, data in _changes(db_app, admin_id, things):
        answer = _post(desk, who, gone, path, data)
        assert answer.status_code == 409, (path, answer.status_code)
        page = answer.get_data(as_text=True)
        assert f"Lead #{gone} was merged into lead #{kept} and can no longer be changed" in page
        assert f'href="/staff/leads/{kept}"' in page
    assert _state(db_app, gone) == before


def test_every_post_route_on_a_lead_is_guarded_even_one_added_later(db_app, desk):
    """Each console POST with a lead number, whatever else it names, refuses a merged lead."""
    _kept, gone = _merged_pair(db_app)
    client = desk["desk"]
    token = csrf_token(client.get(f"/staff/leads/{gone}").get_data(as_text=True))
    routes = [
        rule
        for rule in db_app.url_map.iter_rules()
        if "POST" in rule.methods
        and "lead_id" in rule.arguments
        and rule.endpoint.startswith("staff.")
        and rule.endpoint not in STILL_ALLOWED
    ]
    assert len(routes) >= 13  # the changes above at least
    for rule in routes:
        values = {name: 1 for name in rule.arguments} | {"lead_id": gone}
        with db_app.test_request_context():
            path = url_for(rule.endpoint, **values)
        answer = client.post(path, data={"csrf_token": token})
        assert answer.status_code == 409, (rule.rule, answer.status_code)


def test_the_merged_leads_page_says_where_it_went_and_offers_no_form(db_app, desk):
    kept, gone = _merged_pair(db_app)
    page = desk["desk"].get(f"/staff/leads/{gone}").get_data(as_text=True)
    assert f"Merged into lead #{kept}." in page
    assert f'href="/staff/leads/{kept}">Work on lead #{kept} instead</a>' in page
    for action in ("call", "assign", "status", "notes", "appointments"):
        assert f'action="/staff/leads/{gone}/{action}' not in page, action
    assert f'action="/staff/leads/{kept}/call' in desk["desk"].get(f"/staff/leads/{kept}").get_data(
        as_text=True
    )


def test_the_api_refuses_a_merged_lead_with_409_in_the_contracts_shape(db_app, desk):
    kept, gone = _merged_pair(db_app)
    client = db_app.test_client()
    before = _state(db_app, gone)
    writer = make_token(db_app, "leads:write")
    status = client.post(
        f"/api/v1/leads/{gone}/status", json={"status": "booked"}, headers=bearer(writer)
    )
    verdicts = make_token(db_app, "verdicts:write")
    verdict = client.put(
        f"/api/v1/leads/{gone}/verdict",
        json={"verdict": "clinician_review", "clinician_email": "doctor@clinic.test",
              "examined_on": utcnow().date().isoformat()},
        headers=bearer(verdicts),
    )  # fmt: skip
    for answer in (status, verdict):
        assert answer.status_code == 409
        (error,) = answer.get_json()["errors"]
        assert error["field"] == ""
        assert f"merged into lead {kept}" in error["message"]
    assert _state(db_app, gone) == before
    assert (
        client.post(
            f"/api/v1/leads/{kept}/status", json={"status": "contacted"}, headers=bearer(writer)
        ).status_code
        == 200
    )


def test_the_guard_names_the_lead_to_use(db_app):
    kept, gone = _merged_pair(db_app)
    with db_app.app_context():
        refuse_if_merged(db.session.get(Lead, kept))  # the kept lead is open
        with pytest.raises(Exception, match=f"lead {gone} was merged into lead {kept}"):
            refuse_if_merged(db.session.get(Lead, gone))
