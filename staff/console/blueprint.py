"""The console's blueprint: every route needs a signed-in staff member, every POST a CSRF token.

The check is made once, before every request to the blueprint, so a route
added later is protected without anyone remembering a decorator.
"""

from __future__ import annotations

from functools import wraps
from urllib.parse import urlsplit

from flask import Blueprint, abort, current_app, redirect, request, session, url_for
from flask_babel import LazyString
from flask_login import current_user

from core.extensions import csrf
from web.language import use_language

bp = Blueprint("staff", __name__, url_prefix="/staff")

PUBLIC_ENDPOINTS = frozenset({"staff.sign_in", "staff.sign_in_code", "staff.set_password"})


LANGUAGE_KEY = "staff_lang"


@bp.before_request
def keep_chosen_language():
    """The header's switch sets ?lang= once; the console keeps that choice in the session."""
    chosen = request.args.get("lang")
    if chosen in current_app.config["LANGUAGES"]:
        session[LANGUAGE_KEY] = chosen
    if session.get(LANGUAGE_KEY) in current_app.config["LANGUAGES"]:
        use_language(session[LANGUAGE_KEY])


@bp.before_request
def require_staff():
    if request.endpoint not in PUBLIC_ENDPOINTS and not current_user.is_authenticated:
        if request.method == "GET":
            return redirect(url_for("staff.sign_in", next=request.full_path.rstrip("?")))
        # A form sent after the session ended: say so at sign-in, and come back to its page.
        page = urlsplit(request.referrer or "")
        came_from = f"{page.path}?{page.query}" if page.query else page.path
        return redirect(url_for("staff.sign_in", next=came_from or None, unsent=1), code=303)
    if request.method == "POST":
        csrf.protect()
    return None


@bp.after_request
def never_cache(response):
    """Console pages show personal data: no cache may keep them."""
    response.headers["Cache-Control"] = "no-store"
    return response


def allowed_if(permission: str, refusal: str | LazyString | None = None):
    """A view only the staff whose ``permission`` (a StaffUser property) holds may use.

    ``refusal``: what the 403 page tells everyone else (by default, that only a clinic
    admin may use the page).
    """

    def decorate(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            if not getattr(current_user, permission):
                abort(403, description=str(refusal) if refusal else None)
            return view(*args, **kwargs)

        return wrapper

    return decorate


admin_required = allowed_if("is_admin")
