"""The receivers: ``POST /integrations/<tool>/bookings``, one per booking tool.

Each answers, in JSON: 404 when the tool's secret is not configured (the clinic does
not use it); 401 for a missing or wrong signature, with nothing stored; 400 for a
signed body that is not the tool's event; 503 when the tool's API could not give the
appointment, or another event of the same booking was being stored at that moment (the
tool retries); otherwise 200 with what happened: "applied",
"unmatched" (kept for the front desk), "duplicate" (seen before: nothing changed) or
"ignored" (an event of another kind).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from flask import Blueprint, Response, abort, current_app, jsonify, request

from core.extensions import csrf
from integrations import readers, signatures
from integrations.tool_api import ToolUnavailable
from leads.service import bookings, deliver_after_response

log = logging.getLogger(__name__)

bp = Blueprint("integrations", __name__, url_prefix="/integrations")
csrf.exempt(bp)


@dataclass(frozen=True)
class Tool:
    secret: str  # the configuration key whose value verifies the signature
    verify: Callable[[str, Mapping[str, str], bytes], bool]
    read: Callable[[Mapping[str, Any], bytes], bookings.BookingNotice | None]


TOOLS = {
    "calcom": Tool("CALCOM_WEBHOOK_SECRET", signatures.calcom, readers.calcom),
    "calendly": Tool("CALENDLY_WEBHOOK_SIGNING_KEY", signatures.calendly, readers.calendly),
    "acuity": Tool("ACUITY_API_KEY", signatures.acuity, readers.acuity),
    "jane": Tool("JANE_WEBHOOK_SECRET", signatures.jane, readers.jane),
}


def _answer(status: int, **fields: str) -> tuple[Response, int]:
    return jsonify(fields), status


@bp.post("/<any(calcom, calendly, acuity, jane):tool>/bookings")
def receive(tool: str):
    """Verify, read and store one booking event from ``tool``."""
    spec = TOOLS[tool]
    secret = current_app.config.get(spec.secret, "")
    if not secret:
        abort(404)
    body = request.get_data(cache=False)
    if not spec.verify(secret, request.headers, body):
        log.warning("booking event refused: bad or missing signature", extra={"tool": tool})
        return _answer(401, error="bad or missing signature")
    try:
        notice = spec.read(current_app.config, body)
    except readers.BadEvent as exc:
        return _answer(400, error=str(exc))
    except ToolUnavailable as exc:
        log.warning("booking tool API unavailable: %s", exc, extra={"tool": tool})
        return _answer(503, error="the booking tool's API did not answer; try again")
    if notice is None:
        return _answer(200, result="ignored")
    received = bookings.receive(notice)
    if received.outcome == "retry":
        return _answer(503, error="another event of this booking was stored meanwhile; try again")
    response = jsonify(result=received.outcome)
    if received.message_ids:
        deliver_after_response(response, received.message_ids)
    return response, 200
