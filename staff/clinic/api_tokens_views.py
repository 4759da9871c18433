"""API tokens (admins only): create one for another system, see it once, list, rotate, revoke.

The secret is shown on the page that answers the creation (or the rotation) and
nowhere else: it is never stored (only its sha256, api/tokens.py), never put in a
URL, a flash message or the session. A token lives for the days chosen at creation
(90 unless the admin picks 30, 180 or 365); rotating gives it a new secret and the
old one is refused at once. A revoked or expired token stays listed, marked so, so
the audit log's "API: <name>" entries keep their meaning. Creating, rotating and
revoking are audited ("api_token"); so is the revocation of an account's tokens when
it is disabled or removed (staff/models.py).
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from wtforms import RadioField, SelectChoice, SelectMultipleField, StringField
from wtforms.validators import InputRequired, Length

from api import tokens
from api.models import DEFAULT_LIFETIME_DAYS, LIFETIME_DAYS, ApiToken
from core.extensions import db
from staff.console.audit import record
from staff.console.blueprint import admin_required, bp
from staff.console.confirm import confirm_page
from staff.console.forms import ConfirmForm, OneLine
from staff.console.lookups import get_or_404
from staff.models import StaffUser
from web.language import LocalizedForm

SCOPE_LABELS = {
    "leads:read": _l("Read leads: the list, and each lead with its answers, result and notes"),
    "leads:write": _l("Change a lead's status"),
    "verdicts:write": _l("Record a clinician's verdict on a lead"),
}


class ApiTokenForm(LocalizedForm):
    name = StringField(
        _l("Name (which system uses it, for example “Clinic CRM”)"),
        validators=[
            InputRequired(_l("Enter a name for the token.")),
            Length(max=120, message=_l("A name must be 120 characters or fewer.")),
            OneLine(),
        ],
    )
    scopes = SelectMultipleField(
        _l("What it may do"),
        choices=[SelectChoice(scope, label) for scope, label in SCOPE_LABELS.items()],
        validators=[InputRequired(_l("Choose at least one thing the token may do."))],
    )
    lifetime = RadioField(
        _l("How long it works"),
        choices=[
            SelectChoice("30", _l("30 days")),
            SelectChoice("90", _l("90 days")),
            SelectChoice("180", _l("180 days")),
            SelectChoice("365", _l("A year")),
        ],
        default=str(DEFAULT_LIFETIME_DAYS),  # also when a form leaves it out
    )


def _render(
    form: ApiTokenForm,
    *,
    created: ApiToken | None = None,
    secret: str = "",
    rotated: bool = False,
    status=200,
):
    listed = tokens.all_tokens()
    creators = {token.created_by_id for token in listed} - {None}
    names = {
        person.id: person.display_name
        for person in db.session.scalars(select(StaffUser).where(StaffUser.id.in_(creators)))
    }
    return (
        render_template(
            "staff/clinic/api_tokens.html",
            api_tokens=listed,
            created_by={t.id: names.get(t.created_by_id, _("(removed account)")) for t in listed},
            form=form,
            scope_labels=SCOPE_LABELS,
            created=created,
            secret=secret,
            rotated=rotated,
        ),
        status,
    )


@bp.get("/admin/api-tokens")
@admin_required
def api_tokens():
    return _render(ApiTokenForm(formdata=None))


@bp.post("/admin/api-tokens")
@admin_required
def create_api_token():
    """Create it and show its secret on this answer, once (the page is never cached)."""
    form = ApiTokenForm()
    if not form.validate():
        return _render(form, status=422)
    days = int(form.lifetime.data)
    assert days in LIFETIME_DAYS  # the form's choices  # nosec B101
    token, secret = tokens.issue(
        form.name.data.strip(), form.scopes.data, created_by_id=current_user.id, lifetime_days=days
    )
    record(
        "api_token",
        detail=f"created {token.token_prefix}… “{token.name}” ({token.scopes}), "
        f"expires {token.expires_at:%Y-%m-%d}",
    )
    db.session.commit()
    return _render(ApiTokenForm(formdata=None), created=token, secret=secret)


@bp.get("/admin/api-tokens/<id:token_id>/revoke")
@admin_required
def confirm_revoke_api_token(token_id: int):
    """Ask before revoking: "Revoke" in the list only leads here."""
    token = get_or_404(ApiToken, token_id)
    if token.revoked_at is not None:
        return redirect(url_for(".api_tokens"), code=303)
    return confirm_page(
        title=_("Revoke the API token “%(name)s”?", name=token.name),
        paragraphs=[
            _(
                "Any system using the token starting %(prefix)s stops getting leads at once. "
                "It cannot be undone: to connect it again, create a new token.",
                prefix=token.token_prefix,
            ),
        ],
        action=url_for(".revoke_api_token", token_id=token.id),
        confirm_label=_("Yes, revoke “%(name)s”", name=token.name),
        cancel_url=url_for(".api_tokens"),
    )


@bp.post("/admin/api-tokens/<id:token_id>/revoke")
@admin_required
def revoke_api_token(token_id: int):
    token = get_or_404(ApiToken, token_id)
    if not ConfirmForm().validate():
        abort(400)
    if tokens.revoke(token):
        record("api_token", detail=f"revoked {token.token_prefix}… “{token.name}”")
        db.session.commit()
        flash(_("The token “%(name)s” is revoked: it no longer works.", name=token.name))
    return redirect(url_for(".api_tokens"), code=303)


@bp.get("/admin/api-tokens/<id:token_id>/rotate")
@admin_required
def confirm_rotate_api_token(token_id: int):
    """Ask before rotating: "Rotate" in the list only leads here."""
    token = get_or_404(ApiToken, token_id)
    if not token.active:
        return redirect(url_for(".api_tokens"), code=303)
    return confirm_page(
        title=_("Give the API token “%(name)s” a new secret?", name=token.name),
        paragraphs=[
            _(
                "The token starting %(prefix)s stops working at once; the new one is shown "
                "once, on the next page. It keeps its name, what it may do and its expiry. "
                "Put the new one in the other system’s settings straight away.",
                prefix=token.token_prefix,
            ),
        ],
        action=url_for(".rotate_api_token", token_id=token.id),
        confirm_label=_("Yes, rotate “%(name)s”", name=token.name),
        cancel_url=url_for(".api_tokens"),
    )


@bp.post("/admin/api-tokens/<id:token_id>/rotate")
@admin_required
def rotate_api_token(token_id: int):
    """A new secret for the same token, shown on this answer once; the old one is refused."""
    token = get_or_404(ApiToken, token_id)
    if not ConfirmForm().validate():
        abort(400)
    if not token.active:
        flash(_("Only a token that still works can be rotated: create a new one."))
        return redirect(url_for(".api_tokens"), code=303)
    old_prefix = token.token_prefix
    secret = tokens.rotate(token)
    record(
        "api_token",
        detail=f"rotated {old_prefix}… “{token.name}”: now {token.token_prefix}…",
    )
    db.session.commit()
    return _render(ApiTokenForm(formdata=None), created=token, secret=secret, rotated=True)
