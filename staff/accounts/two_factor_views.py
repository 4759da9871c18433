"""Two-factor sign-in in the console: setting it up, new recovery codes, turning it off,
an admin's reset of a colleague's (a lost phone), and the clinic's requirement.

Recovery codes are shown in the answer to the form that made them, never put in a
cookie or a redirect: once that page is left they cannot be shown again.

Every change takes the password (turning it on: with the first code; new recovery codes
and turning it off: with a code), checked by the one re-authentication, and emails the
account's owner (``two_factor_emails``), so a copied session cookie can neither change it
alone nor change it unseen. An admin's reset emails the person too.
"""

from __future__ import annotations

from flask import abort, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from core import clinic_settings
from core.extensions import db
from leads.service import deliver_after_response
from staff.accounts import sessions, two_factor, two_factor_emails
from staff.accounts.reauth import (
    WRONG_CODE,
    WRONG_PASSWORD,
    Checked,
    Failure,
    check_code,
    check_password,
    too_many_tries,
)
from staff.accounts.sign_in import _safe_next
from staff.accounts.two_factor_forms import ConfirmItsYouForm, EnrolForm
from staff.console.audit import record
from staff.console.blueprint import PUBLIC_ENDPOINTS, admin_required, bp
from staff.console.confirm import confirm_page
from staff.console.forms import ConfirmForm
from staff.console.lookups import get_or_404
from staff.models import StaffUser

#: What an account without two-factor may still open when the clinic requires it.
OPEN_WHILE_REQUIRED = PUBLIC_ENDPOINTS | {"staff.two_factor_page", "staff.sign_out"}


@bp.before_request
def require_two_factor():
    """When the clinic requires it, an account without two-factor sets it up first."""
    if not current_user.is_authenticated or current_user.has_two_factor:
        return None
    if request.endpoint in OPEN_WHILE_REQUIRED or current_user.must_change_password:
        return None  # a new password first (its own gate), then two-factor
    if not clinic_settings.flag("require_two_factor"):
        return None
    if request.method == "GET":
        return redirect(url_for("staff.two_factor_page", next=request.full_path.rstrip("?")))
    return redirect(url_for("staff.two_factor_page"), code=303)


def _me() -> StaffUser:
    return current_user._get_current_object()


@bp.route("/account/two-factor", methods=["GET", "POST"])
def two_factor_page():
    """Set it up (QR code, key, first code) or, once on, manage it."""
    user = _me()
    if user.has_two_factor:
        if request.method == "POST":
            return redirect(url_for(".two_factor_page"), code=303)  # set up already (a second tab)
        return _manage(user)
    secret = user.totp_secret
    if two_factor.start_enrolment(user) != secret:
        db.session.commit()
    form = EnrolForm()
    if form.validate_on_submit():
        checked = check_password(
            user,
            form.password.data,
            failure=Failure("two_factor", "wrong password to turn two-factor sign-in on"),
        )
        if not checked.ok:
            form.password.errors = [_refusal(checked, WRONG_PASSWORD)]
        elif two_factor.confirm_enrolment(user, form.code.data):
            codes = two_factor.new_recovery_codes(user)
            record("two_factor", actor=user, detail="turned two-factor sign-in on")
            told = two_factor_emails.queue_email(user, "on")
            db.session.commit()
            return _told(_show_recovery_codes(codes, first=True), told)
        else:
            form.code.errors = [
                _("That code is not right. Check the time on your phone, then try the newest code.")
            ]
    status = 422 if form.is_submitted() else 200
    return _enrolment(user, form), status


def _told(page, message_ids: list[int]):
    """The answer, with the owner's email sent once it has gone out."""
    return deliver_after_response(make_response(page), message_ids)


def _enrolment(user: StaffUser, form: EnrolForm):
    uri = two_factor.provisioning_uri(user, user.totp_secret)
    return render_template(
        "staff/accounts/two_factor_enrol.html",
        form=form,
        qr=two_factor.qr_svg(uri, _("QR code to scan with your authenticator app")),
        key=two_factor.grouped(user.totp_secret),
        required=clinic_settings.flag("require_two_factor"),
    )


