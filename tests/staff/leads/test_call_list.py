"""The call list ("My calls"): overdue and due-today follow-ups together, the oldest first,
with each lead's result, last call and attempts; "save and next" from a lead opened there
goes straight to the next call. Runs on SQLite and PostgreSQL (``db_app``)."""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta

from core.clinic_time import clinic_now, from_clinic_clock
from core.dbtypes import utcnow
from tests.factories import make_lead, make_staff, post_form, staff_client
from tests.staff.leads.leads_support import hours_ago


def _names_in_order(html: str) -> list[str]:
    """The leads' names as the call list's rows show them, top to bottom."""
    table = html.split('class="data calls-list"', 1)[1].split("</table>", 1)[0]
    return re.findall(r'<a href="/staff/leads/\d+\?calls=\w+">([^<]+)</a>', table)


def _later_today(minutes: int) -> datetime:
    """A moment later in the clinic's day (or just before its end, late in the evening)."""
    now = clinic_now()
    end = datetime.combine(now.date(), time(23, 59))
    wall = min(now.replace(tzinfo=None) + timedelta(minutes=minutes), end)
    return from_clinic_clock(wall)


def _my_morning(app, me: int, colleague: int) -> dict[str, int]:
    with app.app_context():
        tomorrow = from_clinic_clock(datetime.combine(clinic_now().date(), time(10)) + timedelta(1))
        later = _later_today(30)
    return {
        "later": make_lead(app, name="Later Today", assigned_to_id=me, follow_up_at=later),
        "yesterday": make_lead(
            app,
            name="Since Yesterday",
            assigned_to_id=me,
            follow_up_at=hours_ago(26),
            outcome="clinician_review",
        ),
        "hour": make_lead(app, name="An Hour Ago", assigned_to_id=me, follow_up_at=hours_ago(1)),
        "tomorrow": make_lead(app, name="Tomorrow Only", assigned_to_id=me, follow_up_at=tomorrow),
        "theirs": make_lead(
            app, name="Colleague Due", assigned_to_id=colleague, follow_up_at=hours_ago(3)
        ),
        "unset": make_lead(app, name="Nothing Set", assigned_to_id=me),
    }


def test_my_calls_are_overdue_and_due_today_together_the_oldest_first(db_app):
    client = staff_client(db_app, "cora@clinic.test", name="Cora Coordinator")
    bo = make_staff(db_app, "bo@clinic.test", name="Bo Front")
    _my_morning(db_app, client.staff_id, bo)
    page = client.get("/staff/calls")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert _names_in_order(html) == ["Since Yesterday", "An Hour Ago", "Later Today"]
    assert "3 calls due" in html


def test_a_coordinator_sees_everyones_calls_and_staff_only_their_own(db_app):
    admin = staff_client(db_app, "ada@clinic.test", role="admin", name="Ada Admin")
    bo = make_staff(db_app, "bo@clinic.test", name="Bo Front")
    _my_morning(db_app, admin.staff_id, bo)
    everyone = admin.get("/staff/calls?who=everyone").get_data(as_text=True)
    assert _names_in_order(everyone) == [
        "Since Yesterday", "Colleague Due", "An Hour Ago", "Later Today",
    ]  # fmt: skip
    assert "Bo Front" in everyone
    cora = staff_client(db_app, "cora@clinic.test", name="Cora Coordinator")
    mine = cora.get("/staff/calls?who=everyone").get_data(as_text=True)
    assert "Show everyone’s calls" not in mine and "No calls due" in mine


def test_the_list_shows_the_result_the_last_call_and_the_attempts(db_app):
    client = staff_client(db_app, "cora@clinic.test", name="Cora Coordinator")
    the_id = make_lead(
        db_app, name="Twice Tried", assigned_to_id=client.staff_id, follow_up_at=hours_ago(2),
        outcome="clinician_review",
    )  # fmt: skip
    url = f"/staff/leads/{the_id}"
    with db_app.app_context():
        in_a_minute = (clinic_now() + timedelta(minutes=1)).strftime("%Y-%m-%dT%H:%M")
    for outcome in ("no_answer", "left_message"):
        sent = post_form(
            client, url, f"{url}/call",
            {"call_outcome": outcome, "call_status": "new",
             "call_follow_up": in_a_minute},
        )  # fmt: skip
        assert sent.status_code == 303
    html = client.get("/staff/calls").get_data(as_text=True)
    row = html.split("Twice Tried", 1)[1].split("</tr>", 1)[0]
    assert "Left a message" in row
    assert re.search(r"<td>2</td>", row)
    assert "Clinician review" in html.split("Twice Tried", 1)[0].rsplit("<tr", 1)[1] + row


def test_save_and_next_goes_straight_to_the_next_call(db_app):
    client = staff_client(db_app, "cora@clinic.test", name="Cora Coordinator")
    leads = _my_morning(db_app, client.staff_id, make_staff(db_app, "bo@clinic.test"))
    first = f"/staff/leads/{leads['yesterday']}?calls=mine"
    page = client.get(first).get_data(as_text=True)
    assert 'name="call_next" value="1" checked' in page and "Back to my calls" in page
    sent = post_form(
        client, first, f"/staff/leads/{leads['yesterday']}/call?calls=mine",
        {"call_outcome": "no_answer", "call_status": "new", "call_then": "tomorrow",
         "call_next": "1"},
    )  # fmt: skip
    assert sent.status_code == 303
    assert sent.headers["Location"] == f"/staff/leads/{leads['hour']}?calls=mine"
    # After the list's last call, the call skipped above it comes next.
    last = f"/staff/leads/{leads['later']}?calls=mine"
    sent = post_form(
        client, last, f"/staff/leads/{leads['later']}/call?calls=mine",
        {"call_outcome": "reached", "call_status": "contacted", "call_then": "tomorrow",
         "call_next": "1"},
    )  # fmt: skip
    assert sent.headers["Location"] == f"/staff/leads/{leads['hour']}?calls=mine"


def test_without_save_and_next_the_call_returns_to_its_lead(db_app):
    client = staff_client(db_app, "cora@clinic.test", name="Cora Coordinator")
    the_id = make_lead(db_app, assigned_to_id=client.staff_id, follow_up_at=utcnow())
    url = f"/staff/leads/{the_id}?calls=mine"
    sent = post_form(
        client, url, f"/staff/leads/{the_id}/call?calls=mine",
        {"call_outcome": "reached", "call_status": "contacted", "call_then": "tomorrow"},
    )  # fmt: skip
    assert sent.headers["Location"] == f"/staff/leads/{the_id}?calls=mine"
    done = post_form(
        client, url, f"/staff/leads/{the_id}/call?calls=mine",
        {"call_outcome": "reached", "call_status": "contacted", "call_then": "tomorrow",
         "call_next": "1"},
    )  # fmt: skip
    assert done.headers["Location"] == "/staff/calls"
    assert "That was the last call due." in client.get("/staff/calls").get_data(as_text=True)


def test_the_old_views_still_answer(db_app):
    client = staff_client(db_app, "cora@clinic.test", name="Cora Coordinator")
    for url in ("/staff/leads?follow_up=today", "/staff/leads?follow_up=overdue"):
        assert client.get(url).status_code == 200
