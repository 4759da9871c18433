"""The audit log reads as sentences (from each row's data, or an older row's detail), in the
clinic's time, naming no person's details; and one action on a lead is one row."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from core import clinic_settings
from core.extensions import db
from staff.models import AuditEvent
from tests.factories import csrf_token, make_lead, make_staff, sign_in, staff_client

AUDIT = "/staff/admin/audit"
ROW = re.compile(r"<tr><td>.*?</tr>", re.S)


def _admin(app):
    client = staff_client(app, "admin@clinic.test", role="admin", name="Ada Admin")
    return client


def _events(app, *rows: dict) -> None:
    with app.app_context():
        for number, row in enumerate(rows):
            at = datetime(2026, 12, 3, 9, number, tzinfo=UTC)
            db.session.add(AuditEvent(staff_email="ana@clinic.test", at=at, **row))
        db.session.commit()


def _sentences(client, query: str = "") -> list[str]:
    """Each row's last cell (what happened), as its words read."""
    page = client.get(AUDIT + query).get_data(as_text=True)
    body = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    cells = [re.findall(r"<td[^>]*>(.*?)</td>", row, re.S) for row in ROW.findall(body)]
    return [" ".join(html.unescape(cell[-1]).split()) for cell in cells]


def _words(text: str) -> str:
    """Babel's narrow spaces (before AM/PM) as plain ones, to compare with typed text."""
    return text.replace("\u202f", " ").replace("\xa0", " ")


def test_each_action_on_a_lead_reads_as_a_sentence_in_clinic_time(app_factory):
    app = app_factory()
    admin = _admin(app)
    with app.app_context():
        clinic_settings.set_text("time_zone", "Europe/Madrid", by=None)  # UTC+1 in December
        db.session.commit()
    _events(
        app,
        {"action": "update", "lead_id": 7, "data": {"from": "new", "to": "contacted"}},
        {
            "action": "call",
            "lead_id": 7,
            "data": {
                "outcome": "no_answer",
                "status_to": "contacted",
                "follow_up": "2026-12-04T09:00:00+00:00",
            },
        },
        {"action": "call", "lead_id": 7, "data": {"outcome": "reached", "status_to": None}},
        {"action": "assign", "lead_id": 7, "data": {"to": 3, "to_name": "Ana Ruiz"}},
        {"action": "assign", "lead_id": 7, "data": {"to": None, "to_name": ""}},
        {"action": "follow_up", "lead_id": 7, "data": {"at": "2026-12-04T09:00:00+00:00"}},
        {"action": "follow_up", "lead_id": 7, "data": {"at": None}},
        {
            "action": "export",
            "data": {"rows": 12, "format": "csv", "filters": {"status": "new", "q": "Zoë"}},
        },
        {"action": "export", "data": {"rows": 1, "format": "xlsx", "filters": {}}},
        {"action": "contact_change", "lead_id": 7, "data": {"fields": ["email", "phone"]}},
        {"action": "merge", "lead_id": 7, "data": {"from": 12, "into": 7}},
        {"action": "merge", "lead_id": 12, "data": {"from": 12, "into": 7}},
        {
            "action": "appointment",
            "lead_id": 7,
            "data": {
                "change": "booked",
                "appointment": 1,
                "at": "2026-12-10T15:00:00+00:00",
                "kind": "consultation",
            },
        },
        {"action": "note", "lead_id": 7, "data": {"note": 4}},
        {"action": "note_edit", "lead_id": 7, "data": {"note": 4}},
        {"action": "intake", "lead_id": 7, "data": {"outcome": "clinician_review"}},
        {
            "action": "settings_change",
            "data": {"setting": "time_zone", "from": "UTC", "to": "Europe/Madrid"},
        },
        {
            "action": "settings_change",
            "data": {"setting": "require_two_factor", "from": False, "to": True},
        },
    )
    said = [_words(text) for text in reversed(_sentences(admin))]  # oldest first (then sign-in)
    assert said[:18] == [
        "Changed the status from New to Contacted",
        "Recorded a call: no answer; status now Contacted; next follow-up Dec 4, 2026 10:00 AM",
        "Recorded a call: reached",
        "Assigned to Ana Ruiz",
        "Unassigned the lead",
        "Set the next follow-up for Dec 4, 2026 10:00 AM",
        "Cleared the next follow-up",
        "Exported 12 leads as CSV (Status: New; a search)",
        "Exported 1 lead as Excel",
        "Corrected the email and phone",
        "Merged lead #12 into this lead",
        "Merged this lead into lead #7",
        "Booked an appointment (Free consultation) for Dec 10, 2026 4:00 PM",
        "Added a note",
        "Corrected a note (the earlier words are kept on the lead)",
        "Took a request by phone (result: Clinician review)",
        "Changed the clinic time zone from UTC to Europe/Madrid",
        "Turned on: Staff must use two-factor sign-in",
    ]
    page = admin.get(AUDIT).get_data(as_text=True)
    assert "Zoë" not in page  # a search's words never reach the log's page
    table = page.split("<tbody>", 1)[1]
    for code in ("no_answer", "clinician_review", "{'", '{"', "settings_change", "UTC</time>"):
        assert code not in table
    for word in ("Recorded a call", "Assigned a lead", "Set a follow-up", "Merged leads"):
        assert f"<td>{word}</td>" in table  # the action as a word


