"""The rule book: the live rule version in words, a version awaiting sign-off beside it
with its exact diff and its replay on stored leads, the history, and the sign-off itself.

Clinicians and admins read it; only a clinician signs, confirming with their
password (counted like a sign-in, so the form cannot be used to guess it). A
sign-off names exactly the version shown: the form carries its sha256, and a
version that changed under the clinician's eyes (another release deployed) is
refused and shown again. Only a clinician withdraws a sign-off, after a page that
says what will then decide, with a reason and their password.
"""

from __future__ import annotations

import re

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from leads.service import stored_decisions_by_version
from signoff.deployed import deployed
from signoff.registration import expected as registration_expected
from signoff.service import (
    LiveRules,
    SignOff,
    baseline,
    live,
    live_rules_ttl,
    signoff_of,
    signoffs,
)
from staff.accounts.service import WRONG_PASSWORD, too_many_tries
from staff.console.blueprint import allowed_if, bp
from staff.rulebook.effect import effect
from staff.rulebook.forms import WITHDRAW_REASON_MAX, SignOffForm, WithdrawForm
from staff.rulebook.minimums import safety_minimums
from staff.rulebook.rule_words import concern_name, outcome_label, rule_rows
from staff.rulebook.signing import Refused, sign_deployed, withdraw_signoff
from staff.rulebook.withdrawal import consequences

#: A version's fingerprint as a sign-off stores it; anything else names none (and a NUL would
#: be a database error on PostgreSQL).
SHA256 = re.compile(r"[0-9a-f]{64}")
NO_NAME = _l(
    "Your account has no name, and a sign-off shows patients the signer’s name: ask an "
    "admin to set it (Staff accounts), then sign."
)

# Clinicians and admins: front-desk staff neither read nor sign the rule book.
rules_readers_only = allowed_if("may_read_rules")
clinicians_only = allowed_if("is_clinician", _l("Only a clinician can withdraw a sign-off."))


def _in_production_meanwhile(choice: LiveRules) -> SignOff | None:
    """While the deployed version awaits sign-off: the signed version production goes on
    deciding with (None: in production nobody would be decided until it is signed)."""
    if choice.signoff is not None and choice.base is not choice.deployed:
        return choice.signoff
    kept = baseline()
    return kept[0] if kept else None


