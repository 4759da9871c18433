"""Browser-registry states of two-factor sign-in and the clinic's settings.

Each state that signs in uses an account of its own (a fresh one each time it is
reached), so the shared admin of pages.py never gets a second factor and the
other areas' states keep signing in with a password alone. No state turns the
clinic's two-factor requirement on.
"""

from __future__ import annotations

import uuid

from sqlalchemy import select

from core.extensions import db
from staff.models import StaffUser
from tests.browser.pages import PageState, staff
from tests.browser.pages_accounts import copied
from tests.factories import PASSWORD, make_staff
from tests.two_factor_support import code_at, enrol


def _new_account(server, role: str = "staff", with_two_factor: bool = False) -> tuple[str, str]:
    """A fresh account; its email and, when two-factor is on, its secret."""
    email = f"tf-{uuid.uuid4().hex[:10]}@clinic.test"
    make_staff(server.app, email, role=role, name="Grace Two-Factor")
    return email, enrol(server.app, email) if with_two_factor else ""


def _password_step(page, server, email: str) -> None:
    page.goto(server.url + "/staff/sign-in")
    page.locator("#email").fill(email)
    page.locator("#password").fill(PASSWORD)
    page.locator("form button[type=submit]").click()
    page.wait_for_load_state("load")


def enrolment(page, server) -> None:
    email, _ = _new_account(server)
    _password_step(page, server, email)
    page.goto(server.url + "/staff/account/two-factor")
    page.wait_for_selector("svg.qr-code")


def enrolment_error(page, server) -> None:
    enrolment(page, server)
    page.locator("#code").fill("12345")
    page.locator("#password").fill("not the password")
    page.locator("main form button[type=submit]").click()
    page.wait_for_selector(".error-summary")


def recovery_codes(page, server) -> None:
    enrolment(page, server)
    secret = page.locator("#secret-key").inner_text().replace(" ", "")
    page.locator("#code").fill(code_at(secret))
    page.locator("#password").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_selector("ol.recovery-codes")


def code_step(page, server) -> None:
    email, _ = _new_account(server, with_two_factor=True)
    _password_step(page, server, email)
    assert "/staff/sign-in/code" in page.url, page.url


def code_step_error(page, server) -> None:
    code_step(page, server)
    page.locator("#code").fill("000000")
    page.locator("main form button[type=submit]").click()
    page.wait_for_selector(".error-summary")


def manage(page, server) -> None:
    email, secret = _new_account(server, with_two_factor=True)
    _password_step(page, server, email)
    page.locator("#code").fill(code_at(secret))
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/staff/leads")
    page.goto(server.url + "/staff/account/two-factor")


def reset_question(page, server) -> None:
    email, _ = _new_account(server, with_two_factor=True)
    with server.app.app_context():
        person = db.session.scalar(select(StaffUser.id).where(StaffUser.email == email))
    staff(f"/staff/admin/staff/{person}/two-factor/reset", with_lead=False)(page, server)


PAGES: list[PageState] = [
    PageState("staff-two-factor-enrol", enrolment),
    PageState("staff-two-factor-enrol-error", enrolment_error),
    PageState("staff-two-factor-recovery-codes", recovery_codes),
    PageState("staff-two-factor-recovery-codes-copied", copied(recovery_codes, "recovery-codes")),
    PageState("staff-two-factor-code", code_step),
    PageState("staff-two-factor-code-error", code_step_error),
    PageState("staff-two-factor-manage", manage),
    PageState("staff-two-factor-reset-question", reset_question),
    PageState("staff-settings", staff("/staff/admin/settings", with_lead=False)),
    PageState("es-staff-two-factor-enrol", enrolment, lang="es"),
    PageState("es-staff-two-factor-code-error", code_step_error, lang="es"),
    PageState("es-staff-settings", staff("/staff/admin/settings", with_lead=False), lang="es"),
]
