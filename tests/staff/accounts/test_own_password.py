"""Everyone changes their own password in the console: the current one first, the new one
checked for strength; the change ends their other sessions, not this one."""

from __future__ import annotations

from staff.accounts.passwords import verify_password
from tests.factories import PASSWORD, make_staff, post_form, sign_in, staff_client
from tests.staff.accounts_support import NEW_PASSWORD, account, audit_details, errors_of

DESK = "desk@clinic.test"
URL = "/staff/account/password"


def test_a_wrong_current_password_a_weak_or_mismatched_new_one_change_nothing(app_factory):
    app = app_factory()
    make_staff(app, DESK)
    me = staff_client(app, DESK)
    wrong = post_form(
        me, URL, current_password="not it at all", new_password=NEW_PASSWORD, confirm=NEW_PASSWORD
    )
    assert wrong.status_code == 422
    assert errors_of(wrong.get_data(as_text=True)) == ["That is not your password."]
    weak = post_form(
        me, URL, current_password=PASSWORD, new_password="password1234", confirm="different"
    )
    assert weak.status_code == 422
    assert errors_of(weak.get_data(as_text=True)) == [
        "Choose a password that is harder to guess: not a common password, not a repeat or a "
        "sequence, and not your name or email. A few unrelated words work.",
        "The two new passwords are not the same.",
    ]
    empty = post_form(me, URL)
    assert empty.status_code == 422
    assert errors_of(empty.get_data(as_text=True)) == [
        "Enter your current password.",
        "Enter a new password.",
        "Enter the new password again.",
    ]
    assert verify_password(account(app, DESK).password_hash, PASSWORD)
    assert audit_details(app, "password_change") == []


def test_a_change_ends_the_other_sessions_and_keeps_this_browser_signed_in(app_factory):
    app = app_factory()
    make_staff(app, DESK)
    me = staff_client(app, DESK)
    elsewhere = staff_client(app, DESK)
    assert "Change your password" in me.get("/staff/account").get_data(as_text=True)

    changed = post_form(
        me, URL, current_password=PASSWORD, new_password=NEW_PASSWORD, confirm=NEW_PASSWORD
    )
    assert changed.status_code == 303 and changed.headers["Location"].endswith("/staff/account")
    assert "signed out everywhere else" in me.get("/staff/account").get_data(as_text=True)
    assert me.get("/staff/leads").status_code == 200  # still signed in, on a fresh session
    assert elsewhere.get("/staff/leads").status_code == 302  # the other one ended
    person = account(app, DESK)
    assert verify_password(person.password_hash, NEW_PASSWORD)
    assert person.password_changed_at is not None
    assert audit_details(app, "password_change") == [f"{DESK} changed their own password"]
    assert sign_in(app.test_client(), DESK, PASSWORD).status_code == 401
    assert sign_in(app.test_client(), DESK, NEW_PASSWORD).status_code == 302
