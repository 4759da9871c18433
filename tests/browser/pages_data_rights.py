"""Browser-registry states of the console's data requests (admins only, joined into
pages.PAGES): the search form, the form sent with a bad email, the results for a person
with two leads, a search that finds nothing, the erasure's question, the page after an
erasure, and the results in Spanish.

The person with two leads is made once, directly; the erasure erases a person of its
own each time it is reached, so every other state still finds its leads.
"""

from __future__ import annotations

import uuid

from tests.browser.pages import PageState, once, staff
from tests.factories import make_lead

PAGE = "/staff/admin/data-requests"
MARIA = "maria.datos@example.com"


def _maria(server) -> None:
    """Two leads of one person (email on one, email and phone on the other), with notes."""

    def make() -> None:
        for notes, kinds, phone in (
            (("Called back, left a message.",), ("clinic_email", "webhook"), ""),
            (
                ("Booked for a consultation.", "Asked about downtime."),
                ("clinic_email",),
                "+12025550123",
            ),
        ):
            make_lead(
                server.app,
                name="María Datos",
                email=MARIA,
                phone=phone,
                notes=notes,
                notifications=kinds,
                audit=("view",),
                direct=True,
            )

    once(server, "data-rights-maria", make)


def search_form(page, server) -> None:
    staff(PAGE, with_lead=False)(page, server)


def _search(page, server, email: str = "", phone: str = "") -> None:
    search_form(page, server)
    page.locator("#email").fill(email)
    page.locator("#phone").fill(phone)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state("load")


def search_errors(page, server) -> None:
    _search(page, server, email="maria at example", phone="call me")
    page.wait_for_selector(".error-summary")


def results(page, server) -> None:
    _maria(server)
    _search(page, server, email=MARIA.upper())
    page.wait_for_selector(".data-request-lead")


def nothing_found(page, server) -> None:
    _search(page, server, phone="(202) 555 0100")


def _erase_question_for(page, server, email: str) -> None:
    make_lead(
        server.app, name="Erin Erase", email=email, notes=("To be erased.",), phone="", direct=True
    )
    _search(page, server, email=email)
    page.locator("form[action$='/data-requests/erase'] button[type=submit]").click()
    page.wait_for_selector("form.confirm-actions")


def erase_question(page, server) -> None:
    _erase_question_for(page, server, f"erin-{uuid.uuid4().hex[:8]}@example.com")


def after_erasure(page, server) -> None:
    erase_question(page, server)
    page.locator("form.confirm-actions button[type=submit]").click()
    page.wait_for_selector(".notice")


PAGES: list[PageState] = [
    PageState("staff-data-request", search_form),
    PageState("staff-data-request-errors", search_errors),
    PageState("staff-data-request-results", results),
    PageState("staff-data-request-nothing-found", nothing_found),
    PageState("staff-data-request-erase-question", erase_question),
    PageState("staff-data-request-erased", after_erasure),
    PageState("es-staff-data-request-results", results, lang="es"),
]
