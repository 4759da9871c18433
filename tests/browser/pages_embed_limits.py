"""Browser-registry states of the spam trap, the language switch that keeps answers and
the embedded check (issue 18), joined into pages.PAGES.

The embedded contact form with its errors is already in pages.PAGES; these add a
step after switching language with an answer ticked (the switch is the step
form's buttons there), the same on a step shown with errors, and a result whose
contact form carries the hidden spam trap.
"""

from __future__ import annotations

from questionnaire.catalogue import STEPS
from tests.browser.pages import PageState, result, step, step_with_errors


def _switch_to_spanish(page) -> None:
    page.locator("nav.language-switch button[value='es']").click()
    page.wait_for_selector("html[lang='es']")


def step_switched_with_an_answer(step_id: str):
    """One answer ticked, then "Español": the same step in Spanish, the answer still ticked."""

    def reach(page, server) -> None:
        step(step_id)(page, server)
        page.locator("#step-form .option-label").first.click()
        _switch_to_spanish(page)
        assert page.locator("#step-form input:checked").count() == 1

    return reach


def step_with_errors_switched(step_id: str):
    """The step sent empty (its errors), then "Español": the step again, without errors."""

    def reach(page, server) -> None:
        step_with_errors(step_id)(page, server)
        _switch_to_spanish(page)

    return reach


def result_with_spam_trap(page, server) -> None:
    result("book_consultation")(page, server)
    assert page.locator("#contact input[name='website'][tabindex='-1']").count() == 1


PAGES: list[PageState] = [
    PageState("step-language-switched-answer-kept", step_switched_with_an_answer(STEPS[1].id)),
    PageState("step-errors-language-switched", step_with_errors_switched(STEPS[0].id)),
    PageState("result-contact-form-spam-trap", result_with_spam_trap),
]
