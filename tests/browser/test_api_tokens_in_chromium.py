"""An admin creates an API token in Chromium; a program reads a lead with it over real HTTP;
the admin revokes it and the program is refused."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

import pytest

from app import create_app
from tests.factories import PASSWORD, make_lead, make_staff


@pytest.fixture
def token_server(tmp_path, live_server_class):
    app = create_app(
        {"TESTING": True, "SECRET_KEY": "browser-api-token-key"}, instance_path=str(tmp_path)
    )
    make_staff(app, "admin@example.com", role="admin", name="Ada Admin")
    lead_id = make_lead(app, name="Zoë Example")
    with live_server_class(app) as server:
        yield server, lead_id


def read_lead(base_url: str, lead_id: int, token: str) -> tuple[int, dict]:
    """What a CRM does: a plain HTTP GET with the bearer token, no browser, no cookie."""
    request = urllib.request.Request(
        f"{base_url}/api/v1/leads/{lead_id}", headers={"Authorization": f"Bearer {token}"}
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # nosec B310
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


@pytest.mark.browser
def test_an_admin_creates_a_token_a_program_uses_it_then_revocation_stops_it(
    browser, token_server, artifacts
):
    server, lead_id = token_server
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(server.url + "/staff/sign-in")
    page.get_by_label("Email").fill("admin@example.com")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name="API tokens").click()

    page.get_by_label("Name (which system uses it").fill("Clinic CRM")
    page.get_by_label("Read leads: the list").check()
    page.get_by_role("button", name="Create token").click()
    token = page.get_by_role("textbox", name="The token").input_value()
    assert token.startswith("sk_")
    page.screenshot(path=artifacts / "api-token-created.png", full_page=True)

    status, lead = read_lead(server.url, lead_id, token)
    assert status == 200
    assert lead["name"] == "Zoë Example" and lead["decision"]["outcome"] == "book_consultation"

    # Shown once: the list, opened again, no longer holds it, and the use is recorded.
    page.get_by_role("link", name="API tokens").click()
    page.wait_for_load_state()  # the page the click led to, loaded
    assert token not in page.content() and token[:10] in page.content()
    assert page.get_by_role("cell", name="Never").count() == 0

    page.get_by_role("link", name="Revoke… Clinic CRM").click()
    page.get_by_role("button", name="Yes, revoke “Clinic CRM”").click()
    page.wait_for_load_state()  # the page the click led to, loaded
    assert page.get_by_role("cell", name="Revoked").count() or "Revoked" in page.content()
    page.screenshot(path=artifacts / "api-token-revoked.png", full_page=True)

    status, body = read_lead(server.url, lead_id, token)
    assert status == 401 and body["errors"][0]["message"]
    context.close()
