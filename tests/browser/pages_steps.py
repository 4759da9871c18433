"""Browser-registry states of the short steps and the intro (issue 18), joined into pages.PAGES.

Every step, and every step sent empty, is already in pages.PAGES (one state per step
id); these add the new steps in Spanish, a compact yes/no row with its error, and a
new step inside a clinic's iframe.
"""

from __future__ import annotations

from tests.browser.pages import PageState, embed_step, step, step_with_errors
from tests.support import HEALTHY, form_fields


def step_with_one_error(step_id: str, blank: str):
    """The step sent with every question answered but ``blank``: one row in error."""

    def reach(page, server) -> None:
        step(step_id)(page, server)
        answers = form_fields({k: v for k, v in HEALTHY.items() if k != blank}, step_id)
        for name, value in answers.items():
            page.locator(f"input[name='{name}'][value='{value}']").check()
        page.locator("form button.button").click()
        page.wait_for_selector("#error-summary")

    return reach


PAGES: list[PageState] = [
    PageState("es-step-area", step("area"), lang="es"),
    PageState("es-step-medicines", step("medicines"), lang="es"),
    PageState("es-step-healing-errors", step_with_errors("healing"), lang="es"),
    PageState("step-health-one-unanswered", step_with_one_error("health", "cold_sores_history")),
    PageState("embed-step-medicines-errors", embed_step("medicines", errors=True)),
]
