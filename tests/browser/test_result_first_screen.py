"""On a 390x844 phone, in English and Spanish, with and without JavaScript, every result's
headline, its next-step action and its first reason in words are within the first screen;
every reason carries its key and severity as attributes, never as words; a citation leads
to its source, and a "Change" link comes back to the result (real Chromium)."""

from __future__ import annotations

import re

import pytest

from questionnaire.service import decide
from tests.browser.chromium import LiveServer
from tests.browser.pages import sealed
from tests.signoff_support import sign_as_clinician
from tests.support import BY_OUTCOME, HEALTHY, sqlite_app

PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def signed_server(tmp_path_factory):
    """Rules signed off by a clinician: the page a patient sees (no test-copy banner)."""
    app = sqlite_app(tmp_path_factory.mktemp("result-signed"), RATELIMIT_ENABLED=False)
    sign_as_clinician(app)
    with LiveServer(app) as server:
        yield server


CASES = {
    **BY_OUTCOME,
    "book_consultation-ice-pick-only": {**HEALTHY, "scar_types": ["ice_pick"]},
    "book_consultation-severe": {**HEALTHY, "scar_severity": "severe"},
}


@pytest.fixture
def phone(browser, request):
    lang, javascript = request.param
    context = browser.new_context(
        viewport=PHONE,
        locale=lang,
        extra_http_headers={"Accept-Language": lang},
        java_script_enabled=javascript,
    )
    yield context.new_page()
    context.close()


PHONES = pytest.mark.parametrize(
    "phone",
    [("en", True), ("en", False), ("es", True), ("es", False)],
    ids=["en-js", "en-nojs", "es-js", "es-nojs"],
    indirect=True,
)


@pytest.mark.browser
@PHONES
@pytest.mark.parametrize("case", list(CASES))
def test_headline_action_and_first_reason_are_on_the_first_screen(phone, signed_server, case):
    phone.goto(f"{signed_server.url}/check/result?s={sealed(signed_server, CASES[case])}")
    assert phone.evaluate("window.scrollY") == 0
    for selector in ("h1.result-headline", "[data-next-action]", "[data-reason-key] >> nth=0"):
        element = phone.locator(selector)
        assert element.count() == 1, selector
        box = element.bounding_box()
        assert box["height"] > 0 and box["y"] >= 0, selector
        assert box["y"] + box["height"] <= PHONE["height"], (selector, box)
    # For "not now" and "see a dermatologist" the first reason is the one that decided.
    if case in ("not_suitable_now", "see_dermatologist"):
        first = phone.locator("[data-reason-key]").first
        assert first.get_attribute("data-reason-severity") == case


@pytest.mark.browser
@PHONES
@pytest.mark.parametrize("case", list(CASES))
def test_every_reason_is_marked_once_and_no_rule_jargon_is_read(phone, live_server, case):
    phone.goto(f"{live_server.url}/check/result?s={sealed(live_server, CASES[case])}")
    assert phone.locator("h1[data-embed-outcome]").count() == 1
    with live_server.app.app_context():
        decision = decide(dict(CASES[case])).decision
    marked = phone.locator("[data-reason-key]")
    keys = [marked.nth(i).get_attribute("data-reason-key") for i in range(marked.count())]
    assert sorted(keys) == sorted(reason.key for reason in decision.reasons)
    severities = {r.key: r.severity for r in decision.reasons}
    for i, key in enumerate(keys):
        assert marked.nth(i).get_attribute("data-reason-severity") == severities[key]
        assert marked.nth(i).inner_text().strip()  # the element shows the reason's words
    text = phone.locator("body").inner_text()
    for reason in decision.reasons:
        assert reason.key not in text and reason.rule not in text
    assert decision.rulebase.sha256[:16] not in text
    assert re.search(r"\b[0-9A-Z]{4}-[0-9A-Z]{4}\b", phone.locator(".reference-code").inner_text())


@pytest.mark.browser
@PHONES
def test_the_ask_for_a_call_action_leads_to_the_contact_form(phone, live_server):
    phone.goto(
        f"{live_server.url}/check/result?s={sealed(live_server, BY_OUTCOME['not_suitable_now'])}"
    )
    phone.locator("[data-next-action]").click()
    assert phone.url.endswith("#contact")
    heading = phone.locator("#contact-title").bounding_box()
    assert 0 <= heading["y"] < PHONE["height"]


@pytest.mark.browser
@PHONES
def test_a_citation_leads_to_its_numbered_source(phone, live_server):
    phone.goto(
        f"{live_server.url}/check/result?s={sealed(live_server, BY_OUTCOME['not_suitable_now'])}"
    )
    phone.locator(".reasons a[href='#source-1']").first.click()
    source = phone.locator("#source-1")
    box = source.bounding_box()
    assert 0 <= box["y"] < PHONE["height"]
    assert source.evaluate("el => el.matches(':target')")
    assert phone.locator(".sources li").first.get_attribute("id") == "source-1"


@pytest.mark.browser
@PHONES
def test_change_goes_to_the_question_and_comes_back_to_the_result(phone, live_server):
    phone.goto(f"{live_server.url}/check/result?s={sealed(live_server, HEALTHY)}")
    phone.locator("details.answers-details > summary").click()
    phone.locator("a[href$='#cold_sores_history-0']").click()
    phone.wait_for_load_state("load")
    # The question is on screen, its label too, and marked as the one to change.
    label = phone.locator("label[for='cold_sores_history-0']").bounding_box()
    assert 0 <= label["y"] < PHONE["height"]
    assert (
        phone.locator(".question:has(#cold_sores_history-0)").evaluate(
            "el => getComputedStyle(el).borderLeftStyle"
        )
        == "solid"
    )
    phone.locator("label[for='cold_sores_history-0']").click()  # Yes
    phone.locator("main form button[type=submit]").click()
    phone.wait_for_url("**/check/result?**")
    assert phone.locator("[data-next-action]").get_attribute("href").endswith("medical-review/")
