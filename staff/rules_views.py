"""The rule book: the live rule version in words, a version awaiting sign-off beside it
with its exact diff and its replay on stored leads, the history, and the sign-off itself.

Clinicians and admins read it; only a clinician signs, confirming with their
password (counted like a sign-in, so the form cannot be used to guess it). A
sign-off names exactly the version shown: the form carries its sha256, and a
version that changed under the clinician's eyes (another release deployed) is
refused and shown again.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from leads.service import decisions_by_version, replay
from rules.diff import diff_rulebases
from signoff.deployed import deployed
from signoff.service import baseline, live, signoffs
from staff.blueprint import allowed_if, bp
from staff.forms import SignOffForm
from staff.rule_words import diff_rows, outcome_label, rule_rows
from staff.rules_signing import Refused, sign_deployed

# Clinicians and admins: front-desk staff neither read nor sign the rule book.
rules_readers_only = allowed_if("may_read_rules")


def _page(form: SignOffForm | None = None, error: str | None = None, status: int = 200):
    choice = live()
    shipped = deployed()
    lang = str(get_locale())
    compared = baseline() if choice.awaiting_signoff else None
    pending = None
    if choice.awaiting_signoff:
        pending = {
            "base": shipped.base,
            "proof": shipped.proof,
            "compared_with": compared[0] if compared else None,
            "changes": diff_rows(diff_rulebases(compared[1], shipped.base), lang)
            if compared
            else None,
            "replay": replay(shipped.base),
            "book": rule_rows(shipped.base, lang),
        }
    every_signoff = signoffs()
    if form is None and choice.awaiting_signoff and current_user.is_clinician:
        form = SignOffForm(sha256=shipped.base.sha256, name=current_user.name)
    return (
        render_template(
            "staff/rules.html",
            choice=choice,
            book=rule_rows(choice.base, lang) if choice.base else None,
            live_proof=shipped.proof if choice.base is choice.deployed else None,
            pending=pending,
            versions=decisions_by_version(),
            signoffs=every_signoff,
            signed_by={signed.sha256: signed for signed in every_signoff},
            outcome_label=outcome_label,
            form=form,
            error=error,
        ),
        status,
    )


@bp.get("/rules")
@rules_readers_only
def rule_book():
    return _page()


@bp.post("/rules/sign")
@rules_readers_only
def sign_rules():
    if not current_user.is_clinician:
        abort(403)
    form = SignOffForm()
    if not live().awaiting_signoff:
        flash(_("This version is signed off already."))
        return redirect(url_for("staff.rule_book"), code=303)
    if not form.validate():
        return _page(form, status=422)
    outcome = sign_deployed(
        current_user,
        form.password.data,
        name=form.name.data,
        registration=form.registration.data,
        sha256=form.sha256.data or "",
    )
    if isinstance(outcome, Refused):
        return _refused(form, outcome)
    flash(_("Signed off: version %(version)s now decides for patients.", version=outcome.version))
    return redirect(url_for("staff.rule_book"), code=303)


def _refused(form: SignOffForm, refused: Refused):
    if refused.reason == "changed":
        fresh = SignOffForm(sha256=deployed().base.sha256, name=form.name.data)
        fresh.registration.data = form.registration.data
        message = _(
            "The rule version changed while you were reviewing it. Review this one, then sign."
        )
        return _page(fresh, message, 409)
    if refused.reason == "wait":
        message = _("Too many wrong passwords. Try again in %(num)d seconds.", num=refused.wait)
        return _page(form, message, 429)
    if refused.reason == "wrong_password":
        form.password.errors = [_("That is not your password.")]
        return _page(form, status=401)
    flash(_("This version is signed off already."))
    return redirect(url_for("staff.rule_book"), code=303)
