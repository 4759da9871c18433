"""Browser-registry states of phone intake, contact corrections and duplicates (joined into
pages.PAGES): intake in Spanish (empty and sent empty), the contact correction form and its
errors, a lead whose duplicate is flagged on its page, the merge's confirmation and a merge
refused. (The English intake and its errors are pages.py's "staff-intake" states.)

The same person's two leads are made once, directly, and never merged here, so every
state finds them as they were.
"""

from __future__ import annotations

from tests.browser.pages import PageState, once, staff
from tests.factories import make_lead


def _twins(server) -> tuple[int, int]:
    """Two leads of one person: the same email, written in another case."""

    def make() -> tuple[int, int]:
        first = make_lead(
            server.app,
            name="Lucía Doble",
            email="lucia.doble@example.com",
            phone="+12025550147",
            notes=("Left a message.",),
            direct=True,
        )
        second = make_lead(
            server.app, name="Lucia Doble", email="Lucia.Doble@Example.com", phone="", direct=True
        )
        return first, second

    return once(server, "intake-contact-twins", make)


def intake_errors(page, server) -> None:
    staff("/staff/intake", with_lead=False)(page, server)
    page.locator("main form button[type=submit]").click()
    page.wait_for_selector("#error-summary")


def contact_form(page, server) -> None:
    kept, _duplicate = _twins(server)
    staff(f"/staff/leads/{kept}/contact", with_lead=False)(page, server)


def contact_form_errors(page, server) -> None:
    contact_form(page, server)
    page.locator("#name").fill("")
    page.locator("#email").fill("not an email")
    page.locator("#phone").fill("12")
    page.locator("main form button[type=submit]").click()
    page.wait_for_selector("#error-summary")


def duplicate_flagged(page, server) -> None:
    kept, _duplicate = _twins(server)
    staff(f"/staff/leads/{kept}", with_lead=False)(page, server)
    page.wait_for_selector(".contact-tools .duplicates")


def merge_confirmation(page, server) -> None:
    kept, duplicate = _twins(server)
    staff(f"/staff/leads/{kept}/merge/{duplicate}", with_lead=False)(page, server)
    page.wait_for_selector("main form .confirm-actions")


def merge_refused(page, server) -> None:
    kept, _duplicate = _twins(server)
    staff(f"/staff/leads/{kept}/merge/{kept}", with_lead=False)(page, server)
    page.wait_for_selector("#merge-refused")


PAGES: list[PageState] = [
    PageState("es-staff-intake", staff("/staff/intake", with_lead=False), lang="es"),
    PageState("es-staff-intake-errors", intake_errors, lang="es"),
    PageState("staff-contact-edit", contact_form),
    PageState("staff-contact-edit-errors", contact_form_errors),
    PageState("staff-lead-duplicate-flagged", duplicate_flagged),
    PageState("staff-merge-confirm", merge_confirmation),
    PageState("staff-merge-refused", merge_refused),
    PageState("es-staff-lead-duplicate-flagged", duplicate_flagged, lang="es"),
]
