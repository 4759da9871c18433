"""Browser-registry states of account editing and passwords (joined into pages.PAGES):
an admin's edit page (as it opens, with errors, with a set-password link shown), your
own account and password change, the set-password page of a link (working and run out),
the gate that asks for a new password first, a front-desk member's refused export, the
link's copy button pressed, and the staff list just after "Add" (the message in view).

The states that change something act on accounts of their own, so the shared admin of
pages.py keeps its password and role for every other state.
"""

from __future__ import annotations

import re
import time
import uuid

from itsdangerous import TimestampSigner, URLSafeTimedSerializer

from core.extensions import db
from staff.accounts import password_links
from staff.models import StaffUser
from tests.browser.pages import PageState, once, staff
from tests.factories import PASSWORD, make_staff

COLLEAGUE = "cole.league@clinic.test"


def _colleague_id(server) -> int:
    return once(
        server,
        "accounts-colleague",
        lambda: make_staff(server.app, COLLEAGUE, role="staff", name="Cole League"),
    )


def edit_page(page, server) -> None:
    staff(f"/staff/admin/staff/{_colleague_id(server)}/edit", with_lead=False)(page, server)


def edit_errors(page, server) -> None:
    edit_page(page, server)
    page.locator("#name").fill("")
    page.locator("form[action$='/edit'] button[type=submit]").click()
    page.wait_for_selector(".error-summary")


def link_shown(page, server) -> None:
    edit_page(page, server)
    page.locator("button[value=show]").click()
    page.wait_for_selector("#password-link")


def copied(reach, button: str):
    """A state whose copy button was pressed (static/copy.js): the text is on the clipboard
    and the status beside the button says "Copied"."""

    def reach_copied(page, server) -> None:
        page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server.url)
        reach(page, server)
        page.locator(f"button[data-copy='{button}']").click()
        page.wait_for_function(
            "id => document.getElementById(id + '-copied').textContent.trim() !== ''", arg=button
        )

    return reach_copied


def added(page, server) -> None:
    """A colleague just added from the staff list's form at its foot: the page opens at
    its main region, the confirmation in view."""
    staff("/staff/admin/staff", with_lead=False)(page, server)
    page.locator("#email").fill(f"new-{uuid.uuid4().hex[:8]}@example.com")
    page.locator("#name").fill("Nia New")
    page.locator("#password").fill(f"first-{uuid.uuid4().hex}")  # not a known password
    page.get_by_role("button", name=re.compile("^(Add|Añadir)$")).click()
    page.wait_for_url("**/staff/admin/staff#main")
    page.wait_for_load_state("load")


def _fresh_account(server, **columns) -> tuple[int, str]:
    """A new account of its own (its id and email), with these columns set."""
    email = f"acc-{uuid.uuid4().hex[:10]}@clinic.test"
    person_id = make_staff(server.app, email, name="Rosa Fresh")
    with server.app.app_context():
        person = db.session.get(StaffUser, person_id)
        for name, value in columns.items():
            setattr(person, name, value)
        db.session.commit()
    return person_id, email


def _sign_in_as(page, server, email: str) -> None:
    page.goto(server.url + "/staff/sign-in")
    page.locator("#email").fill(email)
    page.locator("#password").fill(PASSWORD)
    page.locator("form button[type=submit]").click()
    page.wait_for_load_state("load")


def own_password(page, server) -> None:
    _sign_in_as(page, server, _fresh_account(server)[1])
    page.goto(server.url + "/staff/account/password")


def own_password_errors(page, server) -> None:
    own_password(page, server)
    page.locator("#current_password").fill("not my password")
    page.locator("#new_password").fill("short")
    page.locator("main form button[type=submit]").click()
    page.wait_for_selector(".error-summary")


def must_change_gate(page, server) -> None:
    """An account whose first password an admin chose, just signed in: sent to choose its own."""
    _sign_in_as(page, server, _fresh_account(server, must_change_password=True)[1])
    assert page.url.endswith("/staff/account/password"), page.url


def set_password_page(page, server) -> None:
    person_id, _email = _fresh_account(server)
    with server.app.app_context():
        link = password_links.link_for(db.session.get(StaffUser, person_id))
        db.session.commit()  # the link's serial
    page.goto(server.url + link[link.index("/staff/set-password") :])


class _DayOld(TimestampSigner):
    def get_timestamp(self) -> int:
        return int(time.time()) - 48 * 3600


def set_password_expired(page, server) -> None:
    """A link made two days ago (PASSWORD_LINK_HOURS is 24): the page says it ran out."""
    person_id, _email = _fresh_account(server)
    app = server.app
    with app.app_context():
        fingerprint = password_links.fingerprint(db.session.get(StaffUser, person_id))
    old = URLSafeTimedSerializer(app.config["SECRET_KEY"], salt=password_links.SALT, signer=_DayOld)
    token = old.dumps({"id": person_id, "fp": fingerprint})
    page.goto(f"{server.url}/staff/set-password?token={token}")


PAGES: list[PageState] = [
    PageState("staff-edit", edit_page),
    PageState("staff-edit-errors", edit_errors),
    PageState("staff-edit-link-shown", link_shown),
    PageState("staff-account", staff("/staff/account", with_lead=False)),
    PageState("staff-account-password", own_password),
    PageState("staff-account-password-errors", own_password_errors),
    PageState("staff-must-change-password", must_change_gate),
    PageState("staff-set-password", set_password_page),
    PageState("staff-set-password-expired", set_password_expired),
    PageState("staff-export-refused", staff("/staff/leads.csv", with_lead=False, role="staff")),
    PageState("es-staff-edit-errors", edit_errors, lang="es"),
    PageState("staff-edit-link-copied", copied(link_shown, "password-link")),
    PageState("es-staff-edit-link-copied", copied(link_shown, "password-link"), lang="es"),
    PageState("staff-added-message-in-view", added),
]
