"""Bearer-token authentication for the leads API: server to server, no cookies, no CORS.

Only the ``Authorization: Bearer <token>`` header counts: a staff member's
console session, sent by a browser, authenticates nothing here. An unknown or
revoked token is a 401 with ``WWW-Authenticate: Bearer`` (RFC 6750); an expired
one too, its body saying it expired and when; a token without the scope an
endpoint needs is a 403. The token in use is ``g.api_token``.

``last_used_at`` is written at most once a minute per token (a conditional
UPDATE), so a program paging through leads does not write a row per request.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from functools import wraps
from typing import Any

from flask import Response, g, request
from flask_babel import gettext as _
from sqlalchemy import or_, update

from api.models import ApiToken
from api.tokens import find
from core.dbtypes import utcnow
from core.extensions import db
from web.errors import error_json

LAST_USED_GRANULARITY = timedelta(minutes=1)
REALM = 'Bearer realm="leads"'


def _bearer_secret() -> str | None:
    scheme, _sep, secret = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        return None
    return secret.strip()


def _refused(status: int, message: str, challenge: str) -> tuple[Response, int]:
    response, status = error_json(status, message)
    response.headers["WWW-Authenticate"] = challenge
    response.cache_control.no_store = True
    return response, status


def touch(token: ApiToken) -> None:
    """Note the use in the caller's transaction, unless it was noted within the last minute."""
    now = utcnow()
    db.session.execute(
        update(ApiToken)
        .where(
            ApiToken.id == token.id,
            or_(
                ApiToken.last_used_at.is_(None),
                ApiToken.last_used_at < now - LAST_USED_GRANULARITY,
            ),
        )
        .values(last_used_at=now)
        .execution_options(synchronize_session=False)
    )


def token_required(scope: str) -> Callable:
    """A view only a program with an active token holding ``scope`` may call."""

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any):
            secret = _bearer_secret()
            token = find(secret) if secret else None
            if token is not None and token.revoked_at is None and token.expired:
                return _refused(
                    401,
                    _(
                        "This API token expired on %(date)s. Ask an admin for a new token.",
                        date=token.expires_at.strftime("%Y-%m-%d %H:%M UTC"),
                    ),
                    f'{REALM}, error="invalid_token", error_description="The token expired"',
                )
            if token is None or not token.active:
                challenge = REALM if secret is None else f'{REALM}, error="invalid_token"'
                return _refused(
                    401,
                    _("Send a valid API token in the header Authorization: Bearer <token>."),
                    challenge,
                )
            if scope not in token.scope_set:
                return _refused(
                    403,
                    _("This token may not do this: it needs the %(scope)s scope.", scope=scope),
                    f'{REALM}, error="insufficient_scope", scope="{scope}"',
                )
            g.api_token = token
            return view(*args, **kwargs)

        return wrapper

    return decorate
