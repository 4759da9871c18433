"""A person completes the questionnaire in a real browser, with and without JavaScript."""

from __future__ import annotations

import pytest

from questionnaire.catalogue import QUESTIONS, STEPS
from tests.support import BY_OUTCOME

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
            page.locator(f"input#{question.id}").fill(str(value))
            continue
        wanted = value if isinstance(value, list) else [value]
        if question.kind == "bool":
            wanted = ["yes" if value else "no"]
        for index, choice in enumerate(question.choices):
            if choice.value in wanted:
                page.locator(f"label[for='{question.id}-{index}']").click()


@pytest.mark.browser
@pytest.mark.parametrize("width", [375, 1280])
@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
@pytest.mark.parametrize("outcome", list(BY_OUTCOME))
def test_complete_the_check_to_each_outcome(
    browser, live_server, artifacts, outcome, javascript, width
):
    context = browser.new_context(
        java_script_enabled=javascript, viewport={"width": width, "height": 740}
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
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    flow_shots = artifacts / "flows"
    flow_shots.mkdir(exist_ok=True)
    page.screenshot(
        path=flow_shots / f"result-{outcome}-{'js' if javascript else 'nojs'}-{width}.png",
        full_page=True,
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
    assert page.locator(".progress-label").inner_text() == f"Step 2 of {len(STEPS)}"
    page.get_by_role("link", name="Back", exact=True).click()
    assert page.locator("#scar_types-2").is_checked()
    assert page.locator("#scar_severity-2").is_checked()
    page.reload()
    assert page.locator("#scar_severity-2").is_checked()
    context.close()


@pytest.mark.browser
@pytest.mark.parametrize("where", ["step", "contact form"])
def test_back_to_a_page_shown_with_errors_loads_it_without_resending(browser, live_server, where):
    """The browser's Back button on a page drawn from a POST asked to resend the form."""
    page = browser.new_page()
    page.goto(live_server.url + "/check/start")
    if where == "contact form":
        for number, step in enumerate(STEPS, start=1):
            answer_step(page, step.id, BY_OUTCOME["book_consultation"])
            page.get_by_role(
                "button", name="See my result" if number == len(STEPS) else "Continue"
            ).click()
        page.get_by_role("button", name="Ask the clinic to contact me").click()
        plain_address = "/check/result?s="
    else:
        page.get_by_role("button", name="Continue").click()
        plain_address = "/check/scars?s="
    assert page.locator("#error-summary, #contact-error-summary").first.is_visible()
    page.wait_for_function(f"location.href.indexOf({plain_address!r}) > 0")
    page.goto(live_server.url + "/")  # anywhere else, then Back
    response = page.go_back()
    assert response is not None and response.status == 200
    assert response.request.method == "GET"
    assert plain_address in page.url
    page.close()


SPANISH_HEADLINES = {
    "not_suitable_now": "No conviene hacerse el tratamiento con microagujas en este momento",
}


@pytest.mark.browser
def test_a_printed_result_keeps_the_reasons_and_leaves_out_the_form(browser, live_server):
    """The see-a-dermatologist result asks people to take it with them: printing must work."""
    page = browser.new_page()
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Start the check").click()
    for number, step in enumerate(STEPS, start=1):
        answer_step(page, step.id, BY_OUTCOME["see_dermatologist"])
        page.get_by_role(
            "button", name="See my result" if number == len(STEPS) else "Continue"
        ).click()
    page.emulate_media(media="print")
    assert page.get_by_role("heading", level=1).is_visible()
    assert page.locator(".reasons li").first.is_visible()
    assert page.locator(".sources").is_visible()
    assert page.locator(".reference-code").is_visible()  # the reference to quote is printed
    for left_out in (".contact", ".language-switch", ".actions"):
        assert page.locator(left_out).first.is_hidden(), left_out
    page.emulate_media(media="screen")
    assert page.locator(".contact").is_visible()  # only the printout leaves it out
    page.close()


@pytest.mark.browser
def test_complete_the_check_in_spanish(browser, live_server):
    """A Spanish-speaking browser gets the whole flow in Spanish, without choosing anything."""
    context = browser.new_context(
        locale="es-MX", extra_http_headers={"Accept-Language": "es-MX,es;q=0.9"}
    )
    page = context.new_page()
    page.goto(live_server.url + "/")
    assert page.locator("html").get_attribute("lang") == "es"
    page.get_by_role("link", name="Empezar la revisión").click()
    for number, step in enumerate(STEPS, start=1):
        assert page.locator(".progress-label").inner_text() == f"Paso {number} de {len(STEPS)}"
        if number == 2:  # the questions are in Spanish too
            assert page.get_by_text("¿Brotes de acné ahora?").is_visible()
        answer_step(page, step.id, BY_OUTCOME["not_suitable_now"])
        page.get_by_role(
            "button", name="Ver mi resultado" if number == len(STEPS) else "Continuar"
        ).click()
    heading = page.get_by_role("heading", level=1)
    assert heading.inner_text() == SPANISH_HEADLINES["not_suitable_now"]
    assert page.get_by_role("heading", name="Su siguiente paso").is_visible()
    # The switch shows the same result in English, answers kept.
    page.get_by_role("link", name="English").click()
    assert page.get_by_role("heading", level=1).inner_text() == HEADLINES["not_suitable_now"]
    context.close()
