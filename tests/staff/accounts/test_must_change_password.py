"""An account whose first password an admin chose goes to the change-password page from
every console page until its owner chooses their own; `flask staff create` names the person."""

from __future__ import annotations

from core.extensions import db
from staff.accounts.passwords import hash_password
from staff.models import StaffUser
from tests.factories import PASSWORD, csrf_token, post_form, staff_client
from tests.staff.accounts_support import ADMIN, NEW_PASSWORD, account

NEW = "new@example.com"
OWN = "lantern pebble orchard 58"  # the password they choose themselves


def test_a_first_password_chosen_by_an_admin_must_be_replaced_before_anything_else(app_factory):
    app = app_factory()
    admin = staff_client(app, ADMIN, "admin", name="Ada Admin")
    post_form(
        admin, "/staff/admin/staff", email=NEW, name="Nia New", role="staff", password=NEW_PASSWORD
    )
    new = staff_client(app, NEW, password=NEW_PASSWORD)
    for url in ("/staff/leads", "/staff/dashboard", "/staff/account", "/staff/intake"):
        sent_on = new.get(url)
        assert sent_on.status_code == 302, url
        assert sent_on.headers["Location"].endswith("/staff/account/password"), url
    page = new.get("/staff/account/password").get_data(as_text=True)
    assert "A clinic admin chose your first password" in page
    posted = new.post("/staff/intake", data={"csrf_token": csrf_token(page)})
    assert posted.status_code == 303 and posted.headers["Location"].endswith(
        "/staff/account/password"
    )

    changed = post_form(
        new,
        "/staff/account/password",
        current_password=NEW_PASSWORD,
        new_password=OWN,
        confirm=OWN,
    )
    assert changed.status_code == 303 and changed.headers["Location"].endswith("/staff/leads")
    assert new.get("/staff/leads").status_code == 200
    assert account(app, NEW).must_change_password is False


def test_signing_out_stays_open_while_the_gate_is_shut(app_factory):
    app = app_factory()
    with app.app_context():
        db.session.add(
            StaffUser(
                email=NEW,
                name="Nia",
                password_hash=hash_password(PASSWORD),
                must_change_password=True,
            )
        )
        db.session.commit()
    new = staff_client(app, NEW)
    page = new.get("/staff/account/password").get_data(as_text=True)
    out = new.post("/staff/sign-out", data={"csrf_token": csrf_token(page)})
    assert out.status_code == 302 and out.headers["Location"].endswith("/staff/sign-in")


def test_staff_create_requires_the_persons_name(app_factory):
    app = app_factory()
    runner = app.test_cli_runner()
    password = f"{NEW_PASSWORD}\n{NEW_PASSWORD}\n"
    missing = runner.invoke(args=["staff", "create", NEW, "--admin"], input=password)
    assert missing.exit_code != 0 and "--name" in missing.output
    blank = runner.invoke(args=["staff", "create", NEW, "--admin", "--name", "  "], input=password)
    assert blank.exit_code != 0 and "name" in blank.output
    with app.app_context():
        assert db.session.query(StaffUser).count() == 0
    made = runner.invoke(
        args=["staff", "create", NEW, "--admin", "--name", "Nia New"], input=password
    )
    assert made.exit_code == 0, made.output
    person = account(app, NEW)
    assert (person.name, person.role, person.must_change_password) == ("Nia New", "admin", False)
