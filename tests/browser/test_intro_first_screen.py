"""On a 390x844 phone the intro's start button, and what must be read before it, fit the
first screen, in English and Spanish, on a copy whose rules a clinician has signed off
(what a patient sees: production serves nothing else)."""

from __future__ import annotations

import pytest

from questionnaire.catalogue import STEPS
from tests.browser.chromium import LiveServer
from tests.signoff_support import SIGNER, sign_as_clinician
from tests.support import sqlite_app

PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def signed_server(tmp_path_factory):
    app = sqlite_app(tmp_path_factory.mktemp("intro-signed"), RATELIMIT_ENABLED=False)
    sign_as_clinician(app)
    with LiveServer(app) as server:
        yield server


@pytest.mark.browser
@pytest.mark.parametrize("javascript", [True, False], ids=["js", "nojs"])
@pytest.mark.parametrize("lang", ["en", "es"])
def test_the_start_button_is_on_the_first_phone_screen(browser, signed_server, lang, javascript):
    context = browser.new_context(
        viewport=PHONE,
        locale=lang,
        extra_http_headers={"Accept-Language": lang},
        java_script_enabled=javascript,
    )
    page = context.new_page()
    page.goto(signed_server.url + "/")
    start = page.locator("a.button-start")
    box = start.bounding_box()
    assert box["y"] + box["height"] <= PHONE["height"], box
    # What a person must read before starting comes before the button: the purpose,
    # what is asked and that nothing is stored, and who signed the rules off.
    for before in (".lead", ".intro-facts", ".intro-signoff"):
        other = page.locator(before).bounding_box()
        assert other["y"] + other["height"] <= box["y"], before
    assert SIGNER["name"] in page.locator(".intro-signoff").inner_text()
    start.click()
    page.wait_for_url(f"**/check/{STEPS[0].id}?s=*")
    context.close()


@pytest.mark.browser
@pytest.mark.parametrize("javascript", [True, False], ids=["js", "nojs"])
@pytest.mark.parametrize("lang", ["en", "es"])
@pytest.mark.parametrize("address", ["/", "/?notice=expired", "/check/result?s=not-a-token"])
def test_every_banner_leaves_the_start_button_on_the_first_phone_screen(
    browser, live_server, lang, javascript, address
):
    """The "not for patients" banner of an unsigned copy, alone or with "please start again"
    (answers expired or unreadable): the start button stays within the first screen."""
    context = browser.new_context(
        viewport=PHONE,
        locale=lang,
        extra_http_headers={"Accept-Language": lang},
        java_script_enabled=javascript,
    )
    page = context.new_page()
    page.goto(live_server.url + address)
    page.wait_for_load_state()
    assert page.locator(".rules-notice").is_visible()  # live_server's rules are not signed
    if address != "/":
        assert page.locator(".notice").first.is_visible()
    box = page.locator("a.button-start").bounding_box()
    assert box["y"] >= 0 and box["y"] + box["height"] <= PHONE["height"], box
    context.close()
