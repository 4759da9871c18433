"""The JSON API (contract section 5): the questionnaire, decisions, and its OpenAPI document.

Errors always have the contract's shape, {"errors": [{"field", "message"}]}:
400 for a body that is not JSON, 415 for a body not sent as application/json,
413 for a body over API_MAX_BODY, 422 for answers that break the contract (every
field's problem at once), JSON 404/405 for unknown paths and methods, and
429 past RATELIMIT_API requests per client.
Nothing sent here is stored. CORS admits only EMBED_ALLOWED_ORIGINS.

The leads API (api/leads.py, under /api/v1/leads) is another matter: stored
personal data, for other systems with a bearer token (api/auth.py). It is
server to server, so it answers no CORS request, and it does not need a signed
rule version (it reads leads already decided).

A JSON number with a zero fraction (27.0, 2.7e1) is a whole number, as JSON
Schema's "integer" says; the rules then see the int 27. Any other fraction
stays a float and is refused with the field's message.
"""

from __future__ import annotations

import json

from flask import Blueprint, Response, current_app, jsonify, request
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _

import rules
from api import leads as leads_api
from api import verdicts as _verdicts  # noqa: F401 - PUT /leads/{id}/verdict, on leads' blueprint
from api.openapi import openapi_document
from api.questionnaire import questionnaire_json
from core.extensions import config_limit, limiter
from questionnaire.service import evaluate
from questionnaire.service import flow as _flow
from signoff.service import require_live
from web.errors import error_json as error_response

bp = Blueprint("api", __name__, url_prefix="/api/v1")
# Limited per client like every public endpoint (RATELIMIT_API); a 429 here is JSON in the
# contract's error shape (web/errors.py). CORS preflights are not counted: they do no work.
limiter.limit(config_limit("RATELIMIT_API"), methods=["GET", "POST", "PUT"])(bp)
bp.register_blueprint(leads_api.bp)
LEADS_BLUEPRINT = "api.leads"

API_MAX_BODY = 64 * 1024  # a full answers object is under 1 KiB
API_VERSION = "1.0.0"


def _number(text: str) -> int | float:
    """JSON's non-integer literals: whole values (within float precision) become ints."""
    value = float(text)
    if value.is_integer() and abs(value) <= 2**53:
        return int(value)
    return value


def _lang() -> str:
    return str(get_locale())


@bp.before_request
def limit_body() -> None:
    request.max_content_length = API_MAX_BODY


@bp.before_request
def rules_live() -> None:
    """In production with no signed rule version, the API answers 503 (not its description)."""
    if request.endpoint == "api.openapi" or request.blueprint == LEADS_BLUEPRINT:
        return
    if request.method != "OPTIONS":
        require_live()


@bp.after_request
def cors_and_language(response: Response) -> Response:
    """CORS only for allowed origins (no credentials: the API needs none); none for leads."""
    response.vary.add("Origin")
    origin = request.headers.get("Origin")
    # Leads are server to server: no page, from whatever origin, may read one.
    cross_origin = request.blueprint != LEADS_BLUEPRINT
    if cross_origin and origin and origin in current_app.config["EMBED_ALLOWED_ORIGINS"]:
        response.headers["Access-Control-Allow-Origin"] = origin
        if request.method == "OPTIONS":
            response.headers["Access-Control-Allow-Methods"] = "GET, POST, OPTIONS"
            response.headers["Access-Control-Allow-Headers"] = "Content-Type, Accept-Language"
            response.headers["Access-Control-Max-Age"] = "600"
    if request.endpoint != "api.openapi":
        response.vary.add("Accept-Language")
        response.headers.setdefault("Content-Language", _lang())
    return response


@bp.get("/questionnaire")
def questionnaire() -> Response:
    """Every step and question with its choices, help texts and conditions."""
    response = jsonify(questionnaire_json(_flow(), _lang()))
    response.cache_control.public = True
    response.cache_control.max_age = 300
    return response


@bp.post("/assessments")
def assessments() -> tuple[Response, int] | Response:
    """Answers in, decision out (contract sections 4 and 6); nothing is stored."""
    if not request.is_json:
        return error_response(415, _("Send the answers as JSON (Content-Type: application/json)."))
    try:
        answers = json.loads(request.get_data(cache=False), parse_float=_number)
    except (ValueError, RecursionError):
        return error_response(400, _("The body is not valid JSON."))
    try:
        decision = evaluate(answers, lang=_lang())
    except rules.AnswersError as error:
        response = jsonify({"errors": error.errors})
        status = 422
    else:
        response, status = jsonify(decision.to_dict()), 200
    response.cache_control.no_store = True  # health answers and what they imply
    return response, status


@bp.get("/openapi.json")
def openapi() -> Response:
    """The OpenAPI 3.1 document, generated from the rules' field table and the catalogue."""
    with force_locale("en"):
        document = openapi_document(_flow(), tuple(current_app.config["LANGUAGES"]), API_VERSION)
    return jsonify(document)