def _manage(user: StaffUser, codes_form=None, off_form=None, status: int = 200):
    return render_template(
        "staff/accounts/two_factor_manage.html",
        codes_form=codes_form or ConfirmItsYouForm(prefix="codes", formdata=None),
        off_form=off_form or ConfirmItsYouForm(prefix="off", formdata=None),
        left=two_factor.recovery_codes_left(user),
        required=clinic_settings.flag("require_two_factor"),
    ), status


def _show_recovery_codes(codes: list[str], first: bool):
    return render_template(
        "staff/accounts/two_factor_recovery.html",
        codes=codes,
        first=first,
        next_url=_safe_next(request.args.get("next")),
    )


def _its_you(user: StaffUser, form: ConfirmItsYouForm) -> bool:
    """The password, then a code, each counted like a sign-in try; errors go on the form."""
    checked = check_password(
        user,
        form.password.data,
        failure=Failure("two_factor", "wrong password to change two-factor sign-in"),
    )
    if not checked.ok:
        form.password.errors = [_refusal(checked, WRONG_PASSWORD)]
        return False
    checked = check_code(
        user,
        form.code.data,
        failure=Failure("two_factor", "wrong code to change two-factor sign-in"),
    )
    if not checked.ok:
        form.code.errors = [_refusal(checked, WRONG_CODE)]
        return False
    if checked.factor == "recovery":
        record("two_factor", actor=user, detail="used a recovery code")
    return True


def _refusal(checked: Checked, wrong) -> str:
    return too_many_tries(checked.wait) if checked.wait else str(wrong)


@bp.post("/account/two-factor/recovery-codes")
def new_recovery_codes():
    user = _me()
    if not user.has_two_factor:
        return redirect(url_for(".two_factor_page"), code=303)
    form = ConfirmItsYouForm(prefix="codes")
    if not (form.validate() and _its_you(user, form)):
        return _manage(user, codes_form=form, status=422)
    codes = two_factor.new_recovery_codes(user)
    record("two_factor", actor=user, detail="made new recovery codes")
    told = two_factor_emails.queue_email(user, "recovery_codes")
    db.session.commit()
    return _told(_show_recovery_codes(codes, first=False), told)


@bp.post("/account/two-factor/off")
def turn_two_factor_off():
    user = _me()
    if not user.has_two_factor:
        return redirect(url_for(".two_factor_page"), code=303)
    form = ConfirmItsYouForm(prefix="off")
    if not (form.validate() and _its_you(user, form)):
        return _manage(user, off_form=form, status=422)
    two_factor.turn_off(user)
    record("two_factor", actor=user, detail="turned two-factor sign-in off")
    told = two_factor_emails.queue_email(user, "off")
    db.session.commit()
    flash(_("Two-factor sign-in is off."))
    return _told(redirect(url_for(".two_factor_page"), code=303), told)


def _colleague(person_id: int) -> StaffUser:
    person = get_or_404(StaffUser, person_id)
    if person.id == current_user.id:
        abort(400)  # one's own is turned off with a password and a code
    return person


@bp.get("/admin/staff/<id:person_id>/two-factor/reset")
@admin_required
def confirm_reset_two_factor(person_id: int):
    person = _colleague(person_id)
    return confirm_page(
        title=_("Reset two-factor sign-in for %(email)s?", email=person.email),
        paragraphs=[
            _(
                "Their authenticator app and recovery codes stop working, and they are "
                "signed out everywhere. Do this when they lost their phone."
            ),
            _(
                "They sign in with their password alone until they set it up again; if the "
                "clinic requires two-factor sign-in, that is at their next sign-in."
            ),
        ],
        action=url_for(".reset_two_factor", person_id=person.id),
        confirm_label=_("Yes, reset it for %(email)s", email=person.email),
        cancel_url=url_for(".staff_list"),
    )


@bp.post("/admin/staff/<id:person_id>/two-factor/reset")
@admin_required
def reset_two_factor(person_id: int):
    person = _colleague(person_id)
    if not ConfirmForm().validate():
        abort(400)
    two_factor.turn_off(person)
    sessions.end_all(person)
    record("two_factor", detail=f"reset two-factor sign-in of {person.email}")
    told = two_factor_emails.queue_email(person, "reset")
    db.session.commit()
    flash(_("Two-factor sign-in is reset for %(email)s.", email=person.email))
    return _told(redirect(url_for(".staff_list"), code=303), told)
