"""A coordinator's calls at 1366×768, in Chromium, in English and Spanish, with and without
JavaScript: "My calls" in due order (the oldest overdue first), a call recorded with its
outcome and next follow-up in two clicks from the list plus typing the note, and "save and
next" landing on the next call. The clicks are counted (docs/staff-console.md)."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest

from app import create_app
from core.clinic_time import clinic_now, from_clinic_clock
from core.dbtypes import utcnow
from core.extensions import db
from leads.models import Lead, LeadNote
from tests.factories import PASSWORD, make_lead, make_staff

LAPTOP = {"width": 1366, "height": 768}
WORDS = {
    "en": {"title": "My calls", "recorded": "Call recorded: No answer."},
    "es": {"title": "Mis llamadas", "recorded": "Llamada registrada: No contestó."},
}


@pytest.fixture
def calls_due(tmp_path, live_server_class):
    app = create_app(
        {"TESTING": True, "SECRET_KEY": "browser-call-list", "CLINIC_TIME_ZONE": "Europe/Madrid"},
        instance_path=str(tmp_path),
    )
    cora = make_staff(app, "cora@example.com", name="Cora Coordinator")
    now = utcnow()
    # Received in the opposite order of their due times: the list must not follow arrival.
    ids = {
        name: make_lead(
            app,
            name=name,
            phone="+34912345678",
            assigned_to_id=cora,
            follow_up_at=due,
            created_at=now - timedelta(hours=hours),
        )
        for name, due, hours in (
            ("Carla Later", now + timedelta(minutes=5), 50),
            ("Bruno Hour", now - timedelta(hours=1), 40),
            ("Alba Yesterday", now - timedelta(hours=26), 2),
        )
    }
    with live_server_class(app) as server:
        yield server, ids


@pytest.mark.browser
@pytest.mark.parametrize("lang", ["en", "es"])
@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_a_call_from_my_calls_is_two_clicks_and_opens_the_next(
    browser, calls_due, artifacts, lang, javascript
):
    server, ids = calls_due
    words = WORDS[lang]
    context = browser.new_context(java_script_enabled=javascript, viewport=LAPTOP)
    page = context.new_page()
    page.goto(f"{server.url}/staff/calls?lang={lang}")
    page.get_by_label("Email" if lang == "en" else "Correo electrónico").fill("cora@example.com")
    page.locator("input[type=password]").fill(PASSWORD)
    page.locator("form button[type=submit]").first.click()
    page.wait_for_load_state()
    if "/staff/calls" not in page.url:
        page.goto(f"{server.url}/staff/calls")
    assert page.locator("h1").inner_text() == words["title"]

    rows = page.locator("table.calls-list tbody tr")
    names = [rows.nth(i).locator("a").first.inner_text() for i in range(rows.count())]
    assert names == ["Alba Yesterday", "Bruno Hour", "Carla Later"]
    page.screenshot(path=artifacts / f"my-calls-{lang}-{'js' if javascript else 'nojs'}.png")

    clicks = 0
    rows.first.locator("a").first.click()  # click 1: open the first call
    clicks += 1
    page.wait_for_load_state()
    note = page.locator("#call_note")
    assert note.evaluate("element => element.matches(':focus')")  # typing needs no click
    page.keyboard.type("Rang twice, no voicemail.")
    button = page.locator("button[name=call_outcome][value=no_answer]")
    page.screenshot(path=artifacts / f"call-form-{lang}-{'js' if javascript else 'nojs'}.png")
    box = button.bounding_box()
    assert box and box["y"] + box["height"] <= LAPTOP["height"], box  # in the first screen
    button.click()  # click 2: the outcome saves the call, tomorrow morning already chosen
    clicks += 1
    page.wait_for_load_state()
    assert clicks == 2

    assert f"/staff/leads/{ids['Bruno Hour']}?calls=mine" in page.url  # the next call
    assert page.locator("h1").inner_text().startswith("Bruno Hour")
    assert words["recorded"] in page.locator("[role=status]").inner_text()
    with server.app.test_request_context():
        tomorrow = from_clinic_clock(
            datetime.combine(clinic_now().date() + timedelta(days=1), time(9, 0))
        )
    with server.app.app_context():
        called = db.session.get(Lead, ids["Alba Yesterday"])
        assert called.follow_up_at == tomorrow
        (note_row,) = db.session.query(LeadNote).filter_by(lead_id=called.id).all()
        assert (note_row.call_outcome, note_row.text) == ("no_answer", "Rang twice, no voicemail.")
    context.close()
