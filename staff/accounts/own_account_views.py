"""Your own account and passwords without a shell: the account page, changing your own
password, the page a set-password link opens, and the gate that sends someone whose
password an admin chose to choose their own before anything else."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user

from core.extensions import config_limit, db, limiter
from staff.accounts import changes, password_links, sessions
from staff.accounts.forms import NewPasswordForm, PasswordChangeForm
from staff.accounts.reauth import WRONG_PASSWORD, Failure, check_password, too_many_tries
from staff.console.audit import record
from staff.console.blueprint import LANGUAGE_KEY, PUBLIC_ENDPOINTS, bp
from staff.console.labels import ROLE_LABELS

#: What someone who must choose their own password may still open: the page to choose
#: it, signing out, and the public pages (sign-in, set-password links).
GATE_OPEN = PUBLIC_ENDPOINTS | {"staff.change_password", "staff.sign_out"}


@bp.before_request
def choose_own_password_first():
    """An account whose password an admin chose sees only the change-password page until
    its owner chooses their own (every console page, every form, leads here)."""
    if not current_user.is_authenticated or not current_user.must_change_password:
        return None
    if request.endpoint in GATE_OPEN:
        return None
    return redirect(url_for("staff.change_password"), code=303 if request.method == "POST" else 302)


@bp.get("/account")
def account():
    return render_template("staff/accounts/account.html", role_labels=ROLE_LABELS)


def _render_change(form: PasswordChangeForm, status: int = 200):
    return render_template("staff/accounts/account_password.html", form=form), status


def _change_form() -> PasswordChangeForm:
    form = PasswordChangeForm()
    form.personal = (current_user.email, current_user.name)
    return form


@bp.route("/account/password", methods=["GET", "POST"])
@limiter.limit(config_limit("RATELIMIT_SIGN_IN"), methods=["POST"])
def change_password():
    """Your own password: the current one, then the new one twice. Every other session of
    yours ends; this browser stays signed in, with a fresh session."""
    form = _change_form()
    if not form.is_submitted():
        return _render_change(form)
    valid = form.validate()
    user = current_user._get_current_object()
    checked = None
    if form.current_password.data:
        checked = check_password(
            user,
            form.current_password.data,
            failure=Failure("sign_in_failed", "wrong password to change their own password"),
        )
    if checked is not None and checked.wait:
        form.current_password.errors = [too_many_tries(checked.wait)]
        return _render_change(form, 429)
    if checked is not None and checked.wrong:
        form.current_password.errors = [str(WRONG_PASSWORD)]
        valid = False
    elif valid and form.new_password.data == form.current_password.data:
        form.new_password.errors = [_("Choose a password different from your current one.")]
        valid = False
    if not valid:
        return _render_change(form, 422)
    forced = user.must_change_password
    changes.set_password(user, form.new_password.data)
    record("password_change", detail=f"{user.email} changed their own password", actor=user)
    _fresh_session(user)
    db.session.commit()
    login_user(user)
    flash(_("Your password is changed. You are signed out everywhere else."))
    return redirect(url_for("staff.leads" if forced else "staff.account"), code=303)


def _fresh_session(user) -> None:
    """A new session for this browser (the old one ended with the others), same language."""
    language = session.get(LANGUAGE_KEY)
    session.clear()
    if language:
        session[LANGUAGE_KEY] = language
    session.permanent = True
    sessions.start(user)


#: Where a set-password link's token waits once the link has landed: this browser's
#: session, so no address after the first holds it (password_links.py says why).
LINK_TOKEN_KEY = "set_password_token"  # noqa: S105 (a session key's name)


def _refused(problem: str):
    session.pop(LINK_TOKEN_KEY, None)
    return render_template("staff/accounts/set_password_refused.html", problem=problem), 410


@bp.route("/set-password", methods=["GET", "POST"])
@limiter.limit(config_limit("RATELIMIT_SIGN_IN"), methods=["POST"])
def set_password():
    """The page a set-password link opens (no sign-in): the new password twice.

    The link (``?token=…``) lands here once: a working token moves into this browser's
    session and the answer is a redirect to the bare address, which shows the form and
    takes its POST. The token is never in a path, so never in nginx's access log."""
    token = request.args.get("token") if request.method == "GET" else None
    if token is not None:
        checked = password_links.check(token)
        if checked.person is None:
            return _refused(checked.problem)
        session[LINK_TOKEN_KEY] = token
        return redirect(url_for("staff.set_password"), code=303)
    checked = password_links.check(session.get(LINK_TOKEN_KEY) or "")
    if checked.person is None:
        return _refused(checked.problem)
    person = checked.person
    form = NewPasswordForm()
    form.personal = (person.email, person.name)
    if not form.is_submitted():
        return render_template("staff/accounts/set_password.html", form=form, person=person)
    if not form.validate():
        return render_template("staff/accounts/set_password.html", form=form, person=person), 422
    changes.set_password(person, form.new_password.data)
    record("password_change", detail=f"{person.email} set a password with a link", actor=person)
    db.session.commit()
    session.pop(LINK_TOKEN_KEY, None)
    flash(_("Your password is set. Sign in with it."))
    return redirect(url_for("staff.sign_in"), code=303)
