"""The language switch on a step page, in Chromium with JavaScript on and off: the header's
buttons submit the step form, so what is ticked comes back ticked in the other language,
and Enter in the age box still sends the step rather than switching the language."""

from __future__ import annotations

import pytest

from questionnaire.catalogue import QUESTIONS, STEPS
from tests.browser.chromium import ARTIFACTS  # noqa: F401  (the artifacts fixture writes there)
from tests.browser.pages import step


@pytest.mark.browser
@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_the_switch_keeps_what_is_ticked_on_the_step(browser, live_server, artifacts, javascript):
    context = browser.new_context(
        java_script_enabled=javascript, viewport={"width": 390, "height": 844}
    )
    page = context.new_page()
    step_id = STEPS[1].id
    step(step_id)(page, live_server)
    first = next(q for q in QUESTIONS if q.step == step_id)
    page.locator(f"label[for='{first.id}-0']").click()
    chosen = page.locator(f"input#{first.id}-0").get_attribute("value")

    page.get_by_role("navigation", name="Language").get_by_role("button", name="Español").click()
    page.wait_for_selector("html[lang='es']")
    assert f"/check/{step_id}?" in page.url
    assert page.locator(f"input#{first.id}-0").is_checked()
    assert page.locator(f"input[name='{first.id}'][value='{chosen}']").is_checked()
    assert page.locator("#error-summary").count() == 0
    assert page.locator(".has-error").count() == 0
    # Every other question is still unanswered: nothing was ticked for the person.
    others = [q for q in QUESTIONS if q.step == step_id and q.id != first.id and q.kind != "int"]
    for question in others:
        assert page.locator(f"input[name='{question.id}']:checked").count() == 0
    page.screenshot(path=artifacts / f"language-switched-{'js' if javascript else 'no-js'}.png")
    context.close()


@pytest.mark.browser
@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_enter_in_the_age_box_sends_the_step(browser, live_server, javascript):
    age = next(q for q in QUESTIONS if q.kind == "int")
    context = browser.new_context(java_script_enabled=javascript)
    page = context.new_page()
    step(age.step)(page, live_server)
    page.locator(f"input#{age.id}").fill("34")
    page.locator(f"input#{age.id}").press("Enter")
    page.wait_for_load_state()
    # Sent as the step (the rest unanswered: its errors, in English), not switched.
    page.wait_for_selector("#error-summary")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator(f"input#{age.id}").input_value() == "34"
    context.close()
