"""Each booking tool's signature, checked in constant time over the raw request body.

- Cal.com: ``X-Cal-Signature-256``, the hex HMAC-SHA256 of the body with the webhook's secret.
- Calendly: ``Calendly-Webhook-Signature: t=<unix time>,v1=<hex>``, HMAC-SHA256 of
  ``t + "." + body`` with the signing key; a ``t`` further than the tolerance from now
  is refused (a replay of a captured request).
- Acuity: ``X-Acuity-Signature``, the base64 HMAC-SHA256 of the body with the API key.
- Jane: ``X-Jane-Signature`` (``sha256=<hex>``) and ``X-Jane-Timestamp``; HMAC-SHA256 of
  the timestamp followed by the body, with the subscription's secret (the scheme as
  docs/clinic-guide.md records it), a timestamp outside the tolerance refused.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from collections.abc import Mapping
from datetime import datetime

#: How far a signed timestamp may be from the clock, in seconds (Calendly suggests 3 minutes).
TOLERANCE_SECONDS = 180


def _hmac(secret: str, message: bytes) -> bytes:
    return hmac.new(secret.encode("utf-8"), message, hashlib.sha256).digest()


def _same(expected: str, given: str) -> bool:
    return hmac.compare_digest(expected.encode("ascii"), given.strip().encode("ascii", "replace"))


def _fresh(timestamp: str, now: float | None = None) -> bool:
    """A Unix time (or an ISO 8601 time) within the tolerance of the clock."""
    try:
        moment = float(timestamp)
    except ValueError:
        try:
            moment = datetime.fromisoformat(timestamp.strip()).timestamp()
        except ValueError:
            return False
    return abs((time.time() if now is None else now) - moment) <= TOLERANCE_SECONDS


def calcom(secret: str, headers: Mapping[str, str], body: bytes) -> bool:
    given = headers.get("X-Cal-Signature-256", "")
    return bool(given) and _same(_hmac(secret, body).hex(), given)


def calendly(secret: str, headers: Mapping[str, str], body: bytes) -> bool:
    parts = dict(
        item.strip().split("=", 1)
        for item in headers.get("Calendly-Webhook-Signature", "").split(",")
        if "=" in item
    )
    stamp, given = parts.get("t", ""), parts.get("v1", "")
    if not stamp or not given or not _fresh(stamp):
        return False
    return _same(_hmac(secret, stamp.encode("ascii", "replace") + b"." + body).hex(), given)


def acuity(secret: str, headers: Mapping[str, str], body: bytes) -> bool:
    given = headers.get("X-Acuity-Signature", "")
    return bool(given) and _same(base64.b64encode(_hmac(secret, body)).decode("ascii"), given)


def jane(secret: str, headers: Mapping[str, str], body: bytes) -> bool:
    given = headers.get("X-Jane-Signature", "").strip().removeprefix("sha256=")
    stamp = headers.get("X-Jane-Timestamp", "").strip()
    if not given or not stamp or not _fresh(stamp):
        return False
    return _same(_hmac(secret, stamp.encode("ascii", "replace") + body).hex(), given)
