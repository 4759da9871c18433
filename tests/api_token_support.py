"""Helpers for the leads API and webhook tests: API tokens, made directly."""

from __future__ import annotations

from api import tokens
from core.extensions import db


def make_token(app, *scopes: str, name: str = "Clinic CRM", created_by_id=None) -> str:
    """A new token's secret (leads:read unless other scopes are named)."""
    with app.app_context():
        _token, secret = tokens.issue(name, scopes or ("leads:read",), created_by_id=created_by_id)
        db.session.commit()
        return secret


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}
