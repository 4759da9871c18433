"""Application factory: `flask --app app run` starts the screening questionnaire."""

from __future__ import annotations

import contextlib
import functools
import hashlib
from pathlib import Path
from typing import Any

from babel import Locale
from flask import Flask, g, render_template, request
from flask_babel import Babel, get_locale
from flask_compress import Compress
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError, SQLAlchemyError
from werkzeug.exceptions import HTTPException
from werkzeug.middleware.proxy_fix import ProxyFix

import api
import config
import embed
import leads
import localization
import rules
import staff
from extensions import db, login_manager
from questionnaire import blocks as question_blocks
from questionnaire import pages
from questionnaire.catalogue import QUESTIONS, STEPS
from questionnaire.checks import validate_catalogue
from questionnaire.flow import Flow
from questionnaire.state import StateCodec
from questionnaire.views import bp as questionnaire_bp
from security import apply_security_headers
from storage import init_storage


@functools.lru_cache(maxsize=16)
def _locale(code: str) -> Locale:
    """Parsed once per language: Flask-Babel takes a Locale as it is, but parses a string."""
    return Locale.parse(code)


def select_locale() -> Locale:
    """An explicit ?lang= (the language switch), then the flow's, then the browser's.

    Never reads the request body: the locale is needed to render the error page
    for a body that could not be read (413, bad encoding).
    """
    from flask import current_app

    languages = current_app.config["LANGUAGES"]
    for candidate in (request.args.get("lang"), g.get("flow_lang")):
        if candidate in languages:
            return _locale(candidate)
    return _locale(
        request.accept_languages.best_match(languages) or current_app.config["BABEL_DEFAULT_LOCALE"]
    )


def _static_versions(static_folder: Path) -> dict[str, str]:
    """A short content hash per static file, so browsers may cache them for a year."""
    versions = {}
    for path in static_folder.rglob("*"):
        if path.is_file():
            digest = hashlib.sha256(path.read_bytes()).hexdigest()[:12]
            versions[path.relative_to(static_folder).as_posix()] = digest
    return versions


def create_app(
    test_config: dict[str, Any] | None = None, instance_path: str | None = None
) -> Flask:
    """Build the app from the environment, overridden by ``test_config`` in tests."""
    app = Flask(__name__, instance_relative_config=True, instance_path=instance_path)
    app.config.from_mapping(config.from_environment())
    if test_config:
        app.config.from_mapping(test_config)
    config.check_safe(app.config)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)

    steps = app.config.get("QUESTIONNAIRE_STEPS", STEPS)
    questions = app.config.get("QUESTIONNAIRE_QUESTIONS", QUESTIONS)
    rules.default_rulebase()  # a malformed rule file stops start-up, not a patient's result
    validate_catalogue(steps, questions, rules.FIELDS)
    app.extensions["questionnaire_flow"] = Flow(steps, questions)
    app.extensions["state_codec"] = StateCodec(
        app.config["SECRET_KEY"], app.config["FLOW_TOKEN_MAX_AGE"]
    )

    if app.config["TRUSTED_PROXIES"]:
        hops = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    Compress(app)
    Babel(app, locale_selector=select_locale)
    app.jinja_env.policies["ext.i18n.trimmed"] = True
    init_storage(app)
    leads.init_app(app)
    staff.init_app(app)
    app.register_blueprint(questionnaire_bp)
    question_blocks.init_app(app)
    pages.init_app(app)
    embed.init_app(app, questionnaire_bp)
    app.register_blueprint(api.bp)
    app.after_request(apply_security_headers)
    _register_template_helpers(app)
    localization.init_app(app)
    _register_error_pages(app)
    if app.config.get("BENCH_HELLO_ROUTE"):
        app.add_url_rule("/__bench/hello", "bench_hello", lambda: "hello")
    return app


def _register_template_helpers(app: Flask) -> None:
    versions = _static_versions(Path(app.static_folder or "static"))

    built: dict[tuple[str, str], str] = {}

    def static_url(filename: str) -> str:
        """The file's address with its content hash; built once per mount point and file."""
        from flask import url_for

        key = (request.script_root, filename)
        url = built.get(key)
        if url is None:
            url = built[key] = url_for("static", filename=filename, v=versions.get(filename))
        return url

    @app.context_processor
    def inject_globals() -> dict[str, Any]:
        return {
            "clinic": {
                "name": app.config["CLINIC_NAME"],
                "url": app.config["CLINIC_URL"],
                "phone": app.config["CLINIC_PHONE"],
                "booking_url": app.config["BOOKING_URL"],
                "medical_review_url": app.config["MEDICAL_REVIEW_URL"],
                "logo_url": app.config.get("CLINIC_LOGO_URL", ""),
            },
            "static_url": static_url,
            "current_lang": str(get_locale()),
        }


#: Refusals a signed-in member of staff can meet: shown inside the console, not the check.
CONSOLE_REFUSALS = frozenset({400, 403, 404, 405})


def _register_error_pages(app: Flask) -> None:
    def page(code: int, title: str, message: str):
        if request.path.startswith("/api/"):
            return api.error_response(code, message)
        if request.path.startswith("/staff/") and code in CONSOLE_REFUSALS:
            return render_template("staff/error.html", title=title, message=message), code
        return render_template("error.html", code=code, title=title, message=message), code

    from flask_babel import gettext as _

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
    def forbidden(_error):
        return page(403, _("Not available"), _("Only a clinic admin can use this page."))

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
        back_url = localization.address_after_post(token)
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
        app.logger.exception("database unavailable while answering %s", request.path)
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
