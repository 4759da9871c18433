"""Recording a call from the top of the lead page: its outcome, note, new status and next
follow-up in one POST, one transaction and one ``call`` audit row; the webhook of the
status change still queued; every bad input named, nothing half written."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
from sqlalchemy import select

from core.clinic_time import clinic_now, from_clinic_clock
from core.extensions import db
from leads.models import Lead, LeadNote, OutboxMessage
from tests.factories import make_lead, post_form, staff_client
from tests.staff.leads.leads_support import audit_rows, working


def call(client, lead_id: int, **fields):
    url = f"/staff/leads/{lead_id}"
    return post_form(client, url, f"{url}/call", fields)


def notes_of(app, lead_id: int) -> list[LeadNote]:
    with app.app_context():
        query = select(LeadNote).where(LeadNote.lead_id == lead_id).order_by(LeadNote.id)
        notes = db.session.scalars(query).all()
        db.session.expunge_all()
        return notes


def lead_of(app, lead_id: int) -> Lead:
    with app.app_context():
        lead = db.session.get(Lead, lead_id)
        db.session.expunge(lead)
        return lead


def test_a_reached_call_with_status_and_follow_up_is_one_action(db_app, coordinator):
    the_id = make_lead(db_app, outcome="clinician_review")
    with db_app.test_request_context():
        day = clinic_now().date() + timedelta(days=2)
        expected = from_clinic_clock(datetime.combine(day, time(14, 30)))
    response = call(
        coordinator,
        the_id,
        call_outcome="reached",
        call_note="Wants a Saturday.",
        call_status="contacted",
        call_follow_up=f"{day.isoformat()}T14:30",
    )
    assert response.status_code == 303
    assert response.headers["Location"].startswith(f"/staff/leads/{the_id}")
    call_note, status_note = notes_of(db_app, the_id)
    assert (call_note.kind, call_note.call_outcome, call_note.text) == (
        "call",
        "reached",
        "Wants a Saturday.",
    )
    assert (status_note.kind, status_note.text) == ("status", "new → contacted")
    lead = lead_of(db_app, the_id)
    assert lead.status == "contacted" and lead.follow_up_at == expected
    assert lead.first_contacted_at is not None and lead.status_changed_at is not None
    rows = audit_rows(db_app, the_id)
    assert working(rows) == ["call"]  # no second "update", no "note", no "follow_up"
    assert rows[-1].data == {
        "outcome": "reached",
        "status_to": "contacted",
        "follow_up": expected.isoformat(),
    }
    assert "Wants a Saturday" not in rows[-1].detail  # never a note's words in the audit
    page = coordinator.get(f"/staff/leads/{the_id}").get_data(as_text=True)
    assert "Call recorded: Reached. Status changed to Contacted." in page
    assert "Call: Reached" in page and "Wants a Saturday." in page


def test_a_no_answer_call_keeps_the_status_and_follows_up_tomorrow_at_nine(db_app, coordinator):
    the_id = make_lead(db_app, outcome="clinician_review")
    response = call(coordinator, the_id, call_outcome="no_answer", call_status="new",
                    call_then="tomorrow")  # fmt: skip
    assert response.status_code == 303
    with db_app.test_request_context():
        tomorrow = from_clinic_clock(
            datetime.combine(clinic_now().date() + timedelta(days=1), time(9, 0))
        )
    lead = lead_of(db_app, the_id)
    assert lead.status == "new" and lead.follow_up_at == tomorrow
    assert lead.first_contacted_at is not None  # a call is a first contact, answered or not
    assert [n.kind for n in notes_of(db_app, the_id)] == ["call"]
    (row,) = audit_rows(db_app, the_id, "call")
    assert row.data == {
        "outcome": "no_answer",
        "status_to": None,
        "follow_up": tomorrow.isoformat(),
    }


def test_the_status_never_changes_silently(db_app, coordinator):
    """The select starts on the lead's status: a reached call leaves "new" only when chosen."""
    the_id = make_lead(db_app, outcome="clinician_review")
    page = coordinator.get(f"/staff/leads/{the_id}").get_data(as_text=True)
    select_html = page.split('id="call_status"', 1)[1].split("</select>", 1)[0]
    assert '<option value="new" selected>' in select_html
    call(coordinator, the_id, call_outcome="reached", call_status="new")
    assert lead_of(db_app, the_id).status == "new"


