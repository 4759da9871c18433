"""A coordinator takes a phone call in Chromium at 1366×768: the caller's details first, every
question, a warning (with a link) that the caller already has a lead, then the new lead
(theirs, already Contacted), where the earlier request is flagged as a duplicate and merged
into it, choosing each differing detail; the merged lead is then read-only and says where it
went. With JavaScript and without."""

from __future__ import annotations

import re

import pytest

from app import create_app
from core.extensions import db
from leads.models import Lead
from questionnaire.catalogue import STEPS
from tests.browser.test_wizard_in_chromium import answer_step
from tests.factories import PASSWORD, make_lead, make_staff
from tests.support import BY_OUTCOME


@pytest.fixture
def desk_server(tmp_path, live_server_class):
    app = create_app(
        {"TESTING": True, "SECRET_KEY": "browser-intake-key", "RATELIMIT_ENABLED": False},
        instance_path=str(tmp_path),
    )
    make_staff(app, "dana@example.com", role="staff", name="Dana Desk")
    earlier = make_lead(
        app,
        name="Carla Caller",
        email="carla@example.com",
        notes=("Asked about downtime; call back after 5 pm.",),
        phone="",
        direct=True,
    )
    with live_server_class(app) as server:
        yield server, earlier


@pytest.mark.browser
@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_a_phone_call_becomes_my_contacted_lead_and_its_duplicate_is_merged(
    browser, desk_server, artifacts, javascript
):
    server, earlier = desk_server
    tag = "js" if javascript else "nojs"
    context = browser.new_context(
        java_script_enabled=javascript, viewport={"width": 1366, "height": 768}
    )
    page = context.new_page()
    page.goto(server.url + "/staff/sign-in")
    page.get_by_label("Email").fill("dana@example.com")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name="Phone intake").click()

    # The caller's details and consent first, as the call starts.
    page.get_by_label("Caller’s name").fill("Carla Caller")
    page.get_by_label("Phone number").fill("+44 20 7946 0000")
    page.get_by_label("Email address").fill("Carla@Example.com")
    page.locator("label[for='contact_time-2']").click()  # evening
    assert "I agree that" in page.locator("#consent-words").inner_text()
    page.locator("label[for='consent']").click()
    # Sent too early: the summary tells the coordinator what to ask, and keeps what was typed.
    page.get_by_role("button", name="Decide and create the lead").click()
    summary = page.locator("#error-summary")
    assert "Ask: Which of these look like your scars?" in summary.inner_text()
    assert "caller’s name" not in summary.inner_text()
    assert page.get_by_label("Caller’s name").input_value() == "Carla Caller"
    assert page.locator("#consent").is_checked()
    page.screenshot(path=artifacts / f"intake-errors-{tag}.png", full_page=True)

    # Before anything is stored: the caller's earlier lead, with a link, beside what to ask.
    warning = page.locator("#duplicate-warning")
    assert "This caller may already have a lead" in warning.inner_text()
    assert f"Lead #{earlier}" in warning.inner_text() and "same email" in warning.inner_text()
    assert warning.get_by_role("link").get_attribute("href") == f"/staff/leads/{earlier}"
    with server.app.app_context():
        assert db.session.query(Lead).count() == 1  # nothing stored yet
    page.screenshot(path=artifacts / f"intake-duplicate-warning-{tag}.png", full_page=True)

    for step in STEPS:
        answer_step(page, step.id, BY_OUTCOME["clinician_review"])
    page.get_by_role("button", name="Create the lead anyway").click()

    # The new lead's page: theirs, Contacted, and the earlier request flagged.
    page.wait_for_url(re.compile(r".*/staff/leads/\d+(\?.*)?$"))
    new_id = int(re.search(r"/staff/leads/(\d+)", page.url).group(1))
    assert new_id != earlier
    content = page.locator("main").inner_text()
    assert f"Lead #{new_id} created from the call, assigned to you and marked Contacted." in content
    assert "Dana Desk (you)" in content and "Contacted" in content
    duplicates = page.locator(".contact-tools .duplicates")
    assert f"Possible duplicate: lead #{earlier} (same email)" in duplicates.inner_text()
    page.screenshot(path=artifacts / f"intake-new-lead-{tag}.png", full_page=True)

    page.get_by_role("link", name=f"Merge #{earlier} into this lead…").click()
    assert page.get_by_role("heading", level=1).inner_text() == (
        f"Merge lead #{earlier} into lead #{new_id}?"
    )
    # Each differing detail offered from both leads: the new phone number (the earlier lead
    # had none) and the best time; the same email is not asked.
    phone = page.get_by_role("group", name="Phone")
    assert "+44 20 7946 0000" in phone.inner_text() and "(none)" in phone.inner_text()
    assert page.locator("#choose-phone-kept").is_checked()
    assert page.get_by_role("group", name="Email").count() == 0
    page.locator("label[for='choose-contact_time-duplicate']").click()  # the earlier best time
    page.screenshot(path=artifacts / f"merge-confirm-{tag}.png", full_page=True)
    page.get_by_role("button", name=f"Merge lead #{earlier} into lead #{new_id}").click()
    page.wait_for_url(re.compile(rf".*/staff/leads/{new_id}(\?.*)?$"))
    content = page.locator("main").inner_text()
    assert f"Lead #{earlier} was merged into this lead" in content
    assert "Asked about downtime; call back after 5 pm." in content  # its note came along
    assert "Possible duplicate" not in content
    assert f"Best time (lead #{new_id}): Evening → " in content  # the value not kept, in history

    # The merged lead: read-only, with the way to the kept one.
    page.goto(server.url + f"/staff/leads/{earlier}")
    banner = page.locator(".merged-banner")
    assert f"Merged into lead #{new_id}." in banner.inner_text()
    assert page.locator("#call").count() == 0 and page.locator("#notes form").count() == 0
    page.screenshot(path=artifacts / f"merged-lead-{tag}.png", full_page=True)
    banner.get_by_role("link", name=f"Work on lead #{new_id} instead").click()
    page.wait_for_url(re.compile(rf".*/staff/leads/{new_id}(\?.*)?$"))
    context.close()
    with server.app.app_context():
        kept, merged = db.session.get(Lead, new_id), db.session.get(Lead, earlier)
        assert (kept.status, kept.assigned_to.name, kept.source) == (
            "contacted",
            "Dana Desk",
            "staff_intake",
        )
        assert (merged.merged_into_id, merged.status) == (new_id, "closed")
        assert (kept.phone, kept.contact_time) == ("+442079460000", merged.contact_time)
