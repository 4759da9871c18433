"""Signing in and out of the console."""

from __future__ import annotations

import time
from urllib.parse import urlsplit

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import login_user, logout_user

from core.dbtypes import utcnow
from core.extensions import config_limit, db, limiter, login_manager
from staff.accounts import sessions
from staff.accounts.forms import SignInForm
from staff.accounts.passwords import hash_password, needs_rehash
from staff.accounts.reauth import Failure, check_password, too_many_tries
from staff.console.audit import record
from staff.console.blueprint import LANGUAGE_KEY, bp
from staff.console.forms import ConfirmForm
from staff.models import StaffUser


@login_manager.user_loader
def load_user(user_id: str) -> StaffUser | None:
    """ "<id>:<session version>", and a live session on the server for this browser.

    A password change ends every older session (the version); signing out, a
    disabled or removed account end them on the server (staff/sessions.py).
    """
    try:
        raw_id, raw_version = user_id.split(":", 1)
        user = db.session.get(StaffUser, int(raw_id))
        version = int(raw_version)
    except (ValueError, TypeError):
        return None
    if user is None or user.session_version != version or not user.active:
        return None
    live = sessions.current(user)
    if live is None:
        return None
    sessions.touch(live)
    return user


def _safe_next(target: str | None) -> str:
    """A console path to return to after sign-in; anything else (another host, a control
    character that would break the Location header) goes to the leads."""
    if (
        target
        and target.startswith("/staff")
        and target.isprintable()
        and "\\" not in target
        and not urlsplit(target).netloc
    ):
        return target
    return url_for("staff.leads")


@bp.route("/sign-in", methods=["GET", "POST"])
@limiter.limit(config_limit("RATELIMIT_SIGN_IN"), methods=["POST"])
def sign_in():
    form = SignInForm()
    error = None
    status = 200
    if form.validate_on_submit():
        # An unknown email takes exactly the steps a real one does (the count of tries,
        # the password check against a dummy hash, an audit row): the same answer, the
        # same status, about the same time.
        checked = check_password(
            form.email.data, form.password.data, failure=Failure("sign_in_failed")
        )
        user = checked.user
        if checked.ok:
            if needs_rehash(user.password_hash):
                user.password_hash = hash_password(form.password.data)
            if user.has_two_factor:
                return _await_second_factor(user)
            return complete_sign_in(user)
        if checked.wait:
            error = too_many_tries(checked.wait)
            status = 429
        elif checked.disabled:
            # Only someone who knows the password learns this: they can ask an admin.
            error = _("This account is disabled. Ask a clinic admin to enable it.")
            status = 401
        else:
            error = _("The email or password is not right.")
            status = 401
    elif form.is_submitted():
        status = 422
    return render_template("staff/accounts/sign_in.html", form=form, error=error), status


def complete_sign_in(user: StaffUser):
    """Sign ``user`` in and go to the page they asked for: the end of the password step, or
    of the code step for an account with two-factor sign-in."""
    user.last_sign_in_at = utcnow()
    user.lang = str(get_locale())  # their emails follow the console they use
    record("sign_in", actor=user)
    _clear_session_keeping_language()
    session.permanent = True  # the cookie; the session's life is on the server
    sessions.start(user)
    db.session.commit()
    login_user(user)
    return redirect(_safe_next(request.args.get("next")))


#: The signed session cookie's note that a password was right and a code is awaited:
#: the account, its session version and when (nothing kept in a process's memory).
PENDING_KEY = "two_factor_pending"
PENDING_SECONDS = 300


def _await_second_factor(user: StaffUser):
    """Right password, two-factor on: not signed in yet; the code step comes next."""
    db.session.commit()  # a rehashed password
    _clear_session_keeping_language()
    session[PENDING_KEY] = {"id": user.id, "v": user.session_version, "at": int(time.time())}
    return redirect(url_for("staff.sign_in_code", next=request.args.get("next")), code=303)


def pending_user() -> StaffUser | None:
    """The account whose password was right in this browser less than five minutes ago, if
    it still has two-factor sign-in on and the same session version."""
    pending = session.get(PENDING_KEY)
    if not isinstance(pending, dict):
        return None
    try:
        user = db.session.get(StaffUser, int(pending["id"]))
        fresh = 0 <= time.time() - int(pending["at"]) <= PENDING_SECONDS
        same = user is not None and user.session_version == int(pending["v"])
    except (KeyError, TypeError, ValueError):
        return None
    if not (fresh and same and user.active and user.has_two_factor):
        return None
    return user


@bp.post("/sign-out")
def sign_out():
    sessions.end_this()  # a copy of this browser's cookie now signs in nobody
    db.session.commit()
    logout_user()
    _clear_session_keeping_language()
    flash(_("You are signed out."))
    return redirect(url_for("staff.sign_in"))


def _clear_session_keeping_language() -> None:
    """A fresh session (no fixation), still in the language the person chose."""
    language = session.get(LANGUAGE_KEY)
    session.clear()
    if language:
        session[LANGUAGE_KEY] = language


@bp.app_context_processor
def staff_forms():
    return {"button_form": ConfirmForm, "session_minutes": _session_minutes}


def _session_minutes() -> int:
    lifetime = current_app.permanent_session_lifetime
    return int(lifetime.total_seconds() // 60)
