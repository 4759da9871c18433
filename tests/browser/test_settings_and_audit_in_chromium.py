"""An admin sets the clinic's time zone in Chromium (JavaScript on and off) and the console's
times move to it: the list's times and its days; then the audit log says what they did."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from app import create_app
from tests.browser.tools import run_axe
from tests.factories import PASSWORD, make_lead, make_staff

ADMIN = "admin@clinic.test"
LATE_EVENING = datetime(2026, 12, 3, 23, 30, tzinfo=UTC)  # 4 December, 12:30 in Auckland


@pytest.fixture
def server(tmp_path, live_server_class):
    app = create_app(
        {"TESTING": True, "SECRET_KEY": "browser-settings-key", "RATELIMIT_ENABLED": False},
        instance_path=str(tmp_path),
    )
    make_staff(app, ADMIN, role="admin", name="Ada Admin")
    make_lead(app, name="Late Evening", created_at=LATE_EVENING)
    with live_server_class(app) as live:
        yield live


def _received(page) -> str:
    """The words the lead's received time shows, narrow spaces as plain ones."""
    shown = page.locator(f'time[datetime="{LATE_EVENING.isoformat()}"]').first.inner_text()
    return shown.replace("\u202f", " ").replace("\xa0", " ")


@pytest.mark.browser
@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_an_admin_sets_the_time_zone_and_the_console_follows(
    browser, server, artifacts, javascript
):
    tag = "js" if javascript else "nojs"
    context = browser.new_context(
        java_script_enabled=javascript, viewport={"width": 390, "height": 900}, bypass_csp=True
    )
    page = context.new_page()
    page.goto(server.url + "/staff/sign-in")
    page.get_by_label("Email").fill(ADMIN)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state("load")
    assert "/staff/leads" in page.url

    assert _received(page) == "Dec 3, 2026 11:30 PM"  # UTC, the deployment's zone
    page.goto(server.url + "/staff/leads?date_from=2026-12-04&date_to=2026-12-04")
    assert page.get_by_role("link", name="Late Evening").count() == 0

    page.get_by_role("link", name="Settings").click()
    zone = page.get_by_label("Clinic time zone")
    assert zone.input_value() == "UTC"
    assert page.get_by_text("The clinic’s time now:").is_visible()
    zone.fill("Pacific/Auckland")
    page.get_by_label("New leads count as untouched after (hours)").fill("48")
    page.get_by_role("button", name="Save settings").click()
    page.wait_for_load_state("load")
    assert page.get_by_text("Settings saved.").is_visible()
    assert page.get_by_text("(Pacific/Auckland).").is_visible()
    if javascript:
        assert run_axe(page) == []
    page.screenshot(path=artifacts / f"settings-time-zone-{tag}.png", full_page=True)

    page.get_by_role("link", name="Leads", exact=True).click()
    page.wait_for_load_state("load")
    assert _received(page) == "Dec 4, 2026 12:30 PM"  # the clinic's clock now
    page.goto(server.url + "/staff/leads?date_from=2026-12-04&date_to=2026-12-04")
    assert page.get_by_role("link", name="Late Evening").count() == 1  # the clinic's day

    page.goto(server.url + "/staff/admin/audit?action=settings_change")
    sentences = page.locator("td.audit-sentence").all_inner_texts()
    assert sentences == [
        "New leads now count as untouched after 48 hours (it was 24)",
        "Changed the clinic time zone from UTC to Pacific/Auckland",
    ]
    assert page.locator("tbody td", has_text="Changed a clinic setting").count() == 2
    if javascript:
        assert run_axe(page) == []
    page.screenshot(path=artifacts / f"audit-sentences-{tag}.png", full_page=True)
    context.close()
