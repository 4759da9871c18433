"""Accounts in Chromium, with JavaScript on and off: an admin edits a colleague and issues a
set-password link shown once; the colleague opens it, chooses a password and signs in; a
front-desk member finds no export and is refused one."""

from __future__ import annotations

import pytest

from app import create_app
from tests.factories import PASSWORD, make_staff

ADMIN = "admin@example.com"
COLLEAGUE = "cole@example.com"
CHOSEN = "marble kayak thistle 31"


@pytest.fixture
def accounts_server(tmp_path, live_server_class):
    app = create_app(
        {"TESTING": True, "SECRET_KEY": "browser-accounts-key", "RATELIMIT_ENABLED": False},
        instance_path=str(tmp_path),
    )
    make_staff(app, ADMIN, role="admin", name="Ada Admin")
    make_staff(app, COLLEAGUE, role="staff", name="Cole League")
    with live_server_class(app) as server:
        yield server


def _sign_in(page, base_url: str, email: str, password: str) -> None:
    page.goto(base_url + "/staff/sign-in")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


@pytest.mark.browser
@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_an_admin_edits_a_colleague_who_then_sets_a_password_with_a_link(
    browser, accounts_server, artifacts, javascript
):
    server = accounts_server
    tag = "js" if javascript else "nojs"
    admin = browser.new_context(
        java_script_enabled=javascript, viewport={"width": 390, "height": 900}
    )
    page = admin.new_page()
    _sign_in(page, server.url, ADMIN, PASSWORD)
    page.get_by_role("link", name="Staff", exact=True).click()
    page.get_by_role("link", name=f"Edit {COLLEAGUE}").click()
    page.get_by_label("Name").fill("Cole Leaguer")
    page.get_by_label("Role").select_option("clinician")
    page.get_by_text("May export leads as CSV").click()
    page.get_by_role("button", name="Save changes").click()
    page.wait_for_load_state()  # the page the click led to, loaded
    assert f"The changes to {COLLEAGUE} are saved." in page.content()
    row = page.get_by_role("row").filter(has_text=COLLEAGUE)
    assert "Cole Leaguer" in row.inner_text() and "Clinician" in row.inner_text()
    assert "may export" in row.inner_text()

    page.get_by_role("link", name=f"Edit {COLLEAGUE}").click()
    page.get_by_role("button", name="Show a link to copy").click()
    link = page.get_by_role("textbox", name="Link").input_value()
    assert "/staff/set-password?token=" in link
    page.screenshot(path=artifacts / f"accounts-link-shown-{tag}.png", full_page=True)
    page.get_by_role("link", name="Back to the staff").click()
    page.get_by_role("link", name=f"Edit {COLLEAGUE}").click()  # shown once: not again
    assert page.locator("#password-link").count() == 0
    admin.close()

    colleague = browser.new_context(
        java_script_enabled=javascript, viewport={"width": 390, "height": 900}
    )
    page = colleague.new_page()
    page.goto(server.url + link[link.index("/staff/set-password") :])
    assert page.url == server.url + "/staff/set-password"  # the token left the address
    page.get_by_label("New password (at least 12 characters)").fill(CHOSEN)
    page.get_by_label("New password again").fill(CHOSEN + "x")
    page.get_by_role("button", name="Set password").click()
    assert page.locator(".error-summary").is_visible()
    assert "The two new passwords are not the same." in page.content()
    page.get_by_label("New password (at least 12 characters)").fill(CHOSEN)
    page.get_by_label("New password again").fill(CHOSEN)
    page.get_by_role("button", name="Set password").click()
    page.wait_for_load_state()  # the page the click led to, loaded
    assert "Your password is set. Sign in with it." in page.content()
    page.get_by_label("Email").fill(COLLEAGUE)
    page.get_by_label("Password").fill(CHOSEN)
    page.get_by_role("button", name="Sign in").click()
    assert page.url.endswith("/staff/leads"), page.url
    assert "Export these as CSV" in page.content()  # the permission the admin gave
    page.goto(server.url + link[link.index("/staff/set-password") :])
    assert page.get_by_role("heading", name="This link no longer works").is_visible()
    page.screenshot(path=artifacts / f"accounts-link-used-{tag}.png", full_page=True)
    colleague.close()


@pytest.mark.browser
def test_the_front_desk_sees_no_export_and_is_refused_one(browser, accounts_server):
    context = browser.new_context(viewport={"width": 390, "height": 900})
    page = context.new_page()
    _sign_in(page, accounts_server.url, COLLEAGUE, PASSWORD)
    assert page.get_by_role("link", name="Export these as CSV").count() == 0
    answer = page.goto(accounts_server.url + "/staff/leads.csv")
    assert answer.status == 403
    assert "needs the permission to export" in page.content()
    context.close()
