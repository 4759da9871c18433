"""Issuing, finding and revoking API tokens: the secret is shown once, only its sha256 kept.

A token is "sk_" and 32 random bytes (URL-safe base64). It is looked up by its
hash, so the database never holds anything that would let someone call the API,
and a leaked database gives no working token. The first characters are kept
apart (``token_prefix``) so an admin can tell tokens apart in the list.

A token lives for the days chosen at creation (``expires_at``). Rotating gives the
same token (name, scopes, expiry, audit history) a new secret: the old one stops
working at once, since only the new hash is kept.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from datetime import timedelta

from sqlalchemy import select

from api.models import DEFAULT_LIFETIME_DAYS, LIFETIME_DAYS, SCOPES, ApiToken
from core.dbtypes import utcnow
from core.extensions import db

# The start every token shares (not a secret: the random part after it is).
TOKEN_START = "sk_"  # noqa: S105  # nosec B105
PREFIX_LENGTH = 10  # "sk_" and 7 characters: enough to recognise, far too few to guess


def hash_token(plain: str) -> str:
    return hashlib.sha256(plain.encode()).hexdigest()


def _new_secret() -> str:
    return TOKEN_START + secrets.token_urlsafe(32)


def issue(
    name: str,
    scopes: Iterable[str],
    *,
    created_by_id: int | None,
    lifetime_days: int = DEFAULT_LIFETIME_DAYS,
) -> tuple[ApiToken, str]:
    """A new token in the caller's transaction, and its secret (to be shown once, never kept)."""
    chosen = [scope for scope in SCOPES if scope in set(scopes)]
    if not chosen:
        raise ValueError("a token needs at least one scope")
    if lifetime_days not in LIFETIME_DAYS:
        raise ValueError(f"a token lives one of {LIFETIME_DAYS} days")
    plain = _new_secret()
    now = utcnow()
    token = ApiToken(
        name=name,
        token_hash=hash_token(plain),
        token_prefix=plain[:PREFIX_LENGTH],
        scopes=" ".join(chosen),
        created_by_id=created_by_id,
        created_at=now,
        expires_at=now + timedelta(days=lifetime_days),
    )
    db.session.add(token)
    db.session.flush()
    return token, plain


def find(plain: str) -> ApiToken | None:
    """The token with this secret, if any, whatever its state (revoked, expired)."""
    if not plain.startswith(TOKEN_START) or len(plain) > 200:
        return None
    return db.session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(plain)))


def find_active(plain: str) -> ApiToken | None:
    """The unrevoked, unexpired token with this secret, if any."""
    token = find(plain)
    return token if token is not None and token.active else None


def all_tokens() -> list[ApiToken]:
    """Every token, revoked ones too, newest first (the console's list)."""
    return list(
        db.session.scalars(
            select(ApiToken).order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
        )
    )


def rotate(token: ApiToken) -> str:
    """Give an active token a new secret in the caller's transaction; the old one is refused
    from the commit on. Its name, scopes, expiry and history stay."""
    if not token.active:
        raise ValueError("only an active token can be rotated")
    plain = _new_secret()
    token.token_hash = hash_token(plain)
    token.token_prefix = plain[:PREFIX_LENGTH]
    token.rotated_at = utcnow()
    db.session.flush()
    return plain


def revoke_created_by(staff_id: int) -> list[ApiToken]:
    """Revoke, in the caller's transaction, every unrevoked token this account made."""
    made = list(
        db.session.scalars(
            select(ApiToken).where(
                ApiToken.created_by_id == staff_id, ApiToken.revoked_at.is_(None)
            )
        )
    )
    now = utcnow()
    for token in made:
        token.revoked_at = now
    return made


def revoke(token: ApiToken) -> bool:
    """Revoke it in the caller's transaction; False when it was revoked already."""
    if token.revoked_at is not None:
        return False
    token.revoked_at = utcnow()
    return True
