"""Admin pages: the staff list, adding, disabling and removing staff (editing one account is
in staff_edit_views.py)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import delete, select

from core.dbtypes import utcnow
from core.extensions import db
from leads.models import OutboxMessage
from staff.accounts import changes, lockout, sessions
from staff.accounts.changes import ROLE_NAMES
from staff.accounts.forms import StaffAddForm
from staff.accounts.passwords import hash_password
from staff.accounts.service import find_staff
from staff.console.audit import record
from staff.console.blueprint import admin_required, bp
from staff.console.confirm import confirm_page
from staff.console.forms import ConfirmForm
from staff.console.labels import (
    ROLE_LABELS,
)
from staff.console.lookups import get_or_404
from staff.models import StaffUser

#: Where a page opened after "Add" lands: the console's main region, whose first line is
#: the confirmation (templates/staff/console/base.html), so the message is in view and
#: keyboard focus starts there, not at the form the person left at the bottom.
MESSAGES = "main"


def _render_staff(form: StaffAddForm, status: int = 200):
    people = db.session.scalars(select(StaffUser).order_by(StaffUser.email)).all()
    now = utcnow()
    locks = {person.id: lockout.locked_until(person.email, now) for person in people}
    return render_template(
        "staff/accounts/staff_list.html",
        people=people,
        locks=locks,
        form=form,
        role_labels=ROLE_LABELS,
    ), status


@bp.get("/admin/staff")
@admin_required
def staff_list():
    return _render_staff(StaffAddForm())


@bp.post("/admin/staff")
@admin_required
def add_staff():
    """A new account. With a first password the admin chose, its owner must choose their
    own at sign-in; without one, the admin sends it a set-password link next."""
    form = StaffAddForm()
    if not form.validate():
        return _render_staff(form, 422)
    if find_staff(form.email.data):
        form.email.errors = [_("There is already an account with this email.")]
        return _render_staff(form, 422)
    password = form.password.data or ""
    person = StaffUser(
        email=form.email.data.strip().lower(),
        name=form.name.data.strip(),
        role=form.role.data,
        password_hash=hash_password(password) if password else "",
        must_change_password=bool(password),
        lang=str(get_locale()),  # the adding admin's, until they sign in themselves
    )
    db.session.add(person)
    record("staff_change", detail=f"added {person.email} as {ROLE_NAMES[person.role]}")
    db.session.commit()
    if not password:
        flash(
            _("%(email)s has no password yet: send them a set-password link.", email=person.email)
        )
        return redirect(url_for(".edit_staff", person_id=person.id, _anchor=MESSAGES), code=303)
    flash(
        _("%(email)s can now sign in, and will choose their own password then.", email=person.email)
    )
    return redirect(url_for(".staff_list", _anchor=MESSAGES), code=303)


def _other_staff(person_id: int, posted: bool = True) -> StaffUser:
    person = get_or_404(StaffUser, person_id)
    if person.id == current_user.id:
        abort(400)  # an admin cannot lock themselves out
    if posted and not ConfirmForm().validate():
        abort(400)
    return person


@bp.post("/admin/staff/<id:person_id>/disable")
@admin_required
def disable_staff(person_id: int):
    person = _other_staff(person_id)
    takes_admin = _lock_if_admin(person)
    person.active = not person.active
    person.session_version += 1
    sessions.end_all(person)  # ends their open sessions
    state = "enabled" if person.active else "disabled"
    record("staff_change", detail=f"{state} {person.email}")
    if takes_admin and not _an_admin_remains():
        return redirect(url_for(".staff_list"), code=303)
    db.session.commit()
    label = _("enabled") if person.active else _("disabled")
    flash(_("%(email)s is now %(state)s.", email=person.email, state=label))
    return redirect(url_for(".staff_list"), code=303)


@bp.get("/admin/staff/<id:person_id>/remove")
@admin_required
def confirm_remove_staff(person_id: int):
    """Ask before removing: "Remove" in the list only leads here."""
    person = _other_staff(person_id, posted=False)
    return confirm_page(
        title=_("Remove %(email)s?", email=person.email),
        paragraphs=[
            _("Their account is deleted and they can no longer sign in. It cannot be undone."),
            _(
                "Their notes stay, signed “(removed account)”. To stop them signing in but "
                "keep their name on their notes, disable the account instead."
            ),
        ],
        action=url_for(".remove_staff", person_id=person.id),
        confirm_label=_("Yes, remove %(email)s", email=person.email),
        cancel_url=url_for(".staff_list"),
    )


@bp.post("/admin/staff/<id:person_id>/remove")
@admin_required
def remove_staff(person_id: int):
    person = _other_staff(person_id)
    takes_admin = _lock_if_admin(person)
    email = person.email
    sessions.end_all(person)
    _drop_links(person)
    db.session.delete(person)
    record("staff_change", detail=f"removed {email}")
    if takes_admin and not _an_admin_remains():
        return redirect(url_for(".staff_list"), code=303)
    db.session.commit()
    flash(_("%(email)s was removed.", email=email))
    return redirect(url_for(".staff_list"), code=303)


def _lock_if_admin(person: StaffUser) -> bool:
    """Before disabling or removing an active admin: hold the admins' rows and read
    this one again, so a colleague doing the same to us at once is served after."""
    if not changes.loses_admin(person):
        return False
    changes.lock_admins()
    db.session.refresh(person)
    return changes.loses_admin(person)


def _an_admin_remains() -> bool:
    """False (the change rolled back and the reason flashed) when it left no admin."""
    try:
        changes.keep_an_admin()
    except changes.EditRefused as refused:
        db.session.rollback()
        flash(refused.message)
        return False
    return True


def _drop_links(person: StaffUser) -> None:
    """Its set-password emails not yet sent go with it (SQLite keeps no foreign keys)."""
    db.session.execute(
        delete(OutboxMessage).where(
            OutboxMessage.staff_id == person.id, OutboxMessage.status != "sent"
        )
    )