def _page(form: SignOffForm | None = None, error: str | None = None, status: int = 200):
    choice = live()
    shipped = deployed()
    lang = str(get_locale())
    compared = baseline() if choice.awaiting_signoff else None
    every_signoff = signoffs()
    signed_by = {signed.sha256: signed for signed in every_signoff}
    earlier = signed_by.get(shipped.base.sha256)
    pending = None
    if choice.awaiting_signoff:
        pending = {
            "base": shipped.base,
            "proof": shipped.proof,
            "compared_with": compared[0] if compared else None,
            # The replays are stored figures (staff.rulebook.effect): not replayed per view.
            "effect": effect(shipped.base, compared[1] if compared else None, lang),
            "book": rule_rows(shipped.base, lang),
            "meanwhile": _in_production_meanwhile(choice),
            # Its sign-off was withdrawn: that exact text cannot be signed again.
            "withdrawn": earlier if earlier and earlier.withdrawn else None,
        }
    if pending and pending["withdrawn"]:
        form = None
    elif form is None and choice.awaiting_signoff and current_user.is_clinician:
        form = SignOffForm(sha256=shipped.base.sha256)
    return (
        render_template(
            "staff/rulebook/rules.html",
            choice=choice,
            book=rule_rows(choice.base, lang) if choice.base else None,
            live_proof=shipped.proof if choice.base is choice.deployed else None,
            minimums=safety_minimums(lang),
            pending=pending,
            versions=stored_decisions_by_version(),
            signoffs=every_signoff,
            signed_by=signed_by,
            outcome_label=outcome_label,
            concern_name=concern_name,
            lang=lang,
            ttl=live_rules_ttl(),
            form=form,
            error=error,
            registration_hint=registration_expected() if form is not None else "",
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
    earlier = signoff_of(deployed().base.sha256)  # withdrawn, or signed on another instance
    if earlier is not None:
        return _refused(form, Refused("withdrawn" if earlier.withdrawn else "signed_already"))
    if not form.validate():
        return _page(form, status=422)
    outcome = sign_deployed(
        current_user,
        form.password.data,
        registration=form.registration.data,
        sha256=form.sha256.data or "",
    )
    if isinstance(outcome, Refused):
        return _refused(form, outcome)
    flash(_("Signed off: version %(version)s now decides for patients.", version=outcome.version))
    return redirect(url_for("staff.rule_book"), code=303)


def _refused(form: SignOffForm, refused: Refused):
    if refused.reason == "changed":
        fresh = SignOffForm(sha256=deployed().base.sha256)
        fresh.registration.data = form.registration.data
        message = _(
            "The rule version changed while you were reviewing it. Review this one, then sign."
        )
        return _page(fresh, message, 409)
    if refused.reason == "wait":
        message = too_many_tries(refused.wait)
        return _page(form, message, 429)
    if refused.reason == "registration":
        form.registration.errors = [refused.message]
        return _page(form, status=422)
    if refused.reason == "no_name":
        return _page(form, str(NO_NAME), 409)
    if refused.reason == "wrong_password":
        form.password.errors = [str(WRONG_PASSWORD)]
        return _page(form, status=401)
    if refused.reason == "withdrawn":
        flash(
            _("The sign-off of this version was withdrawn: publish a new version to sign it again.")
        )
    else:
        flash(_("This version is signed off already."))
    return redirect(url_for("staff.rule_book"), code=303)


def _withdrawable(sha256: str | None) -> SignOff | None:
    """The sign-off to withdraw: 404 for none with this hash, None when withdrawn already."""
    target = signoff_of(sha256) if sha256 and SHA256.fullmatch(sha256) else None
    if target is None:
        abort(404)
    if target.withdrawn:
        flash(_("This sign-off is withdrawn already."))
        return None
    return target


def _withdraw_page(target: SignOff, form: WithdrawForm, error: str | None = None, status=200):
    return (
        render_template(
            "staff/rulebook/rules_withdraw.html",
            target=target,
            consequences=consequences(target),
            form=form,
            errors=[(field.id, field.errors[0]) for field in form if field.errors],
            error=error,
            reason_max=WITHDRAW_REASON_MAX,
        ),
        status,
    )


@bp.get("/rules/withdraw")
@clinicians_only
def withdraw_question():
    target = _withdrawable(request.args.get("sha256"))
    if target is None:
        return redirect(url_for("staff.rule_book"), code=303)
    return _withdraw_page(target, WithdrawForm(formdata=None, sha256=target.sha256))


@bp.post("/rules/withdraw")
@clinicians_only
def withdraw_rules_signoff():
    form = WithdrawForm()
    target = _withdrawable(form.sha256.data)
    if target is None:
        return redirect(url_for("staff.rule_book"), code=303)
    if not form.validate():
        return _withdraw_page(target, form, status=422)
    outcome = withdraw_signoff(
        current_user, form.password.data, sha256=target.sha256, reason=form.reason.data
    )
    if isinstance(outcome, Refused):
        if outcome.reason == "not_clinician":
            abort(403)
        if outcome.reason == "wait":
            message = too_many_tries(outcome.wait)
            return _withdraw_page(target, form, message, 429)
        if outcome.reason == "wrong_password":
            form.password.errors = [str(WRONG_PASSWORD)]
            return _withdraw_page(target, form, status=401)
        flash(_("This sign-off is withdrawn already."))
        return redirect(url_for("staff.rule_book"), code=303)
    flash(after_withdrawal(outcome.version))
    return redirect(url_for("staff.rule_book"), code=303)


def after_withdrawal(version: str) -> str:
    """What the clinician is told once a sign-off is withdrawn: what decides now, never
    "no longer decides" above a page where that same version goes on deciding unsigned."""
    now = live()
    if now.base is None:
        return _(
            "Sign-off of version %(version)s withdrawn. No version decides for patients now: "
            "the check and the API tell them it is not available until a clinician signs a "
            "version off.",
            version=version,
        )
    if now.signoff is not None:
        return _(
            "Sign-off of version %(version)s withdrawn. Version %(now)s, signed off by "
            "%(name)s, decides for patients now.",
            version=version,
            now=now.signoff.version,
            name=now.signoff.signer_name,
        )
    return _(
        "Sign-off of version %(version)s withdrawn. Outside production, as here, version "
        "%(now)s goes on deciding unsigned and every patient page says the rules are not for "
        "patients; in production it would not decide.",
        version=version,
        now=now.base.version,
    )


from staff.rulebook import try_patient as _try_patient  # noqa: E402, F401 - its routes
