"""Every error page in one place: JSON in the contract's shape for the API, the console's
own page for refusals a signed-in member of staff can meet, the check's page otherwise."""

from __future__ import annotations

import contextlib

from flask import Flask, Response, current_app, jsonify, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError, SQLAlchemyError
from werkzeug.exceptions import Forbidden, HTTPException, SecurityError

from core.extensions import db, login_manager
from web import zones
from web.language import address_after_post

#: Refusals a signed-in member of staff can meet: shown inside the console, not the check.
CONSOLE_REFUSALS = frozenset({400, 403, 404, 405})


def error_json(status: int, message: str, field: str = "") -> tuple[Response, int]:
    """The contract's error shape (section 6) for a request-level problem."""
    return jsonify({"errors": [{"field": field, "message": message}]}), status


def page(code: int, title: str, message: str):
    """The error answer for this request's part of the site."""
    if zones.is_api(request.path):
        return error_json(code, message)
    if zones.is_console(request.path) and code in CONSOLE_REFUSALS:
        return render_template("staff/console/error.html", title=title, message=message), code
    return render_template("error.html", code=code, title=title, message=message), code


def init_app(app: Flask) -> None:
    @app.errorhandler(SecurityError)
    def untrusted_host(_error):
        """A Host header not in TRUSTED_HOSTS: no page can be drawn, since no link can be built."""
        current_app.logger.warning(
            "refused host %r: add it to TRUSTED_HOSTS if it is yours",
            request.environ.get("HTTP_HOST", "")[:100],
        )
        return Response("This address is not served here.\n", 400, mimetype="text/plain")

    @app.errorhandler(400)
    def bad_request(_error):
        return page(400, _("Not available"), _("That page can't be used this way."))

    @app.errorhandler(CSRFError)
    def form_expired(_error):
        """A console form without its CSRF token (expired session, or a forged request)."""
        return page(
            400,
            _("The form expired"),
            _("What you sent was not saved. Go back, reload the page and send it again."),
        )

    @app.errorhandler(403)
    def forbidden(error):
        """The refusal names what is missing when the view said (a permission, say)."""
        custom = getattr(error, "description", None) not in (None, Forbidden.description)
        message = error.description if custom else _("Only a clinic admin can use this page.")
        return page(403, _("Not available"), message)

    @app.errorhandler(404)
    def not_found(_error):
        return page(404, _("Page not found"), _("We couldn't find that page."))

    @app.errorhandler(405)
    def method_not_allowed(error):
        body, code = page(405, _("Not available"), _("That page can't be used this way."))
        return body, code, {"Allow": ", ".join(getattr(error, "valid_methods", None) or [])}

    @app.errorhandler(413)
    def too_large(_error):
        return page(413, _("Too much data"), _("What you sent was too large to handle."))

    @app.errorhandler(429)
    def too_many_requests(_error):
        """Too many tries: wait, then go back to the step or result, answers and all."""
        try:
            token = request.form.get("s") if request.method == "POST" else None
        except HTTPException:  # a body too large or malformed to read: no way back offered
            token = None
        back_url = address_after_post(token)
        if back_url is None:
            return page(429, _("Too many requests"), _("Please wait a moment and try again."))
        message = _(
            "Please wait a minute, then go back and try again. Your answers to the check are kept."
        )
        return render_template(
            "error.html", code=429, title=_("Too many requests"), message=message, token=token,
            back_url=back_url, back_label=_("Go back to where you were"),
        ), 429  # fmt: skip

    @app.errorhandler(OperationalError)
    def database_unavailable(_error):
        """The database is down or unreachable: say so kindly (503) and let the pool recover.

        The session is rolled back so nothing half-written survives, and the pool's
        pre-ping replaces dead connections once the server is back.
        """
        current_app.logger.exception("database unavailable while answering %s", request.path)
        with contextlib.suppress(SQLAlchemyError):
            db.session.rollback()
        # Render as nobody: Flask-Login's template context would load the user again.
        login_manager._update_request_context_with_user()
        body, code = page(
            503,
            _("Something went wrong"),
            _("Sorry, something went wrong on our side. Please try again in a moment."),
        )
        return body, code, {"Retry-After": "10"}

    @app.errorhandler(500)
    def server_error(_error):
        return page(
            500,
            _("Something went wrong"),
            _("Sorry, something went wrong on our side. Please try again in a moment."),
        )
