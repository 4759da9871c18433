"""Two-factor sign-in end to end in Chromium, with JavaScript on and off: an admin
requires it for the clinic, is sent to set it up, scans nothing (reads the key off the
page, as a person typing it by hand would), saves the recovery codes, signs out, and
signs in again with the password and a code."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from app import create_app
from core.extensions import db
from staff.models import AuditEvent
from tests.browser.tools import run_axe
from tests.factories import PASSWORD, make_staff
from tests.two_factor_support import code_at

ADMIN = "admin@clinic.test"


@pytest.fixture
def server(tmp_path, live_server_class):
    app = create_app(
        {"TESTING": True, "SECRET_KEY": "browser-two-factor-key", "RATELIMIT_ENABLED": False},
        instance_path=str(tmp_path),
    )
    make_staff(app, ADMIN, role="admin", name="Ada Admin")
    with live_server_class(app) as live:
        yield live


def _sign_in_with_password(page, server) -> None:
    page.goto(server.url + "/staff/sign-in")
    page.get_by_label("Email").fill(ADMIN)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state("load")


@pytest.mark.browser
@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_an_admin_requires_two_factor_enrols_and_signs_in_with_a_code(
    browser, server, artifacts, javascript
):
    tag = "js" if javascript else "nojs"
    context = browser.new_context(java_script_enabled=javascript, bypass_csp=True)
    page = context.new_page()
    _sign_in_with_password(page, server)
    assert page.url.endswith("/staff/leads")

    page.get_by_role("link", name="Settings").click()
    page.locator("label[for='require_two_factor']").click()
    page.get_by_role("button", name="Save settings").click()
    # Required now, and this admin has no second factor: the console sends them to set it up.
    assert "/staff/account/two-factor" in page.url
    assert page.get_by_text("The clinic requires two-factor sign-in.").is_visible()
    assert page.get_by_role("img", name="QR code to scan with your authenticator app").is_visible()
    page.goto(server.url + "/staff/leads")
    assert "/staff/account/two-factor" in page.url  # every other page waits
    if javascript:
        assert run_axe(page) == []
    secret = page.locator("#secret-key").inner_text().replace(" ", "")
    assert re.fullmatch(r"[A-Z2-7]{32}", secret)
    page.get_by_label("The code your app shows").fill(code_at(secret))
    page.get_by_label("Your password").fill(PASSWORD)
    page.get_by_role("button", name="Turn on two-factor sign-in").click()
    assert page.get_by_role("heading", name="Save your recovery codes now").is_visible()
    assert page.locator("ol.recovery-codes li").count() == 10
    if javascript:
        assert run_axe(page) == []
    page.screenshot(path=artifacts / f"two-factor-recovery-codes-{tag}.png", full_page=True)
    page.get_by_role("link", name="I saved them: continue").click()
    assert page.url.endswith("/staff/leads")  # through now

    page.get_by_role("button", name="Sign out").click()
    _sign_in_with_password(page, server)
    assert "/staff/sign-in/code" in page.url
    assert page.get_by_role("heading", name="Enter your code").is_visible()
    page.goto(server.url + "/staff/leads")
    assert "/staff/sign-in?" in page.url  # the password alone signed nobody in
    _sign_in_with_password(page, server)
    page.get_by_label("Code").fill("000000")
    page.get_by_role("button", name="Sign in").click()
    assert page.get_by_text("That code is not right, or it was already used.").first.is_visible()
    if javascript:
        assert run_axe(page) == []
    page.get_by_label("Code").fill(code_at(secret, 30))  # the enrolment's own code is spent
    page.get_by_role("button", name="Sign in").click()
    assert page.url.endswith("/staff/leads")
    assert page.get_by_role("button", name="Sign out").is_visible()
    context.close()

    with server.app.app_context():
        rows = db.session.execute(
            select(AuditEvent.action, AuditEvent.detail).order_by(AuditEvent.id)
        ).all()
    assert [tuple(row) for row in rows if row.action != "view"] == [
        ("sign_in", ""),
        ("settings_change", "on: staff must use two-factor sign-in"),
        ("two_factor", "turned two-factor sign-in on"),
        ("two_factor", "wrong code at sign-in"),
        ("sign_in", ""),
    ]
