"""Browser-registry states of the result page and the confirmation (issue 18), joined
into pages.PAGES.

Every outcome's result in English, the clinician_review result in Spanish and the
confirmation are already in pages.PAGES; these add the careful headline (ice pick
scars only), the other outcomes in Spanish, the answers list opened, a step reached
from a "Change" link, the result after that round trip, and the way back from the
confirmation to the result.
"""

from __future__ import annotations

from tests.browser.pages import PageState, confirmation, result, sealed, visit
from tests.support import BY_OUTCOME, HEALTHY

ICE_PICK_ONLY = {**HEALTHY, "scar_types": ["ice_pick"]}


def result_of(answers: dict):
    def reach(page, server) -> None:
        page.goto(f"{server.url}/check/result?s={sealed(server, answers)}")

    return reach


def answers_open(outcome: str):
    """The result with its "Your answers" list unfolded (each row's Change link showing)."""

    def reach(page, server) -> None:
        result(outcome)(page, server)
        page.locator("details.answers-details > summary").click()
        page.wait_for_selector(".summary-list", state="visible")

    return reach


def change_link(question_id: str):
    """The step a result's Change link opens, at that question."""

    def reach(page, server) -> None:
        answers_open("book_consultation")(page, server)
        page.locator(f"a[href$='#{question_id}-0']").click()
        page.wait_for_load_state("load")
        assert "change=result" in page.url, page.url

    return reach


def after_change(page, server) -> None:
    """A Change round trip: "cold sores" changed to Yes, sent, and straight back on the result."""
    change_link("cold_sores_history")(page, server)
    page.locator("label[for='cold_sores_history-0']").click()  # Yes
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/check/result?**")


def back_from_confirmation(page, server) -> None:
    """The confirmation's "Back to your result" link, followed."""
    confirmation("book_consultation")(page, server)
    page.get_by_role("link", name="Back to your result").click()
    page.wait_for_url("**/check/result?**")


PAGES: list[PageState] = [
    PageState("result-ice-pick-only", result_of(ICE_PICK_ONLY)),
    PageState("es-result-ice-pick-only", result_of(ICE_PICK_ONLY), lang="es"),
    *(
        PageState(f"es-result-{outcome}", result(outcome), lang="es")
        for outcome in BY_OUTCOME
        if outcome != "clinician_review"  # already in pages.PAGES
    ),
    PageState("result-answers-open", answers_open("clinician_review")),
    PageState("es-result-answers-open", answers_open("not_suitable_now"), lang="es"),
    PageState("step-from-change-link", change_link("cold_sores_history")),
    PageState("result-after-change", after_change),
    PageState("result-back-from-confirmation", back_from_confirmation),
    # Issue 30: the confirmation where the person may book (its booking link), in both
    # languages, and the intro's "please start again" notices under the test-copy banner.
    PageState("contact-confirmation-book", confirmation("book_consultation")),
    PageState("es-contact-confirmation-book", confirmation("book_consultation"), lang="es"),
    PageState("es-intro-expired-notice", visit("/?notice=expired"), lang="es"),
    PageState("es-intro-unreadable-answers", visit("/check/result?s=not-a-token"), lang="es"),
]
