"""A person completes the questionnaire in a real browser, with and without JavaScript."""

from __future__ import annotations

import pytest
from support import BY_OUTCOME

from questionnaire.catalogue import QUESTIONS, STEPS

HEADLINES = {
    "book_consultation": "Microneedling is likely to suit you",
    "clinician_review": "You may be suitable, but a clinician needs to check some things first",
    "see_dermatologist": "Please see a dermatologist first",
    "not_suitable_now": "Microneedling should not be done at the moment",
}


def answer_step(page, step_id: str, answers: dict) -> None:
    """Answer like a person: click the visible label of each choice, type the age."""
    for question in QUESTIONS:
        if question.step != step_id:
            continue
        value = answers[question.id]
        if question.kind == "int":
            page.get_by_label(str(question.label)).fill(str(value))
            continue
        wanted = value if isinstance(value, list) else [value]
        if question.kind == "bool":
            wanted = ["yes" if value else "no"]
        for index, choice in enumerate(question.choices):
            if choice.value in wanted:
                page.locator(f"label[for='{question.id}-{index}']").click()


@pytest.mark.browser
@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
@pytest.mark.parametrize("outcome", list(BY_OUTCOME))
def test_complete_the_check_to_each_outcome(browser, live_server, artifacts, outcome, javascript):
    context = browser.new_context(
        java_script_enabled=javascript, viewport={"width": 375, "height": 740}
    )
    page = context.new_page()
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Start the check").click()
    for number, step in enumerate(STEPS, start=1):
        assert page.locator(".progress-label").inner_text() == f"Step {number} of {len(STEPS)}"
        answer_step(page, step.id, BY_OUTCOME[outcome])
        page.get_by_role(
            "button", name="See my result" if number == len(STEPS) else "Continue"
        ).click()
    heading = page.get_by_role("heading", level=1)
    assert heading.inner_text() == HEADLINES[outcome]
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.screenshot(
        path=artifacts / f"result-{outcome}-{'js' if javascript else 'nojs'}.png", full_page=True
    )
    context.close()


@pytest.mark.browser
def test_errors_take_focus_and_back_keeps_answers(browser, live_server):
    context = browser.new_context()
    page = context.new_page()
    page.goto(live_server.url + "/check/start")
    page.locator("label[for='scar_types-2']").click()
    page.get_by_role("button", name="Continue").click()
    summary = page.locator("#error-summary")
    assert summary.is_visible()
    assert page.evaluate("document.activeElement.id") == "error-summary"
    assert page.locator("#scar_types-2").is_checked()
    page.get_by_role("link", name="Choose how visible your scars are.").click()
    assert page.evaluate("location.hash") == "#scar_severity-0"
    page.locator("label[for='scar_severity-2']").click()
    page.get_by_role("button", name="Continue").click()
    assert page.locator(".progress-label").inner_text() == "Step 2 of 4"
    page.get_by_role("link", name="Back", exact=True).click()
    assert page.locator("#scar_types-2").is_checked()
    assert page.locator("#scar_severity-2").is_checked()
    page.reload()
    assert page.locator("#scar_severity-2").is_checked()
    context.close()
