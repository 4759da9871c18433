"""Every page and state a person can see, and how a browser reaches each one.

The accessibility (axe), HTML validity (Nu checker), screenshot, no-horizontal-
scrolling and touch-target tests are all parametrized over ``PAGES``. Adding a
page to every one of those checks is one line here, for example::

    PageState("staff-sign-in", visit("/staff/sign-in")),

A ``reach`` function gets the Playwright page and the live server (whose
``.app`` is the Flask app under test, e.g. to seal a state token) and leaves
the browser showing that state.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace
from urllib.parse import parse_qs, urlsplit

from questionnaire.catalogue import QUESTIONS, STEPS
from questionnaire.state import FlowState
from tests.console_support import CONTACT
from tests.factories import PASSWORD, make_staff
from tests.support import BY_OUTCOME, HEALTHY

Reach = Callable[[object, object], None]


@dataclass(frozen=True)
class PageState:
    """One thing a person can see: a page, or a page in a particular state."""

    name: str  # also the screenshot's file name
    reach: Reach
    lang: str = "en"  # the browser's Accept-Language


def visit(path: str) -> Reach:
    def reach(page, server) -> None:
        page.goto(server.url + path)

    return reach


def sealed(server, answers: dict, lang: str | None = None, flow_id: str = "browser-test") -> str:
    """A state token holding ``answers``, made by the app under test."""
    codec = server.app.extensions["state_codec"]
    return codec.dumps(FlowState(flow_id=flow_id, answers=dict(answers), lang=lang))


def answers_before(step_id: str) -> dict:
    """HEALTHY answers for every step before ``step_id``, so that step can be shown."""
    order = [step.id for step in STEPS]
    earlier = set(order[: order.index(step_id)])
    return {q.id: HEALTHY[q.id] for q in QUESTIONS if q.step in earlier}


def step(step_id: str) -> Reach:
    def reach(page, server) -> None:
        token = sealed(server, answers_before(step_id))
        page.goto(f"{server.url}/check/{step_id}?s={token}")

    return reach


def step_with_errors(step_id: str) -> Reach:
    """The step sent with nothing answered: every question shows its error."""

    def reach(page, server) -> None:
        step(step_id)(page, server)
        page.locator("form button[type=submit]").click()
        page.wait_for_selector("#error-summary")

    return reach


def result(outcome: str) -> Reach:
    def reach(page, server) -> None:
        page.goto(f"{server.url}/check/result?s={sealed(server, BY_OUTCOME[outcome])}")

    return reach


# What a reach function made once and later ones reuse, per live server: the staff
# account and its signed-in cookies, the confirmation pages of the leads sent.
_made: dict[tuple[str, str], object] = {}

STAFF_EMAIL = "ada@clinic.test"
EMBED_HOST = "https://www.clinic.example"  # in the live server's EMBED_ALLOWED_ORIGINS
EMBED_ENTRY = f"origin={EMBED_HOST}&accent=%23ffcc00&font=serif"


def once(server, key: str, make: Callable[[], object]) -> object:
    if (server.url, key) not in _made:
        _made[(server.url, key)] = make()
    return _made[(server.url, key)]


def fill_contact_form(page, consent: bool = True) -> None:
    page.locator("#contact-name").fill(CONTACT["name"])
    page.locator("#contact-email").fill(CONTACT["email"])
    page.locator("#contact-phone").fill(CONTACT["phone"])
    page.locator("label[for='contact-time-0']").click()
    if consent:
        page.locator("label[for='contact-consent']").click()
    page.locator("#contact form button[type=submit]").click()
    page.wait_for_load_state("load")


def contact_errors(outcome: str) -> Reach:
    """The result page's contact form sent without consent: its error summary shows."""

    def reach(page, server) -> None:
        result(outcome)(page, server)
        page.locator("#contact form button[type=submit]").click()
        page.wait_for_selector("#contact-error-summary")

    return reach


def send_contact(page, server, result_url: str) -> str:
    """Ask to be contacted through the real form; the confirmation page's URL."""
    page.goto(result_url)
    fill_contact_form(page)
    assert "/check/contact/done" in page.url, page.url
    return page.url


