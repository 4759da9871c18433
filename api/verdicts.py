"""`PUT /api/v1/leads/{id}/verdict`: a clinic's other system records a clinician's verdict.

With a token holding ``verdicts:write``, for a clinician account named in the body
(``clinician_email``): recorded through leads/verdicts.py exactly as the console's
form records it (an earlier verdict kept as history, the audit log, a missed
concern's incident and email). As the status change does, the body is judged
before the lead is looked up, so a refused request says nothing of which leads
exist; only checks that need the lead (the examination date against the lead's
date, a cause when the verdict agrees) come after.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from flask import Response, g, jsonify, request
from flask_babel import gettext as _

from api.auth import token_required, touch
from api.lead_json import lead_verdict
from api.leads import (
    ONLY_LANG,
    _errors,
    _not_found,
    _unknown_parameters,
    bp,
    merged_conflict,
)
from core.extensions import db
from leads.service import deliver_after_response, find_lead
from leads.verdicts import VerdictInput, check_verdict, find_clinician, record_verdict
from web.errors import error_json

FIELDS = frozenset(
    {"verdict", "concerns", "unasked_concern", "clinician_email", "examined_on",
     "saw_check_first", "cause", "cause_question", "cause_rule"}
)  # fmt: skip
TEXT_FIELDS = ("unasked_concern", "cause", "cause_question", "cause_rule")


def _body() -> tuple[dict[str, Any] | None, tuple[Response, int] | None]:
    if not request.is_json:
        return None, error_json(415, _("Send the body as JSON (Content-Type: application/json)."))
    try:
        body = json.loads(request.get_data(cache=False))
    except (ValueError, RecursionError):
        return None, error_json(400, _("The body is not valid JSON."))
    if not isinstance(body, dict):
        return None, _errors([{"field": "", "message": _("Send an object.")}])
    return body, None


def _given(body: dict[str, Any]) -> tuple[VerdictInput, str, list[dict[str, str]]]:
    """The verdict as given, the clinician's email, and every problem of shape or type."""
    errors = [{"field": str(k), "message": _("Unknown field.")} for k in body if k not in FIELDS]
    for name in ("verdict", "clinician_email", "examined_on"):
        if name not in body:
            errors.append({"field": name, "message": _("This field is required.")})
        elif not isinstance(body[name], str):
            errors.append({"field": name, "message": _("Give a string.")})
    concerns = body.get("concerns", [])
    if not isinstance(concerns, list) or not all(isinstance(key, str) for key in concerns):
        errors.append({"field": "concerns", "message": _("Give a list of reason keys.")})
        concerns = []
    for name in TEXT_FIELDS:
        if name in body and not isinstance(body[name], str):
            errors.append({"field": name, "message": _("Give a string.")})
    if "saw_check_first" in body and not isinstance(body["saw_check_first"], bool):
        errors.append({"field": "saw_check_first", "message": _("Give true or false.")})
    examined_on = None
    if isinstance(body.get("examined_on"), str):
        try:
            examined_on = date.fromisoformat(body["examined_on"])
        except ValueError:
            examined_on = None
        if examined_on is None or len(body["examined_on"]) != 10:
            examined_on = None
            errors.append({"field": "examined_on", "message": _("Give a date as YYYY-MM-DD.")})
    text = {name: body[name] if isinstance(body.get(name), str) else "" for name in TEXT_FIELDS}
    given = VerdictInput(
        outcome=body["verdict"] if isinstance(body.get("verdict"), str) else "",
        concerns=concerns,
        examined_on=examined_on,
        saw_check_first=body.get("saw_check_first") is True,
        **text,
    )
    email = body["clinician_email"] if isinstance(body.get("clinician_email"), str) else ""
    return given, email, errors


def _problems(errors: list[dict[str, str]], found: dict[str, str]) -> list[dict[str, str]]:
    """The shape's problems, then the verdict's (a field already refused is not named twice)."""
    named = {error["field"] for error in errors}
    return errors + [
        {"field": field, "message": message}
        for field, message in found.items()
        if field not in named
    ]


@bp.put("/<id:lead_id>/verdict")
@token_required("verdicts:write")
def put_verdict(lead_id: int) -> tuple[Response, int] | Response:
    """Record (or correct) the clinician's verdict on the lead; answers with the verdict."""
    body, refusal = _body()
    if refusal is not None:
        return refusal
    given, email, errors = _given(body)
    errors = _problems(errors + _unknown_parameters(ONLY_LANG), check_verdict(given))
    clinician = find_clinician(email) if email else None
    if email and clinician is None:
        errors.append(
            {"field": "clinician_email", "message": _("No active clinician account has it.")}
        )
    if errors:
        return _errors(errors)
    lead = find_lead(lead_id)
    if lead is None:
        return _not_found()
    if lead.merged_into_id is not None:
        return merged_conflict(lead.id, lead.merged_into_id)
    found = check_verdict(given, lead)
    if found:
        return _errors([{"field": field, "message": message} for field, message in found.items()])
    touch(g.api_token)
    recorded = record_verdict(
        lead, given, clinician, source="api", actor=None, api_token=g.api_token
    )
    db.session.commit()
    response = jsonify({"id": lead.id, "verdict": lead_verdict(lead)})
    return deliver_after_response(response, recorded.message_ids)
