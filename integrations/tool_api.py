"""Reading one appointment from a booking tool's API, for the tools whose events carry ids only.

Acuity (``GET <ACUITY_API_BASE_URL>/appointments/<id>``, HTTP Basic with the user id and
the API key) and Jane (``GET <JANE_API_BASE_URL>/appointments/<id>``, a bearer token).
A tool that cannot be reached, or answers anything but JSON with 200, raises
``ToolUnavailable``: the receiver answers 503, stores nothing, and the tool retries.
"""

from __future__ import annotations

import base64
import json
import urllib.error
import urllib.request
from typing import Any
from urllib.parse import quote

TIMEOUT_SECONDS = 10


class ToolUnavailable(RuntimeError):
    """The tool's API did not give the appointment."""


def get_json(base_url: str, appointment_id: str, authorization: str) -> dict[str, Any]:
    url = f"{base_url.rstrip('/')}/appointments/{quote(appointment_id, safe='')}"
    if not url.startswith(("https://", "http://")):
        raise ToolUnavailable(f"not an http(s) address: {base_url!r}")
    request = urllib.request.Request(  # noqa: S310 - http(s) only, checked above
        url, headers={"Authorization": authorization, "Accept": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310 # nosec B310
            document = json.loads(response.read(1024 * 1024))
    except (urllib.error.URLError, OSError, ValueError) as exc:
        raise ToolUnavailable(f"{url}: {exc}") from exc
    if not isinstance(document, dict):
        raise ToolUnavailable(f"{url}: not a JSON object")
    return document


def basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode("ascii")


def bearer(token: str) -> str:
    return f"Bearer {token}"
