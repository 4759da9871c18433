"""Browser-registry states of clinicians' verdicts (joined into pages.PAGES): the blind form,
the form sent empty, a saved missed concern beside the check with the cause form, the cause
sent without its rule, the Consultations list and the rule book's scorecard; the blind form,
the saved verdict, the list and the scorecard in the Spanish console too.

Each lead is made once, directly; the saved verdict is recorded through leads/verdicts.py
by the registry's clinician, as the console's form records it.
"""

from __future__ import annotations

from core.dbtypes import utcnow
from core.extensions import db
from leads.models import Lead
from leads.verdicts import VerdictInput, find_clinician, record_verdict
from tests.browser.pages import PageState, once, signed_in_cookies
from tests.factories import make_lead

CLINICIAN = "clinician@clinic.test"  # the registry's clinician (pages.signed_in_cookies)


def _signed_in(page, server) -> None:
    page.context.add_cookies(signed_in_cookies(page, server, "clinician"))


def _blind_lead(server) -> int:
    return once(server, "verdicts-blind-lead", lambda: make_lead(
        server.app, outcome="see_dermatologist", name="Vera Blind", audit_sample=True))  # fmt: skip


def _saved_lead(page, server) -> int:
    """A lead the check told to book, with a clinician's verdict finding a concern."""
    _signed_in(page, server)

    def make() -> int:
        lead_id = make_lead(server.app, outcome="book_consultation", name="Mona Missed")
        with server.app.test_request_context():
            record_verdict(
                db.session.get(Lead, lead_id),
                VerdictInput(
                    outcome="clinician_review",
                    concerns=["keloid_history"],
                    examined_on=utcnow().date(),
                    unasked_concern="Takes a herbal supplement that thins the blood.",
                ),
                find_clinician(CLINICIAN),
                source="console",
                actor=None,
            )
            db.session.commit()
        return lead_id

    return once(server, "verdicts-saved-lead", make)


def blind_form(page, server) -> None:
    _signed_in(page, server)
    page.goto(f"{server.url}/staff/leads/{_blind_lead(server)}/verdict")


def blind_form_errors(page, server) -> None:
    blind_form(page, server)
    page.locator("form[action$='/verdict'] button[type=submit]").click()
    page.wait_for_selector("#error-summary")


def saved_verdict(page, server) -> None:
    page.goto(f"{server.url}/staff/leads/{_saved_lead(page, server)}/verdict")


def cause_errors(page, server) -> None:
    saved_verdict(page, server)
    page.locator("label[for='cause-2']").click()  # "the rule is wrong", no rule named
    page.locator("form[action$='/cause'] button[type=submit]").click()
    page.wait_for_selector("#error-summary")


def consultations(page, server) -> None:
    _saved_lead(page, server)
    _blind_lead(server)
    page.goto(f"{server.url}/staff/consultations")


def scorecard(page, server) -> None:
    _saved_lead(page, server)
    page.goto(f"{server.url}/staff/rules/scorecard")


PAGES = [
    PageState("staff-verdict-blind", blind_form),
    PageState("staff-verdict-errors", blind_form_errors),
    PageState("staff-verdict-saved", saved_verdict),
    PageState("staff-verdict-cause-errors", cause_errors),
    PageState("staff-consultations", consultations),
    PageState("staff-scorecard", scorecard),
    PageState("es-staff-verdict-blind", blind_form, lang="es"),
    PageState("es-staff-verdict-saved", saved_verdict, lang="es"),
    PageState("es-staff-consultations", consultations, lang="es"),
    PageState("es-staff-scorecard", scorecard, lang="es"),
]
