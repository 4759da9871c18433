"""Browser-registry states of safe merging (issue 28; joined into pages.PAGES): the merge page
with a choice left unanswered (its error), a merged lead's read-only page, the refusal a
change to it gets, the leads list's "possible duplicate" flags, and phone intake's warning
that the caller already has a lead. In English and Spanish where the words are new.

The leads are made once per server, directly; the merged pair is merged through the
service, so the states never depend on one another's order.
"""

from __future__ import annotations

from core.extensions import db
from leads.merge import merge_leads
from questionnaire.catalogue import STEPS
from tests.browser.pages import PageState, once, staff
from tests.browser.test_wizard_in_chromium import answer_step
from tests.factories import make_lead
from tests.support import BY_OUTCOME


def _pair(server) -> tuple[int, int]:
    """Two open leads of one person (a new phone number on the second): to merge on a page."""

    def make() -> tuple[int, int]:
        first = make_lead(
            server.app, name="Marta Doble", email="marta.doble@example.com",
            phone="+12025550148", direct=True,
        )  # fmt: skip
        second = make_lead(
            server.app, name="Marta Doble Ruiz", email="marta.doble@example.com",
            phone="+12025550149", message="Mi número nuevo.", direct=True,
        )  # fmt: skip
        return first, second

    return once(server, "merge-pair", make)


def _merged(server) -> tuple[int, int]:
    """A lead merged into another: (kept, merged)."""

    def make() -> tuple[int, int]:
        kept = make_lead(
            server.app, name="Nora Fusion", email="nora@example.com", phone="", direct=True
        )
        gone = make_lead(
            server.app, name="Nora Fusión", email="nora@example.com", phone="+12025550150",
            notes=("Called twice.",), direct=True,
        )  # fmt: skip
        with server.app.app_context():
            merge_leads(gone, kept, by_id=None, describe=lambda lead: f"Merged from #{lead.id}.")
            db.session.remove()
        return kept, gone

    return once(server, "merge-merged", make)


def merge_choice_missing(page, server) -> None:
    kept, duplicate = _pair(server)
    staff(f"/staff/leads/{kept}/merge/{duplicate}", with_lead=False)(page, server)
    page.locator("#choose-phone-kept").evaluate("radio => { radio.checked = false }")
    page.locator("#choose-phone-duplicate").evaluate("radio => { radio.checked = false }")
    page.locator("main form button[type=submit]").click()
    page.wait_for_selector("#error-summary")


def merge_choices(page, server) -> None:
    kept, duplicate = _pair(server)
    staff(f"/staff/leads/{kept}/merge/{duplicate}", with_lead=False)(page, server)
    page.wait_for_selector(".merge-choice")


def merged_lead(page, server) -> None:
    _kept, gone = _merged(server)
    staff(f"/staff/leads/{gone}", with_lead=False)(page, server)
    page.wait_for_selector(".merged-banner")


def merged_refused(page, server) -> None:
    """A change sent to a merged lead (as from a page left open before the merge)."""
    merged_lead(page, server)
    _kept, gone = _merged(server)
    page.evaluate(
        """gone => {
            const form = document.createElement("form");
            form.method = "post";
            form.action = `/staff/leads/${gone}/notes`;
            const token = document.querySelector("input[name=csrf_token]").cloneNode();
            const text = Object.assign(document.createElement("input"), {name: "text", value: "x"});
            form.append(token, text);
            document.body.append(form);
            form.submit();
        }""",
        gone,
    )
    page.wait_for_selector("#merged-refused")


def duplicates_in_the_list(page, server) -> None:
    _pair(server)
    staff("/staff/leads?q=marta.doble%40example.com", with_lead=False)(page, server)
    page.wait_for_selector(".tag-duplicate")


def intake_warning(page, server) -> None:
    """Phone intake sent with the details of a caller who has a lead: the warning."""
    _pair(server)
    staff("/staff/intake", with_lead=False)(page, server)
    page.locator("#name").fill("Marta Doble")
    page.locator("#phone").fill("+1 202 555 0148")
    page.locator("label[for='contact_time-0']").click()
    page.locator("label[for='consent']").click()
    for step in STEPS:
        answer_step(page, step.id, BY_OUTCOME["book_consultation"])
    page.locator("main form button[type=submit]").click()
    page.wait_for_selector("#duplicate-warning")


PAGES: list[PageState] = [
    PageState("staff-merge-choices", merge_choices),
    PageState("staff-merge-choice-missing", merge_choice_missing),
    PageState("es-staff-merge-choice-missing", merge_choice_missing, lang="es"),
    PageState("staff-merged-lead", merged_lead),
    PageState("es-staff-merged-lead", merged_lead, lang="es"),
    PageState("staff-merged-refused", merged_refused),
    PageState("es-staff-merged-refused", merged_refused, lang="es"),
    PageState("staff-leads-possible-duplicate", duplicates_in_the_list),
    PageState("es-staff-leads-possible-duplicate", duplicates_in_the_list, lang="es"),
    PageState("staff-intake-duplicate-warning", intake_warning),
    PageState("es-staff-intake-duplicate-warning", intake_warning, lang="es"),
]
