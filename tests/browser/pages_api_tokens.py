"""Browser-registry states of the console's API tokens page (admins only).

The list (with a token made once, directly), the page that shows a new token
once (created through the real form), the revoke and rotate questions, a rotated
token's new secret shown once, the form sent empty, and the list in Spanish.
"""

from __future__ import annotations

from api import tokens
from core.extensions import db
from tests.browser.pages import PageState, once, staff
from tests.browser.pages_accounts import copied

PAGE = "/staff/admin/api-tokens"


def _a_token(server, name: str = "Clinic CRM") -> int:
    def make() -> int:
        with server.app.app_context():
            token, _secret = tokens.issue(name, ("leads:read", "leads:write"), created_by_id=None)
            db.session.commit()
            return token.id

    return once(server, f"api-token-{name}", make)


def token_list(page, server) -> None:
    _a_token(server)
    staff(PAGE, with_lead=False)(page, server)


def token_created(page, server) -> None:
    """The answer to the creation: the new token, shown this once."""
    staff(PAGE, with_lead=False)(page, server)
    page.locator("#name").fill("Booking tool")
    page.locator("label[for='scopes-0']").click()
    page.get_by_role("button", name="Create token").click()
    page.wait_for_selector("#new-token")


def create_errors(page, server) -> None:
    staff(PAGE, with_lead=False)(page, server)
    page.get_by_role("button", name="Create token").click()
    page.wait_for_selector(".error-summary")


def revoke_question(page, server) -> None:
    token_id = _a_token(server)
    staff(f"{PAGE}/{token_id}/revoke", with_lead=False)(page, server)
    page.wait_for_selector("form.confirm-actions")


def rotate_question(page, server) -> None:
    token_id = _a_token(server)
    staff(f"{PAGE}/{token_id}/rotate", with_lead=False)(page, server)
    page.wait_for_selector("form.confirm-actions")


def rotated(page, server) -> None:
    """The answer to a rotation: the token's new secret, shown this once."""
    token_id = _a_token(server, "Booking sync")
    staff(f"{PAGE}/{token_id}/rotate", with_lead=False)(page, server)
    page.get_by_role("button", name="Yes, rotate “Booking sync”").click()
    page.wait_for_selector("#new-token")


PAGES: list[PageState] = [
    PageState("staff-api-tokens", token_list),
    PageState("staff-api-token-created", token_created),
    PageState("staff-api-token-create-errors", create_errors),
    PageState("staff-api-token-revoke-question", revoke_question),
    PageState("staff-api-token-rotate-question", rotate_question),
    PageState("staff-api-token-rotated", rotated),
    PageState("es-staff-api-tokens", token_list, lang="es"),
    PageState("staff-api-token-copied", copied(token_created, "new-token")),
]
