"""Issuing, finding and revoking API tokens: the secret is shown once, only its sha256 kept.

A token is "sk_" and 32 random bytes (URL-safe base64). It is looked up by its
hash, so the database never holds anything that would let someone call the API,
and a leaked database gives no working token. The first characters are kept
apart (``token_prefix``) so an admin can tell tokens apart in the list.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable

from sqlalchemy import select

from api.models import SCOPES, ApiToken
from core.dbtypes import utcnow
from core.extensions import db

# The start every token shares (not a secret: the random part after it is).
TOKEN_START = "sk_"  # noqa: S105  # nosec B105
PREFIX_LENGTH = 10  # "sk_" and 7 characters: enough to recognise, far too few to guess


def hash_token(plain: str) -> str:
    return hashlib.sha256(plain.encode()).hexdigest()


def issue(name: str, scopes: Iterable[str], *, created_by_id: int | None) -> tuple[ApiToken, str]:
    """A new token in the caller's transaction, and its secret (to be shown once, never kept)."""
    chosen = [scope for scope in SCOPES if scope in set(scopes)]
    if not chosen:
        raise ValueError("a token needs at least one scope")
    plain = TOKEN_START + secrets.token_urlsafe(32)
    token = ApiToken(
        name=name,
        token_hash=hash_token(plain),
        token_prefix=plain[:PREFIX_LENGTH],
        scopes=" ".join(chosen),
        created_by_id=created_by_id,
        created_at=utcnow(),
    )
    db.session.add(token)
    db.session.flush()
    return token, plain


def find_active(plain: str) -> ApiToken | None:
    """The unrevoked token with this secret, if any."""
    if not plain.startswith(TOKEN_START) or len(plain) > 200:
        return None
    token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(plain)))
    return token if token is not None and token.active else None


def all_tokens() -> list[ApiToken]:
    """Every token, revoked ones too, newest first (the console's list)."""
    return list(
        db.session.scalars(
            select(ApiToken).order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
        )
    )


def revoke(token: ApiToken) -> bool:
    """Revoke it in the caller's transaction; False when it was revoked already."""
    if not token.active:
        return False
    token.revoked_at = utcnow()
    return True
