"""Browser-registry states of the scar pictures and their cards (issue 18), joined into
pages.PAGES.

The scars step itself, with its errors and inside the embed, is already in pages.PAGES;
these add it in Spanish (the longest card texts) and with cards chosen (their selected
colour behind the pictures), each checked at a phone and a laptop width.
"""

from __future__ import annotations

from tests.browser.pages import PageState, step, step_with_errors


def scars_chosen(page, server) -> None:
    """The scars step with two cards ticked: the selected card's border and background."""
    step("scars")(page, server)
    page.locator("label[for='scar_types-0']").click()
    page.locator("label[for='scar_types-2']").click()


PAGES: list[PageState] = [
    PageState("es-step-scars", step("scars"), lang="es"),
    PageState("es-step-scars-errors", step_with_errors("scars"), lang="es"),
    PageState("step-scars-chosen", scars_chosen),
]