def confirmation(outcome: str) -> Reach:
    """The confirmation after a real contact request (the lead is made once, then revisited)."""

    def reach(page, server) -> None:
        def make() -> str:
            token = sealed(server, BY_OUTCOME[outcome], flow_id=f"browser-{uuid.uuid4()}")
            return send_contact(page, server, f"{server.url}/check/result?s={token}")

        page.goto(once(server, f"confirmation-{outcome}", make))

    return reach


def signed_in_cookies(page, server, role: str = "admin") -> list:
    """Sign in once through the real form (as an admin unless ``role`` says otherwise);
    later states reuse the cookies."""
    email = STAFF_EMAIL if role == "admin" else f"{role}@clinic.test"

    def make() -> list:
        make_staff(server.app, email, role=role, name=f"Ada {role.title()}")
        context = page.context.browser.new_context()
        sign_in = context.new_page()
        sign_in.goto(server.url + "/staff/sign-in")
        sign_in.locator("#email").fill(email)
        sign_in.locator("#password").fill(PASSWORD)
        sign_in.locator("form button[type=submit]").click()
        sign_in.wait_for_url("**/staff/**")
        assert "sign-in" not in sign_in.url, sign_in.url
        cookies = context.cookies()
        context.close()
        return cookies

    return once(server, f"staff-cookies-{role}", make)


def staff(path: str, with_lead: bool = True, role: str = "admin") -> Reach:
    """A console page, signed in, with at least one lead sent through the contact form."""

    def reach(page, server) -> None:
        if with_lead:
            confirmation("clinician_review")(page, server)
        page.context.add_cookies(signed_in_cookies(page, server, role))
        page.goto(server.url + path)
        assert "sign-in" not in page.url, page.url

    return reach


def staff_lead_detail(page, server) -> None:
    staff("/staff/leads?outcome=clinician_review")(page, server)
    page.locator("table.data tbody a").first.click()
    page.wait_for_load_state("load")


def staff_lead_delete_question(page, server) -> None:
    staff_lead_detail(page, server)
    page.get_by_role("link", name=re.compile(r"^Delete lead #\d+")).click()
    page.wait_for_selector("form.confirm-actions")


def staff_remove_question(page, server) -> None:
    once(server, "staff-to-remove", lambda: make_staff(server.app, "to.remove@clinic.test"))
    staff("/staff/admin/staff", with_lead=False)(page, server)
    page.get_by_role("link", name="Remove… to.remove@clinic.test").click()
    page.wait_for_selector("form.confirm-actions")


def staff_sign_in_failed(page, server) -> None:
    page.goto(server.url + "/staff/sign-in")
    page.locator("#email").fill("nobody@clinic.test")
    page.locator("#password").fill("not the password")
    page.locator("form button[type=submit]").click()
    page.wait_for_selector(".error-summary")


def staff_intake_errors(page, server) -> None:
    staff("/staff/intake", with_lead=False)(page, server)
    page.locator("main form button[type=submit]").click()
    page.wait_for_selector("#error-summary")


def staff_rule_book_sign_errors(page, server) -> None:
    """A clinician sends the sign-off form empty: every error named, nothing signed."""
    staff("/staff/rules", role="clinician")(page, server)
    page.get_by_role("button", name="Sign off this version").click()
    page.wait_for_selector(".error-summary")


def rules_unavailable(page, server) -> None:
    """Production with no signed rule version: the check's kind 503 (then back to testing)."""
    from signoff.service import forget_choice

    app = server.app
    was = app.config["APP_ENV"]
    app.config["APP_ENV"] = "production"
    try:
        with app.app_context():
            forget_choice()
        page.goto(server.url + "/")
    finally:
        app.config["APP_ENV"] = was
        with app.app_context():
            forget_choice()


def embed_token(page, server, answers: dict) -> str:
    """A token of a flow started in the embed (its origin and theme), holding ``answers``."""

    def make() -> str:
        page.goto(f"{server.url}/embed/check/start?{EMBED_ENTRY}")
        return parse_qs(urlsplit(page.url).query)["s"][0]

    codec = server.app.extensions["state_codec"]
    state = codec.loads(once(server, "embed-token", make))
    return codec.dumps(replace(state, answers=dict(answers), flow_id=f"embed-{uuid.uuid4()}"))


