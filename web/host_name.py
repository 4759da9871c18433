"""Host names are case-insensitive (RFC 9110, 4.2.3), but Werkzeug compares a Host
header with TRUSTED_HOSTS as typed, so "Check.Example-Clinic.com" got a 400. This
middleware lowers the Host header (after ProxyFix has put X-Forwarded-Host there)
before Flask checks it; the configured names are lowered in core.config.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


class LowercaseHost:
    def __init__(self, app: WSGIApp) -> None:
        self._app = app

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]):
        host = environ.get("HTTP_HOST")
        if host and host.isascii():  # anything else is refused as it is
            environ["HTTP_HOST"] = host.lower()
        return self._app(environ, start_response)
