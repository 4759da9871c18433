"""Sign-in's second step: the code from the authenticator app, or a recovery code.

Reached only with a right password less than five minutes old (``auth.pending_user``).
Wrong codes are counted like wrong passwords (``reauth.check_code``), under a key of
their own per email, so the lock on guessing codes does not lock the password form,
and the other way round.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext

from core.extensions import config_limit, limiter
from staff.accounts import two_factor
from staff.accounts.reauth import WRONG_CODE, Failure, check_code, too_many_tries
from staff.accounts.sign_in import complete_sign_in, pending_user
from staff.accounts.two_factor_forms import SignInCodeForm
from staff.console.audit import record
from staff.console.blueprint import bp
from staff.models import StaffUser


@bp.route("/sign-in/code", methods=["GET", "POST"])
@limiter.limit(config_limit("RATELIMIT_SIGN_IN"), methods=["POST"])
def sign_in_code():
    user = pending_user()
    if user is None:
        flash(
            _(
                "Please sign in with your email and password first,"
                " then enter the code within 5 minutes."
            )
        )
        return redirect(url_for("staff.sign_in", next=request.args.get("next")), code=303)
    form = SignInCodeForm()
    error = None
    status = 200
    if form.validate_on_submit():
        failure = Failure("two_factor", "wrong code at sign-in")
        checked = check_code(user, form.code.data, failure=failure)
        if checked.ok:
            return _signed_in(user, checked.factor)
        if checked.wait:
            error = too_many_tries(checked.wait)
            status = 429
        else:
            error = str(WRONG_CODE)
            status = 401
    elif form.is_submitted():
        status = 422
    return render_template("staff/accounts/two_factor_code.html", form=form, error=error), status


def _signed_in(user: StaffUser, factor: str | None):
    left = two_factor.recovery_codes_left(user) if factor == "recovery" else None
    if left is not None:
        record("two_factor", actor=user, detail=f"signed in with a recovery code ({left} left)")
    response = complete_sign_in(user)
    if left is not None:
        flash(
            ngettext(
                "You used a recovery code: %(num)d is left. Make new ones in Two-factor sign-in.",
                "You used a recovery code: %(num)d are left. Make new ones in Two-factor sign-in.",
                left,
            )
        )
    return response
