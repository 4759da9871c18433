"""At most one confirmation email an hour to any one address, however many leads name it.

A script that waits out the contact form's time floor (leads/spam.py) could still
make the clinic write to addresses it chose, once per lead. The person's
confirmation is the only message whose recipient a stranger types, so before the
first attempt to send one, the outbox asks here: the address (lower-cased, as an
HMAC with SECRET_KEY, so the store never holds it) may have
RATELIMIT_CONFIRMATION_EMAIL confirmations (default "1 per hour", a moving
window), kept in RATELIMIT_STORAGE_URI like the contact form's limits (Redis
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
from limits import parse_many
from limits.strategies import MovingWindowRateLimiter

from core.extensions import limiter


def _key(address: str) -> str:
    secret = current_app.config["SECRET_KEY"].encode()
    return hmac.new(secret, address.strip().lower().encode(), hashlib.sha256).hexdigest()


def allowed(address: str) -> bool:
    """Whether a confirmation may go to ``address`` now; if so, the hour's one is spent."""
    config = current_app.config
    if not config.get("RATELIMIT_ENABLED") or not config.get("RATELIMIT_CONFIRMATION_EMAIL"):
        return True
    window, key = MovingWindowRateLimiter(limiter.storage), _key(address)
    # Each hit is atomic in the store, so two instances never both send the hour's one.
    per_address = parse_many(config["RATELIMIT_CONFIRMATION_EMAIL"])
    return all([window.hit(limit, "confirmation-email", key) for limit in per_address])


def refused() -> str:
    """Why a confirmation was not sent, as the admins' outbox page shows it."""
    limit = current_app.config["RATELIMIT_CONFIRMATION_EMAIL"]
    return f"not sent: this address already had its confirmation emails ({limit})"
