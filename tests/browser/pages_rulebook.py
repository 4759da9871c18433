"""Browser-registry states of the rule book read top to bottom and of trying a patient: the
rule book with an earlier version signed (so the deployed one awaits sign-off with its exact
effect), the try-a-patient page empty, sent unanswered, and opened from a lead (its answers
decided by the version awaiting sign-off beside the signed one).

The registry's deployed version stays unsigned for the other areas' states: the earlier
version is signed only while a page is drawn (pages_signoff_withdrawal._signoffs).
"""

from __future__ import annotations

from tests.browser.pages import PageState, staff, staff_lead_detail
from tests.browser.pages_signoff_withdrawal import _signoffs


def rule_book_effect(page, server) -> None:
    """The deployed version awaiting sign-off against a signed earlier one: its effect."""
    with _signoffs(server, with_withdrawn=False):
        staff("/staff/rules", role="clinician")(page, server)
        page.wait_for_selector("#texts-title")


def try_empty(page, server) -> None:
    staff("/staff/rules/try", with_lead=False, role="clinician")(page, server)
    page.wait_for_selector("#answers-title")


def try_errors(page, server) -> None:
    """Sent with nothing answered: every question named in the summary, nothing decided."""
    try_empty(page, server)
    page.locator("main form button[type=submit]").click()
    page.wait_for_selector("#error-summary")


def try_lead(page, server) -> None:
    """A lead's answers opened from its page, decided by both versions side by side."""
    with _signoffs(server, with_withdrawn=False):
        staff_lead_detail(page, server)
        page.locator("a.try-lead").click()
        page.wait_for_selector(".tried-version")


PAGES: list[PageState] = [
    PageState("staff-rule-book-effect", rule_book_effect),
    PageState("staff-rule-book-try", try_empty),
    PageState("staff-rule-book-try-errors", try_errors),
    PageState("staff-rule-book-try-lead", try_lead),
    PageState("es-staff-rule-book-effect", rule_book_effect, lang="es"),
    PageState("es-staff-rule-book-try-errors", try_errors, lang="es"),
    PageState("es-staff-rule-book-try-lead", try_lead, lang="es"),
]
