"""The leads API: other systems (a CRM, a booking tool) read leads and change their status.

Server to server: a bearer token (api/auth.py), never a cookie, and no CORS, so
no web page can call it from a browser. Every use is audited, one event per
request (a list read is one event, not one per lead). Leads are reached only
through leads.service, the door the console uses too, so a status changed here
gets the same note, audit event and webhook as one changed in the console.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime

from flask import Blueprint, Response, g, jsonify, request
from flask_babel import gettext as _

import rules
from api import cursor
from api.auth import token_required, touch
from api.lead_json import lead_detail, lead_item
from core.audit import record
from core.extensions import db
from leads.models import SOURCES, STATUSES
from leads.service import (
    BookedWithoutAppointment,
    LeadMerged,
    LeadQuery,
    change_status,
    deliver_after_response,
    find_lead,
    lead_page,
)
from web.errors import error_json

bp = Blueprint("leads", __name__, url_prefix="/leads")

DEFAULT_LIMIT = 50
MAX_LIMIT = 200
ONLY_LANG = frozenset({"lang"})
LIST_PARAMETERS = frozenset(
    {"status", "outcome", "source", "created_since", "updated_since", "cursor", "limit", "lang"}
)


@bp.after_request
def never_stored(response: Response) -> Response:
    """Personal and health data: no cache may keep an answer."""
    response.cache_control.no_store = True
    return response


def _errors(errors: list[dict[str, str]]) -> tuple[Response, int]:
    return jsonify({"errors": errors}), 422


def _unknown_parameters(allowed: frozenset[str]) -> list[dict[str, str]]:
    """A misspelt parameter is refused, never ignored: ?stauts=new must not list every lead."""
    return [
        {"field": name, "message": _("Unknown parameter.")}
        for name in request.args
        if name not in allowed
    ]


def _one_of(field: str, value: str | None, allowed: tuple[str, ...], errors: list) -> str | None:
    if value is None:
        return None
    if value not in allowed:
        errors.append(
            {"field": field, "message": _("Use one of: %(values)s.", values=", ".join(allowed))}
        )
        return None
    return value


def iso_time(text: str) -> datetime | None:
    """An ISO 8601 / RFC 3339 date or time in UTC (none given: UTC), or None if it is not one.

    A leap second (:60) counts as :59; a time whose UTC falls outside the years
    1 to 9999 becomes the first or last moment of them (every lead is after or before it).
    """
    text = text.strip().upper()
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        leap = re.sub(r"(T\d\d:\d\d):60", r"\1:59", text)
        try:
            when = datetime.fromisoformat(leap) if leap != text else None
        except ValueError:
            return None
    if when is None:
        return None
    if when.tzinfo is None:
        return when.replace(tzinfo=UTC)
    try:
        return when.astimezone(UTC)
    except OverflowError:
        return (datetime.min if when.year == 1 else datetime.max).replace(tzinfo=UTC)


def _since(field: str, value: str | None, errors: list) -> datetime | None:
    if value is None:
        return None
    when = iso_time(value)
    if when is None:
        errors.append(
            {
                "field": field,
                "message": _("Give an ISO 8601 date and time, for example 2025-01-31T10:00:00Z."),
            }
        )
    return when


def _limit(value: str | None, errors: list) -> int:
    if value is None:
        return DEFAULT_LIMIT
    if value.isascii() and value.isdigit() and 1 <= int(value) <= MAX_LIMIT:
        return int(value)
    errors.append(
        {
            "field": "limit",
            "message": _("Give a whole number from 1 to %(largest)d.", largest=MAX_LIMIT),
        }
    )
    return DEFAULT_LIMIT


@bp.get("")
@token_required("leads:read")
def list_leads() -> tuple[Response, int] | Response:
    """Leads newest first, filtered, a page at a time (``next_cursor`` for the next one)."""
    args = request.args
    errors = _unknown_parameters(LIST_PARAMETERS)
    query = LeadQuery(
        status=_one_of("status", args.get("status"), STATUSES, errors),
        outcome=_one_of("outcome", args.get("outcome"), rules.OUTCOMES, errors),
        source=_one_of("source", args.get("source"), SOURCES, errors),
        created_since=_since("created_since", args.get("created_since"), errors),
        updated_since=_since("updated_since", args.get("updated_since"), errors),
    )
    limit = _limit(args.get("limit"), errors)
    after = None
    if "cursor" in args:
        after = cursor.decode(args["cursor"])
        if after is None:
            errors.append(
                {
                    "field": "cursor",
                    "message": _("This is not a cursor this API gave; start again without it."),
                }
            )
    if errors:
        return _errors(errors)
    page = lead_page(query, after=after, limit=limit)
    last = page.leads[-1] if page.more else None
    next_cursor = cursor.encode(last.created_at, last.id) if last else None
    filters = {k: v for k, v in args.items() if k not in ("cursor", "lang")}
    # Read before the commit: a commit expires every lead, and each would be read again.
    items = [lead_item(lead) for lead in page.leads]
    record(
        "api_read",
        detail=f"list of {len(page.leads)} leads; {filters}",
        actor=None,
        api_token=g.api_token,
    )
    touch(g.api_token)
    db.session.commit()
    return jsonify(
        {
            "leads": items,
            "next_cursor": next_cursor,
        }
    )


def _not_found() -> tuple[Response, int]:
    return error_json(404, _("There is no lead with this number."))


def merged_conflict(lead_id: int, into_id: int) -> tuple[Response, int]:
    """A merged lead is read-only (leads/merged_guard.py): 409, naming the lead to use."""
    return error_json(
        409,
        _(
            "Lead %(id)d was merged into lead %(into)d and can no longer be changed: "
            "send changes to lead %(into)d.",
            id=lead_id,
            into=into_id,
        ),
    )


@bp.errorhandler(LeadMerged)
def _merged(refused: LeadMerged) -> tuple[Response, int]:
    """A service refused a merged lead after the checks below: nothing of it is kept."""
    db.session.rollback()
    return merged_conflict(refused.lead_id, refused.into_id)


@bp.get("/<id:lead_id>")
@token_required("leads:read")
def get_lead(lead_id: int) -> tuple[Response, int] | Response:
    """One lead with its answers, decision, consent, notes and status history."""
    unknown = _unknown_parameters(ONLY_LANG)
    if unknown:
        return _errors(unknown)
    lead = find_lead(lead_id)
    if lead is None:
        return _not_found()
    body = lead_detail(lead)
    record("api_read", lead_id=lead.id, actor=None, api_token=g.api_token)
    touch(g.api_token)
    db.session.commit()
    return jsonify(body)


def _new_status() -> tuple[str | None, tuple[Response, int] | None]:
    """The posted status, or the error answer (the contract's shape, every problem at once)."""
    if not request.is_json:
        return None, error_json(415, _("Send the body as JSON (Content-Type: application/json)."))
    try:
        body = json.loads(request.get_data(cache=False))
    except (ValueError, RecursionError):
        return None, error_json(400, _("The body is not valid JSON."))
    if not isinstance(body, dict):
        return None, _errors([{"field": "", "message": _('Send an object: {"status": "…"}.')}])
    errors = [{"field": str(k), "message": _("Unknown field.")} for k in body if k != "status"]
    status = body.get("status")
    if "status" not in body:
        errors.insert(0, {"field": "status", "message": _("Give the new status.")})
    elif not isinstance(status, str) or status not in STATUSES:
        errors.insert(
            0,
            {
                "field": "status",
                "message": _("Use one of: %(values)s.", values=", ".join(STATUSES)),
            },
        )
    if errors:
        return None, _errors(errors)
    return status, None


@bp.post("/<id:lead_id>/status")
@token_required("leads:write")
def set_status(lead_id: int) -> tuple[Response, int] | Response:
    """Change the lead's status, as the console does: a status note, audit, webhook event.

    The request is judged before the lead is looked up: a refused body or parameter gets
    the same answer whatever the number, so a token cannot probe which leads exist with
    requests that change nothing. Only a valid request for an unknown lead is a 404.
    """
    status, refusal = _new_status()
    if refusal is not None:
        return refusal
    unknown = _unknown_parameters(ONLY_LANG)
    if unknown:
        return _errors(unknown)
    lead = find_lead(lead_id)
    if lead is None:
        return _not_found()
    if lead.merged_into_id is not None:
        return merged_conflict(lead.id, lead.merged_into_id)
    touch(g.api_token)
    try:
        change = change_status(lead, status, author_id=None, api_token=g.api_token)
    except BookedWithoutAppointment:  # nothing written but the token's last use
        db.session.commit()
        message = _("A lead is booked only with an appointment: book one in the console.")
        return _errors([{"field": "status", "message": message}])
    if change is None:  # it had that status already: nothing changed, the call is audited still
        record("api_update", lead_id=lead.id, detail="status unchanged", actor=None,
               api_token=g.api_token)  # fmt: skip
        db.session.commit()
    # Only where the lead now stands: leads:write alone does not let a program read a lead.
    response = jsonify(
        {"id": lead.id, "status": lead.status, "updated_at": lead.updated_at.isoformat()}
    )
    return deliver_after_response(response, change.message_ids if change else ())
