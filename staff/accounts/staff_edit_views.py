"""An admin's page for one account: its name, role, state and permissions, and a
set-password link for its owner (shown once on the page, or emailed)."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from core.extensions import db
from leads.service import deliver_after_response
from staff.accounts import changes, password_links
from staff.accounts.forms import StaffEditForm
from staff.console.audit import record
from staff.console.blueprint import admin_required, bp
from staff.console.forms import ConfirmForm
from staff.console.lookups import get_or_404
from staff.models import StaffUser


def _render_edit(person: StaffUser, form: StaffEditForm, status: int = 200, link: str = ""):
    return (
        render_template(
            "staff/accounts/staff_edit.html",
            person=person,
            form=form,
            link=link,
            link_hours=current_app.config["PASSWORD_LINK_HOURS"],
            can_email=bool(current_app.config["SMTP_HOST"]),
        ),
        status,
    )


def _edit_form(person: StaffUser) -> StaffEditForm:
    return StaffEditForm(
        name=person.name,
        role=person.role,
        active=person.active,
        can_export=person.can_export,
        can_delete=person.can_delete,
        email_lang=person.lang or current_app.config["BABEL_DEFAULT_LOCALE"],
    )


@bp.get("/admin/staff/<id:person_id>/edit")
@admin_required
def edit_staff(person_id: int):
    person = get_or_404(StaffUser, person_id)
    return _render_edit(person, _edit_form(person))


@bp.post("/admin/staff/<id:person_id>/edit")
@admin_required
def save_staff(person_id: int):
    person = get_or_404(StaffUser, person_id)
    form = StaffEditForm()
    if not form.validate():
        return _render_edit(person, form, 422)
    edit = changes.AccountEdit(
        name=form.name.data.strip(),
        role=form.role.data,
        active=form.active.data,
        can_export=form.can_export.data,
        can_delete=form.can_delete.data,
        lang=form.email_lang.data or None,
    )
    try:
        said = changes.apply_edit(person, edit, current_user._get_current_object())
    except changes.EditRefused as refused:
        db.session.rollback()  # nothing of a refused edit is kept, audit rows included
        getattr(form, refused.field).errors = [refused.message]
        return _render_edit(person, form, 422)
    db.session.commit()
    if said:
        flash(_("The changes to %(email)s are saved.", email=person.email))
    else:
        flash(_("Nothing was changed."))
    return redirect(url_for(".staff_list"), code=303)


@bp.post("/admin/staff/<id:person_id>/password-link")
@admin_required
def password_link(person_id: int):
    """A set-password link for a colleague: shown on this page once, or emailed."""
    person = get_or_404(StaffUser, person_id)
    if not ConfirmForm().validate():
        abort(400)
    if person.id == current_user.id or not person.active:
        abort(400)  # your own password is changed on your account page
    if request.form.get("send") == "email" and current_app.config["SMTP_HOST"]:
        message_id = password_links.queue_email(person)
        record("password_link", detail=f"emailed a set-password link to {person.email}")
        db.session.commit()
        flash(_("A set-password link is on its way to %(email)s.", email=person.email))
        response = redirect(url_for(".edit_staff", person_id=person.id), code=303)
        return deliver_after_response(response, [message_id])
    link = password_links.link_for(person, password_links.shown_base_url())
    record("password_link", detail=f"showed a set-password link for {person.email}")
    db.session.commit()
    return _render_edit(person, _edit_form(person), link=link)
