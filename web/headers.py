"""HTTP security headers applied to every response."""

from __future__ import annotations

from collections.abc import Sequence

from flask import Flask, Response, request

from web import zones
from web.embed_mode import frame_ancestors


def content_security_policy(frame_ancestors: Sequence[str] = ()) -> str:
    """Only our own host for everything; framing only by the given origins (none by default)."""
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self' data:",
            "font-src 'self'",
            "connect-src 'self'",
            "form-action 'self'",
            "base-uri 'none'",
            "object-src 'none'",
            "frame-ancestors " + (" ".join(frame_ancestors) or "'none'"),
        ]
    )


CONTENT_SECURITY_POLICY = content_security_policy()

# Browsers send these policies' Referer on same-origin requests, and on no other.
SAME_ORIGIN_REFERRER = "same-origin"


def referrer_policy(path: str) -> str:
    """No referrer from public pages (their URLs carry the answers token).

    The console sends its referrer to itself only: over HTTPS, Flask-WTF's CSRF
    check refuses a POST without a same-origin Referer, so "no-referrer" there
    would make every console form fail in production.
    """
    return SAME_ORIGIN_REFERRER if zones.is_console(path) else "no-referrer"


def apply_security_headers(response: Response) -> Response:
    """No third-party loads, no framing, no referrer leaking the state token.

    A page may be framed only when embed mode names origins for this request
    (``web.embed_mode.frame_ancestors``); X-Frame-Options, which cannot list
    origins, is then left out and CSP frame-ancestors decides.
    """
    framers = frame_ancestors()
    headers = response.headers
    headers.setdefault("Content-Security-Policy", content_security_policy(framers))
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", referrer_policy(request.path))
    if not framers:
        headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    if request.is_secure:
        headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    if zones.carries_answers(request.path):
        # Pages carry health answers in the token: never store them in shared caches.
        headers.setdefault("Cache-Control", "no-store")
    return response


def init_app(app: Flask) -> None:
    app.after_request(apply_security_headers)
