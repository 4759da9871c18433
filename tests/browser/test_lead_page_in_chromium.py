"""A coordinator on a phone records a no-answer call with a follow-up tomorrow morning, in
one action, and sees the follow-up at the top of the lead, in Chromium (with and
without JavaScript)."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest

from app import create_app
from core.clinic_time import clinic_now, from_clinic_clock
from core.extensions import db
from leads.models import Contact, Lead, LeadNote
from tests.factories import PASSWORD, make_lead, make_staff
from web.formatting import local_datetime

PHONE = {"width": 375, "height": 812}
PERSON = Contact(
    name="Zoë Example",
    email="zoe@example.com",
    phone="+442079460958",
    contact_time="morning",
    message="Evenings are hard for me.",
)


@pytest.fixture
def clinic(tmp_path, live_server_class):
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "browser-lead-page-key",
            "CLINIC_TIME_ZONE": "Europe/Madrid",
        },
        instance_path=str(tmp_path),
    )
    make_staff(app, "cora@example.com", name="Cora Coordinator")
    lead_id = make_lead(app, contact=PERSON, outcome="clinician_review")
    with live_server_class(app) as server:
        yield server, lead_id


@pytest.mark.browser
@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_a_no_answer_call_with_a_follow_up_tomorrow_shows_at_the_top(
    browser, clinic, artifacts, javascript
):
    server, lead_id = clinic
    context = browser.new_context(java_script_enabled=javascript, viewport=PHONE)
    page = context.new_page()
    page.goto(f"{server.url}/staff/leads/{lead_id}")
    page.get_by_label("Email").fill("cora@example.com")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_selector("#call-title")

    # What a coordinator acts on is in the first screen of a phone.
    for selector in (
        "h1",
        ".lead-decision",
        "a[href^='tel:']",
        "a[href^='mailto:']",
        "#follow-up-at",
    ):
        box = page.locator(selector).first.bounding_box()
        assert box and box["y"] + box["height"] <= PHONE["height"], (selector, box)
    assert page.locator("#follow-up-at").inner_text() == "None set"

    # Tomorrow morning is already chosen: the outcome's button saves the call (one click).
    page.get_by_label("Note (optional)").fill("Rang twice, no voicemail.")
    calls = page.get_by_role("group", name="How did the call go?")
    calls.get_by_role("button", name="No answer", exact=True).click()
    page.wait_for_load_state()
    page.wait_for_selector("[role=status]")
    page.screenshot(
        path=artifacts / f"lead-page-call-recorded-{'js' if javascript else 'nojs'}.png"
    )

    assert "Call recorded: No answer." in page.locator("[role=status]").inner_text()
    with server.app.test_request_context():
        tomorrow = from_clinic_clock(
            datetime.combine(clinic_now().date() + timedelta(days=1), time(9, 0))
        )
        shown = local_datetime(tomorrow)
    follow_up = page.locator("#follow-up-at")
    assert shown in follow_up.inner_text() and "Overdue" not in follow_up.inner_text()
    box = follow_up.bounding_box()
    assert box and box["y"] + box["height"] <= PHONE["height"]  # still at the top
    assert page.locator("#contact-title ~ dl").inner_text().count("New") == 1  # not changed
    call = page.locator(".timeline li.note-call")
    assert "Call: No answer" in call.inner_text() and "Rang twice" in call.inner_text()

    with server.app.app_context():
        lead = db.session.get(Lead, lead_id)
        assert lead.status == "new" and lead.follow_up_at == tomorrow
        assert [(n.kind, n.call_outcome) for n in db.session.query(LeadNote)] == [
            ("call", "no_answer")
        ]
    context.close()