def test_older_rows_without_data_read_as_sentences_too(app_factory):
    app = app_factory()
    admin = _admin(app)
    _events(
        app,
        {"action": "view", "lead_id": 3},
        {"action": "update", "lead_id": 3, "detail": "status new -> booked"},
        {
            "action": "export",
            "detail": "3 leads; filters {'outcome': 'clinician_review', 'q': 'Zoë'}",
        },
        {"action": "export", "detail": "40 leads; filters {'outcome': 'clin"},  # cut at 255
        {"action": "settings_change", "detail": "on: staff must use two-factor sign-in"},
        {"action": "api_read", "detail": "list of 2 leads; {'status': 'new'}"},
        {"action": "staff_change", "detail": "added ana@clinic.test as Admin"},
        {"action": "delete", "lead_id": 4, "detail": "on request"},
        {"action": "two_factor", "detail": "made new recovery codes"},
        # Data of a shape this version does not know: the detail, not an error.
        {"action": "update", "lead_id": 3, "detail": "status new -> closed", "data": {"x": 1}},
        {"action": "follow_up", "detail": "follow-up soon", "data": {"at": "not a time"}},
        {"action": "merge", "detail": "lead ? merged", "data": {"from": [], "into": None}},
    )
    said = list(reversed(_sentences(admin)))[:12]
    assert said == [
        "Opened the lead",
        "Changed the status from New to Booked",
        "Exported 3 leads as CSV (Outcome: Clinician review; a search)",
        "Exported 40 leads as CSV",
        "Turned on: Staff must use two-factor sign-in",
        "Read a list of 2 leads through the API (Status: New)",
        "Added ana@clinic.test as Admin",
        "Deleted the lead and its personal data, on request",
        "Made new recovery codes",
        "Changed the status from New to Closed",
        "Follow-up soon",
        "Lead ? merged",
    ]
    assert "Zoë" not in admin.get(AUDIT).get_data(as_text=True)


def _rows_after(app, first_id: int) -> list[tuple[str, int | None]]:
    with app.app_context():
        rows = db.session.execute(
            select(AuditEvent.action, AuditEvent.lead_id)
            .where(AuditEvent.id > first_id)
            .order_by(AuditEvent.id)
        )
        return [tuple(row) for row in rows]


def _last_id(app) -> int:
    with app.app_context():
        return db.session.scalar(select(db.func.max(AuditEvent.id))) or 0


def test_one_status_change_is_one_row_and_a_genuine_visit_is_still_one(app_factory):
    app = app_factory()
    lead = make_lead(app)
    make_staff(app, name="Nora Nurse")
    desk = app.test_client()
    sign_in(desk)
    page = f"/staff/leads/{lead}"
    token = csrf_token(desk.get(page).get_data(as_text=True))  # opening the lead: a visit
    before = _last_id(app)
    changed = desk.post(f"{page}/status", data={"status": "contacted", "csrf_token": token})
    assert changed.status_code == 303
    assert desk.get(changed.headers["Location"]).status_code == 200  # the redirect back
    assert _rows_after(app, before) == [("update", lead)]

    noted = desk.post(f"{page}/notes", data={"text": "Left a voicemail.", "csrf_token": token})
    desk.get(noted.headers["Location"])
    assert [action for action, _ in _rows_after(app, before)] == ["update", "note"]

    # A colleague opening it at once is a visit of their own.
    colleague = staff_client(app, "colleague@clinic.test")
    colleague.get(page)
    assert _rows_after(app, before)[-1] == ("view", lead)

    # The same person coming back later (here: their note, moved 11 seconds into the past).
    with app.app_context():
        note = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "note")).one()
        note.at -= timedelta(seconds=11)
        db.session.commit()
    mark = _last_id(app)
    desk.get(page)
    assert _rows_after(app, mark) == [("view", lead)]
    desk.get(page)  # a reload after a view is a view again
    assert _rows_after(app, mark) == [("view", lead), ("view", lead)]
