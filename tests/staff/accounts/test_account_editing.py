"""Admins edit accounts (name, role, state, permissions); every change is audited as a plain
sentence with the old and new value, and an admin cannot lock the clinic out."""

from __future__ import annotations

from sqlalchemy import func, select

from core.extensions import db
from staff.models import StaffSession, StaffUser
from tests.factories import PASSWORD, make_staff, post_form, staff_client
from tests.staff.accounts_support import ADMIN, NEW_PASSWORD, account, audit_details, errors_of

DESK = "desk@clinic.test"


def _edit(client, person_id: int, **fields):
    url = f"/staff/admin/staff/{person_id}/edit"
    return post_form(client, url, **fields)


def test_an_admin_edits_name_role_and_permissions_and_each_change_is_audited(app_factory):
    app = app_factory()
    admin = staff_client(app, ADMIN, "admin", name="Ada Admin")
    person_id = make_staff(app, DESK, role="staff", name="Dee Desk")

    listing = admin.get("/staff/admin/staff").get_data(as_text=True)
    assert "Front desk" in listing and f'href="/staff/admin/staff/{person_id}/edit"' in listing
    page = admin.get(f"/staff/admin/staff/{person_id}/edit").get_data(as_text=True)
    assert 'value="Dee Desk"' in page and '<option value="staff" selected>Front desk' in page

    saved = _edit(admin, person_id, name="Dee Dawson", role="clinician", active="y", can_export="y")
    assert saved.status_code == 303
    person = account(app, DESK)
    assert (person.name, person.role, person.active) == ("Dee Dawson", "clinician", True)
    assert (person.can_export, person.can_delete) == (True, False)
    assert audit_details(app, "staff_change") == [
        f"changed name of {DESK} from “Dee Desk” to “Dee Dawson”",
        f"changed role of {DESK} from Front desk to Clinician",
        f"changed permission to export leads of {DESK} from no to yes",
    ]
    listing = admin.get("/staff/admin/staff").get_data(as_text=True)
    assert "Clinician" in listing and "may export" in listing

    # Nothing changed: nothing audited.
    assert (
        _edit(
            admin, person_id, name="Dee Dawson", role="clinician", active="y", can_export="y"
        ).status_code
        == 303
    )
    assert len(audit_details(app, "staff_change")) == 3


def test_disabling_in_the_edit_ends_their_sessions_and_is_audited(app_factory):
    app = app_factory()
    admin = staff_client(app, ADMIN, "admin", name="Ada Admin")
    person_id = make_staff(app, DESK)
    desk = staff_client(app, DESK)
    assert _edit(admin, person_id, name="Desk", role="staff").status_code == 303  # no "active"
    assert desk.get("/staff/leads").status_code == 302
    with app.app_context():
        left = db.session.scalar(
            select(func.count()).select_from(StaffSession).where(StaffSession.staff_id == person_id)
        )
    assert left == 0
    assert f"disabled {DESK}" in audit_details(app, "staff_change")


def test_a_bad_edit_is_refused_with_every_error_named_and_the_answers_kept(app_factory):
    app = app_factory()
    admin = staff_client(app, ADMIN, "admin", name="Ada Admin")
    person_id = make_staff(app, DESK, name="Dee Desk")
    refused = _edit(admin, person_id, name="", role="owner", active="y", can_delete="y")
    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    assert errors_of(page) == ["Enter their name.", "Not a valid choice."]
    assert 'id="can_delete" name="can_delete" value="y" checked' in page  # kept
    long = _edit(admin, person_id, name="x" * 121, role="admin")
    assert long.status_code == 422
    assert "120 characters or fewer" in long.get_data(as_text=True)
    person = account(app, DESK)
    assert (person.name, person.role, person.can_delete) == ("Dee Desk", "staff", False)
    assert audit_details(app, "staff_change") == []


def test_an_admin_cannot_demote_or_disable_themselves(app_factory):
    app = app_factory()
    admin = staff_client(app, ADMIN, "admin", name="Ada Admin")
    with app.app_context():
        me = db.session.scalar(select(StaffUser.id).where(StaffUser.email == ADMIN))
    demoted = _edit(admin, me, name="Ada Admin", role="staff", active="y")
    assert demoted.status_code == 422
    assert "You cannot take away your own admin role" in demoted.get_data(as_text=True)
    disabled = _edit(admin, me, name="Ada Admin", role="admin")
    assert disabled.status_code == 422
    assert "You cannot disable your own account." in disabled.get_data(as_text=True)
    me_now = account(app, ADMIN)
    assert (me_now.role, me_now.active) == ("admin", True)
    # Their own name they may change.
    assert _edit(admin, me, name="Ada Lovelace", role="admin", active="y").status_code == 303
    assert account(app, ADMIN).name == "Ada Lovelace"


def test_another_admin_may_be_demoted_but_the_last_one_stays(app_factory):
    app = app_factory()
    admin = staff_client(app, ADMIN, "admin", name="Ada Admin")
    other_id = make_staff(app, "bea@clinic.test", role="admin", name="Bea")
    assert _edit(admin, other_id, name="Bea", role="staff", active="y").status_code == 303
    assert account(app, "bea@clinic.test").role == "staff"
    assert "changed role of bea@clinic.test from Admin to Front desk" in audit_details(
        app, "staff_change"
    )
    # The one admin left is the one signed in: the role stays theirs.
    with app.app_context():
        me = db.session.scalar(select(StaffUser.id).where(StaffUser.email == ADMIN))
    assert _edit(admin, me, name="Ada Admin", role="clinician", active="y").status_code == 422
    assert account(app, ADMIN).role == "admin"


def test_only_admins_edit_accounts(app_factory):
    app = app_factory()
    person_id = make_staff(app, DESK)
    desk = staff_client(app, DESK, password=PASSWORD)
    assert desk.get(f"/staff/admin/staff/{person_id}/edit").status_code == 403
    admin = staff_client(app, ADMIN, "admin", name="Ada Admin")
    assert admin.get("/staff/admin/staff/999999/edit").status_code == 404


def test_an_account_added_with_a_password_must_choose_its_own_and_one_without_gets_a_link(
    app_factory,
):
    app = app_factory()
    admin = staff_client(app, ADMIN, "admin", name="Ada Admin")
    added = post_form(
        admin,
        "/staff/admin/staff",
        email="new@example.com",
        name="Nia New",
        role="staff",
        password=NEW_PASSWORD,
    )
    assert added.status_code == 303
    assert added.headers["Location"].endswith("/staff/admin/staff#main")  # the message in view
    assert account(app, "new@example.com").must_change_password is True
    bare = post_form(
        admin,
        "/staff/admin/staff",
        email="bare@example.com",
        name="Bo Bare",
        role="clinician",
        password="",
    )
    assert bare.status_code == 303
    person = account(app, "bare@example.com")
    # The edit page opens at its top, where the message says to send a link.
    assert bare.headers["Location"].endswith(f"/staff/admin/staff/{person.id}/edit#main")
    assert person.password_hash == ""
    assert "added bare@example.com as Clinician" in audit_details(app, "staff_change")
    nameless = post_form(admin, "/staff/admin/staff", email="x@clinic.test", role="staff")
    assert nameless.status_code == 422 and "Enter their name." in nameless.get_data(as_text=True)
