"""At most one confirmation email an hour to any one address, however many leads name it.

A script that waits out the contact form's time floor (leads/spam.py) could still
make the clinic write to addresses it chose, once per lead. The person's
confirmation is the only message whose recipient a stranger types, so before the
first attempt to send one, the outbox asks here: the address (lower-cased, as an
HMAC with SECRET_KEY, so the store never holds it) may have one confirmation in a
moving hour, kept in RATELIMIT_STORAGE_URI like the contact form's limits (Redis
in production, so every instance and the cron job count the same). A refused
confirmation is marked "skipped" with the reason, never retried; the lead itself,
and the clinic's email and webhook about it, are untouched. A retry of a
confirmation that was allowed but failed is not asked again. With
RATELIMIT_ENABLED off, as for every limit, there is none.
"""

from __future__ import annotations

import hashlib
import hmac

from flask import current_app
from limits import RateLimitItemPerHour
from limits.strategies import MovingWindowRateLimiter

from core.extensions import limiter

#: One confirmation per address in any sixty minutes.
PER_ADDRESS = RateLimitItemPerHour(1)
REFUSED = "a confirmation went to this address less than an hour ago"


def _key(address: str) -> str:
    secret = current_app.config["SECRET_KEY"].encode()
    return hmac.new(secret, address.strip().lower().encode(), hashlib.sha256).hexdigest()


def allowed(address: str) -> bool:
    """Whether a confirmation may go to ``address`` now; if so, the hour's one is spent."""
    if not current_app.config.get("RATELIMIT_ENABLED"):
        return True
    window = MovingWindowRateLimiter(limiter.storage)
    return window.hit(PER_ADDRESS, "confirmation-email", _key(address))