def test_an_empty_follow_up_clears_the_old_one(db_app, coordinator):
    the_id = make_lead(db_app, outcome="clinician_review")
    call(coordinator, the_id, call_outcome="left_message", call_status="new", call_then="tomorrow")
    assert lead_of(db_app, the_id).follow_up_at is not None
    page = coordinator.get(f"/staff/leads/{the_id}").get_data(as_text=True)
    assert 'name="call_follow_up" value="20' in page  # the coming follow-up, offered again
    call(coordinator, the_id, call_outcome="reached", call_status="contacted", call_follow_up="")
    assert lead_of(db_app, the_id).follow_up_at is None
    assert audit_rows(db_app, the_id, "call")[-1].data["follow_up"] is None


def test_a_status_change_by_call_still_sends_its_webhook(app_factory, webhook):
    app = app_factory(WEBHOOK_URL=webhook.url, WEBHOOK_SECRET="call-webhook-secret")
    client = staff_client(app, "coordinator@clinic.test")
    the_id = make_lead(app, outcome="clinician_review")
    with app.test_request_context():
        at = (clinic_now() + timedelta(days=2)).strftime("%Y-%m-%dT10:00")
    booked = call(client, the_id, call_outcome="booked", call_status="new", call_appointment_at=at)
    assert booked.status_code == 303
    with app.app_context():
        events = db.session.scalars(
            select(OutboxMessage.event).where(
                OutboxMessage.lead_id == the_id, OutboxMessage.event.like("lead.status%")
            )
        ).all()
    assert events == ["lead.status_changed:booked"]  # queued once, in the call's transaction
    [payload] = webhook.payloads()  # and sent after the answer, through the outbox
    assert (payload["event"], payload["lead"]["status"]) == ("lead.status_changed", "booked")


@pytest.mark.parametrize(
    ("fields", "errors"),
    [
        ({}, ["Choose how the call went.", "Choose a status from the list."]),
        (
            {"call_outcome": "voicemail", "call_status": "won"},
            ["Choose how the call went.", "Choose a status from the list."],
        ),
        (
            {"call_outcome": "reached", "call_status": "new", "call_follow_up": "soon"},
            ["Enter the date and time, like 2025-03-14 09:00."],
        ),
        (
            {"call_outcome": "reached", "call_status": "new", "call_follow_up": "2001-02-03T09:00"},
            ["Choose a time from now on: that one has passed."],
        ),
        (
            {"call_outcome": "reached", "call_status": "new", "call_note": "x" * 4001},
            ["A note must be 4000 characters or fewer."],
        ),
        (
            {"call_outcome": "reached", "call_status": "new", "call_then": "next-year"},
            ["Choose a follow-up time."],
        ),
    ],
)
def test_the_call_forms_errors_are_named_and_nothing_is_written(
    db_app, coordinator, fields, errors
):
    the_id = make_lead(db_app, outcome="clinician_review")
    response = call(coordinator, the_id, **fields)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    summary = page.split('class="error-summary"', 1)[1].split("</div>", 1)[0]
    for error in errors:
        assert error in summary
    assert summary.count("<li>") == len(errors)
    assert notes_of(db_app, the_id) == [] and working(audit_rows(db_app, the_id)) == []
    lead = lead_of(db_app, the_id)
    assert lead.status == "new" and lead.follow_up_at is None and lead.first_contacted_at is None


def test_the_rest_of_a_call_form_sent_with_errors_is_kept(db_app, coordinator):
    the_id = make_lead(db_app, outcome="clinician_review")
    response = call(coordinator, the_id, call_outcome="reached", call_note="Spoke to her mum.",
                    call_status="contacted", call_follow_up="not a time")  # fmt: skip
    page = response.get_data(as_text=True)
    assert ">Spoke to her mum.</textarea>" in page
    assert '<option value="contacted" selected>' in page.split('id="call_status"', 1)[1]
    assert 'value="not a time" aria-invalid="true"' in page
    assert '<a href="#call_follow_up">' in page
    # The other forms are the lead's, not the call's words.
    assert page.count("Spoke to her mum.") == 1