def embed_step(step_id: str, errors: bool = False) -> Reach:
    def reach(page, server) -> None:
        token = embed_token(page, server, answers_before(step_id))
        page.goto(f"{server.url}/embed/check/{step_id}?s={token}")
        if errors:
            page.locator("form button[type=submit]").click()
            page.wait_for_selector("#error-summary")

    return reach


def embed_result(outcome: str) -> Reach:
    def reach(page, server) -> None:
        page.goto(
            f"{server.url}/embed/check/result?s={embed_token(page, server, BY_OUTCOME[outcome])}"
        )

    return reach


def embed_contact_errors(page, server) -> None:
    """The contact form inside the embed, sent without consent: errors, still embedded."""
    embed_result("clinician_review")(page, server)
    page.locator("#contact form button[type=submit]").click()
    page.wait_for_selector("#contact-error-summary")


def embed_confirmation(page, server) -> None:
    def make() -> str:
        token = embed_token(page, server, BY_OUTCOME["book_consultation"])
        return send_contact(page, server, f"{server.url}/embed/check/result?s={token}")

    page.goto(once(server, "embed-confirmation", make))


PAGES: list[PageState] = [
    PageState("intro", visit("/")),
    PageState("intro-expired-notice", visit("/?notice=expired")),
    PageState("intro-unreadable-answers", visit("/check/result?s=not-a-token")),
    *(PageState(f"step-{s.id}", step(s.id)) for s in STEPS),
    *(PageState(f"step-{s.id}-errors", step_with_errors(s.id)) for s in STEPS),
    *(PageState(f"result-{outcome}", result(outcome)) for outcome in BY_OUTCOME),
    PageState("not-found", visit("/no-such-page")),
    PageState("rules-unavailable", rules_unavailable),
    PageState("es-intro", visit("/"), lang="es"),
    PageState("es-not-found", visit("/no-such-page"), lang="es"),
    PageState("es-rules-unavailable", rules_unavailable, lang="es"),
    PageState("es-step-health-errors", step_with_errors("health"), lang="es"),
    PageState("es-result-clinician_review", result("clinician_review"), lang="es"),
    # The contact form is at the end of every result page above; here it is with errors,
    # and the confirmation after a real request (which also gives the console its leads).
    PageState("contact-form-errors", contact_errors("clinician_review")),
    PageState("contact-confirmation", confirmation("clinician_review")),
    PageState("es-contact-form-errors", contact_errors("book_consultation"), lang="es"),
    PageState("es-contact-confirmation", confirmation("see_dermatologist"), lang="es"),
    # The staff console, signed in as an admin.
    PageState("staff-sign-in", visit("/staff/sign-in")),
    PageState("staff-sign-in-failed", staff_sign_in_failed),
    PageState("staff-leads", staff("/staff/leads")),
    PageState("staff-leads-filtered", staff("/staff/leads?outcome=clinician_review&q=Zo")),
    PageState("staff-leads-none-match", staff("/staff/leads?q=no-such-person")),
    PageState("staff-lead-detail", staff_lead_detail),
    PageState("staff-lead-delete-question", staff_lead_delete_question),
    PageState("staff-dashboard", staff("/staff/dashboard")),
    PageState("staff-intake", staff("/staff/intake", with_lead=False)),
    PageState("staff-intake-errors", staff_intake_errors),
    PageState("staff-admin-staff", staff("/staff/admin/staff")),
    PageState("staff-remove-question", staff_remove_question),
    PageState("staff-audit", staff("/staff/admin/audit")),
    PageState("staff-audit-filtered", staff("/staff/admin/audit?action=view&who=admin")),
    PageState("es-staff-audit", staff("/staff/admin/audit"), lang="es"),
    PageState("staff-notifications", staff("/staff/admin/outbox")),
    PageState("staff-lead-not-found", staff("/staff/leads/999999", with_lead=False)),
    PageState("staff-embed-snippets", staff("/staff/embed")),
    PageState("staff-rule-book", staff("/staff/rules")),
    PageState("staff-rule-book-clinician", staff("/staff/rules", role="clinician")),
    PageState("staff-rule-book-sign-errors", staff_rule_book_sign_errors),
    PageState("es-staff-rule-book", staff("/staff/rules"), lang="es"),
    PageState("es-staff-leads", staff("/staff/leads"), lang="es"),
    PageState("es-staff-lead-detail", staff_lead_detail, lang="es"),
    PageState("es-staff-dashboard", staff("/staff/dashboard"), lang="es"),
    # The embed mode, as a clinic's page frames it (its origin, accent colour and font).
    PageState("embed-intro", visit(f"/embed/?{EMBED_ENTRY}")),
    PageState("embed-step-scars", embed_step("scars")),
    PageState("embed-step-health-errors", embed_step("health", errors=True)),
    PageState("embed-result-book_consultation", embed_result("book_consultation")),
    PageState("embed-result-not_suitable_now", embed_result("not_suitable_now")),
    PageState("embed-contact-form-errors", embed_contact_errors),
    PageState("embed-confirmation", embed_confirmation),
]

