"""Signing the rules off end to end in Chromium, on a production app with nothing signed.

A person is first told, kindly, that the check is not available; the clinical lead
signs in, reads the rule book, signs with their password; the person then gets a
result that names the clinician who signed. Then a sign-off withdrawn: from the next
request on, the person is told the check is not available. With JavaScript on and off.
"""

from __future__ import annotations

import pytest

from app import create_app
from tests.browser.test_console_in_chromium import finish_questionnaire
from tests.browser.tools import run_axe
from tests.factories import PASSWORD, make_staff
from tests.signoff_support import SIGNER, sign_as_clinician
from tests.support import BY_OUTCOME

CLINICIAN = "lead@clinic.test"


@pytest.fixture
def production_server(tmp_path, live_server_class):
    app = create_app(
        {
            "TESTING": True,
            "APP_ENV": "production",
            "SECRET_KEY": "browser-sign-off-key",
            "PUBLIC_BASE_URL": "http://127.0.0.1",
            "TRUSTED_HOSTS": "127.0.0.1",
            "RATELIMIT_ENABLED": False,
        },
        instance_path=str(tmp_path),
    )
    make_staff(app, CLINICIAN, role="clinician", name=SIGNER["name"])
    with live_server_class(app) as server:
        yield server


@pytest.mark.browser
@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_a_clinician_signs_the_rules_off_and_patients_then_get_results(
    browser, production_server, artifacts, javascript
):
    server = production_server
    version = server.app.extensions["deployed_rules"].base.version
    tag = "js" if javascript else "nojs"
    person = browser.new_context(java_script_enabled=javascript, bypass_csp=True)
    page = person.new_page()
    response = page.goto(server.url + "/")
    assert response.status == 503
    assert page.get_by_role("heading", name="The check is not available right now").is_visible()
    if javascript:
        assert run_axe(page) == []
    page.screenshot(path=artifacts / f"rules-unavailable-{tag}.png", full_page=True)

    lead = browser.new_context(
        java_script_enabled=javascript, viewport={"width": 1280, "height": 900}, bypass_csp=True
    )
    console = lead.new_page()
    console.goto(server.url + "/staff/rules")
    console.get_by_label("Email").fill(CLINICIAN)
    console.get_by_label("Password").fill(PASSWORD)
    console.get_by_role("button", name="Sign in").click()
    assert "/staff/rules" in console.url
    assert console.get_by_role("heading", name=f"Awaiting sign-off: version {version}").is_visible()
    assert console.get_by_role("rowheader", name="R-pregnancy").count() >= 1
    if javascript:
        assert run_axe(console) == []
    console.screenshot(path=artifacts / f"rule-book-pending-{tag}.png", full_page=True)
    # Sent without the confirmation box: named, nothing signed, the rest kept.
    console.get_by_label("Professional registration").fill(SIGNER["registration"])
    console.get_by_label("Your password, to confirm it is you").fill(PASSWORD)
    console.get_by_role("button", name="Sign off this version").click()
    assert console.get_by_text("Confirm that you have reviewed this version.").first.is_visible()
    assert console.get_by_label("Professional registration").input_value() == SIGNER["registration"]
    console.locator("label[for='reviewed']").click()
    console.get_by_label("Your password, to confirm it is you").fill(PASSWORD)
    console.get_by_role("button", name="Sign off this version").click()
    assert console.get_by_text(
        "Signed off: version 2026.11.0 now decides for patients."
    ).is_visible()
    signed_line = f"Signed off by {SIGNER['name']} ({SIGNER['registration']})"
    assert console.get_by_text(signed_line).first.is_visible()
    console.screenshot(path=artifacts / f"rule-book-signed-{tag}.png", full_page=True)
    lead.close()

    finish_questionnaire(page, server.url, BY_OUTCOME["book_consultation"])
    assert page.get_by_role("heading", name="Microneedling is likely to suit you").is_visible()
    signer = page.locator(".signoff")
    assert SIGNER["name"] in signer.inner_text()
    assert SIGNER["registration"] in signer.inner_text()
    assert page.locator(".rules-notice").count() == 0
    person.close()


@pytest.mark.browser
@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_a_clinician_withdraws_a_signoff_and_patients_are_told_the_check_is_unavailable(
    browser, production_server, artifacts, javascript
):
    server = production_server
    signed = sign_as_clinician(server.app, CLINICIAN)
    tag = "js" if javascript else "nojs"
    person = browser.new_context(java_script_enabled=javascript, bypass_csp=True)
    page = person.new_page()
    assert page.goto(server.url + "/").status == 200

    lead = browser.new_context(
        java_script_enabled=javascript, viewport={"width": 1280, "height": 900}, bypass_csp=True
    )
    console = lead.new_page()
    console.goto(server.url + "/staff/rules")
    console.get_by_label("Email").fill(CLINICIAN)
    console.get_by_label("Password").fill(PASSWORD)
    console.get_by_role("button", name="Sign in").click()
    console.get_by_role("link", name=f"Withdraw sign-off of version {signed.version}").click()
    heading = f"Withdraw the sign-off of version {signed.version}?"
    assert console.get_by_role("heading", name=heading).is_visible()
    # The only signed version: the page says patients will be told the check is unavailable.
    assert console.get_by_text("No other signed version is left").is_visible()
    # Sent without a reason: named, nothing withdrawn, still deciding.
    console.get_by_label("Your password, to confirm it is you").fill(PASSWORD)
    console.get_by_role("button", name="Withdraw the sign-off").click()
    assert console.get_by_text("Say why you are withdrawing this sign-off.").first.is_visible()
    if javascript:
        assert run_axe(console) == []
    assert page.goto(server.url + "/").status == 200
    reason = "The minors rule is wrong for this clinic."
    console.get_by_label("Why you are withdrawing it").fill(reason)
    console.get_by_label("Your password, to confirm it is you").fill(PASSWORD)
    console.get_by_role("button", name="Withdraw the sign-off").click()
    assert console.get_by_text(
        f"Sign-off of version {signed.version} withdrawn. No version decides for patients now"
    ).is_visible()
    withdrawn = f"Deployed, its sign-off withdrawn: version {signed.version}"
    assert console.get_by_role("heading", name=withdrawn).is_visible()
    assert console.get_by_text(reason).first.is_visible()
    assert console.get_by_role("button", name="Sign off this version").count() == 0
    if javascript:
        assert run_axe(console) == []
    console.screenshot(path=artifacts / f"rule-book-withdrawn-{tag}.png", full_page=True)
    lead.close()

    response = page.goto(server.url + "/")
    assert response.status == 503
    assert page.get_by_role("heading", name="The check is not available right now").is_visible()
    person.close()
