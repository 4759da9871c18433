"""The console's blueprint: every route needs a signed-in staff member, every POST a CSRF token.

The check is made once, before every request to the blueprint, so a route
added later is protected without anyone remembering a decorator.
"""

from __future__ import annotations

from functools import wraps

from flask import Blueprint, abort, redirect, request, url_for
from flask_login import current_user

from extensions import csrf

bp = Blueprint("staff", __name__, url_prefix="/staff")

PUBLIC_ENDPOINTS = frozenset({"staff.sign_in"})


@bp.before_request
def require_staff():
    if request.endpoint not in PUBLIC_ENDPOINTS and not current_user.is_authenticated:
        if request.method == "GET":
            return redirect(url_for("staff.sign_in", next=request.full_path.rstrip("?")))
        abort(401)
    if request.method == "POST":
        csrf.protect()
    return None


@bp.after_request
def never_cache(response):
    """Console pages show personal data: no cache may keep them."""
    response.headers["Cache-Control"] = "no-store"
    return response


def admin_required(view):
    @wraps(view)
    def wrapper(*args, **kwargs):
        if not current_user.is_admin:
            abort(403)
        return view(*args, **kwargs)

    return wrapper