# Each area's states live in a module of its own, joined here (they import the helpers above).
from tests.browser.pages_accounts import PAGES as _ACCOUNTS  # noqa: E402
from tests.browser.pages_api_tokens import PAGES as _API_TOKENS  # noqa: E402
from tests.browser.pages_appointments import PAGES as _APPOINTMENTS  # noqa: E402
from tests.browser.pages_bookings import PAGES as _BOOKINGS  # noqa: E402
from tests.browser.pages_dashboard import PAGES as _DASHBOARD  # noqa: E402
from tests.browser.pages_data_rights import PAGES as _DATA_RIGHTS  # noqa: E402
from tests.browser.pages_drafts import PAGES as _DRAFTS  # noqa: E402
from tests.browser.pages_embed_limits import PAGES as _EMBED_LIMITS  # noqa: E402
from tests.browser.pages_exports import PAGES as _EXPORTS  # noqa: E402
from tests.browser.pages_intake_contact import PAGES as _INTAKE_CONTACT  # noqa: E402
from tests.browser.pages_lead_page import PAGES as _LEAD_PAGE  # noqa: E402
from tests.browser.pages_leads_list import PAGES as _LEADS_LIST  # noqa: E402
from tests.browser.pages_merge import PAGES as _MERGE  # noqa: E402
from tests.browser.pages_patient_trust import PAGES as _PATIENT_TRUST  # noqa: E402
from tests.browser.pages_pictures import PAGES as _PICTURES  # noqa: E402
from tests.browser.pages_result import PAGES as _RESULT  # noqa: E402
from tests.browser.pages_rulebook import PAGES as _RULEBOOK  # noqa: E402
from tests.browser.pages_settings_audit import PAGES as _SETTINGS_AUDIT  # noqa: E402
from tests.browser.pages_signoff_withdrawal import PAGES as _SIGNOFF_WITHDRAWAL  # noqa: E402
from tests.browser.pages_steps import PAGES as _STEPS  # noqa: E402
from tests.browser.pages_two_factor import PAGES as _TWO_FACTOR  # noqa: E402
from tests.browser.pages_verdicts import PAGES as _VERDICTS  # noqa: E402

PAGES += [
    *_RESULT,
    *_STEPS,
    *_PICTURES,
    *_PATIENT_TRUST,
    *_EMBED_LIMITS,
    *_TWO_FACTOR,
    *_ACCOUNTS,
    *_API_TOKENS,
    *_APPOINTMENTS,
    *_BOOKINGS,
    *_DATA_RIGHTS,
    *_INTAKE_CONTACT,
    *_MERGE,
    *_DASHBOARD,
    *_LEADS_LIST,
    *_EXPORTS,
    *_LEAD_PAGE,
    *_SETTINGS_AUDIT,
    *_SIGNOFF_WITHDRAWAL,
    *_VERDICTS,
    *_DRAFTS,
    *_RULEBOOK,
]
