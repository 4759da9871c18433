"""Configuration read from the environment, with safe defaults for a first run.

Every setting a clinic changes (name, booking link, phone) is an environment
variable; the defaults describe the clinic of the seed page so the app runs out
of the box. Production refuses to start with the development secret key.
"""

from __future__ import annotations

import os
import re
from typing import Any
from urllib.parse import urlsplit

DEV_SECRET_KEY = "dev-only-not-secret"  # noqa: S105 - the known value production refuses


class ConfigError(RuntimeError):
    """A setting that would make the app unsafe or unusable."""


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ConfigError(f"{name} must be a whole number, got {raw!r}") from exc


_HOST = re.compile(r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$")


def parse_origin(raw: str) -> str:
    """One web origin, normalised ("https://www.example.com"), or ConfigError.

    An origin is a scheme, a host and an optional port: no path, query, user or
    wildcard, because it ends up in CSP frame-ancestors, in CORS headers and as
    postMessage's targetOrigin, where anything looser would widen who can listen.
    """
    text = raw.strip().rstrip("/")
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError as exc:
        raise ConfigError(f"{raw!r} is not an origin like https://www.example.com") from exc
    host = (parts.hostname or "").lower()
    if (
        parts.scheme not in ("http", "https")
        or not (_HOST.match(host) or _is_ip(host))
        or parts.path
        or parts.query
        or parts.fragment
        or parts.username
        or parts.password
        or "*" in text
    ):
        raise ConfigError(f"{raw!r} is not an origin like https://www.example.com")
    return f"{parts.scheme}://{host}" + (f":{port}" if port is not None else "")


def _is_ip(host: str) -> bool:
    import ipaddress

    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def _origins(name: str) -> tuple[str, ...]:
    raw = os.environ.get(name, "")
    return tuple(dict.fromkeys(parse_origin(item) for item in raw.split(",") if item.strip()))


def _same_origin_path(name: str) -> str:
    """A path on this app ("/static/logo.svg"): a page must never load from another host."""
    raw = os.environ.get(name, "").strip()
    if raw and (not raw.startswith("/") or raw.startswith("//") or "\\" in raw):
        raise ConfigError(
            f"{name} must be a path served by this app, such as /static/clinic-logo.svg; "
            "pages never load anything from another host"
        )
    return raw


def from_environment() -> dict[str, Any]:
    """Read every setting from the environment (the twelve-factor way)."""
    env = os.environ.get
    return {
        "APP_ENV": env("APP_ENV", "development"),
        "SECRET_KEY": env("SECRET_KEY", DEV_SECRET_KEY),
        "CLINIC_NAME": env("CLINIC_NAME", "Trilogy Medical Center"),
        "CLINIC_URL": env("CLINIC_URL", "https://www.trilogymedicalcenter.com/"),
        "CLINIC_PHONE": env("CLINIC_PHONE", "+1 (555) 010-0199"),
        "BOOKING_URL": env(
            "BOOKING_URL", "https://www.trilogymedicalcenter.com/free-consultation/"
        ),
        "MEDICAL_REVIEW_URL": env(
            "MEDICAL_REVIEW_URL", "https://www.trilogymedicalcenter.com/medical-review/"
        ),
        # Sites allowed to embed the questionnaire; empty: nobody may frame it.
        "EMBED_ALLOWED_ORIGINS": _origins("EMBED_ALLOWED_ORIGINS"),
        "CLINIC_LOGO_URL": _same_origin_path("CLINIC_LOGO_URL"),
        "FLOW_TOKEN_MAX_AGE": _int("FLOW_TOKEN_MAX_AGE", 4 * 60 * 60),
        # Behind a load balancer: how many proxies set X-Forwarded-For/-Proto/-Host.
        "TRUSTED_PROXIES": _int("TRUSTED_PROXIES", 0),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": env("APP_ENV", "development") != "development",
        "COMPRESS_ALGORITHM": ["br", "gzip"],
        "COMPRESS_MIN_SIZE": 500,
        # Larger request bodies get 413: no form here needs more than a few kilobytes.
        "MAX_CONTENT_LENGTH": _int("MAX_CONTENT_LENGTH", 64 * 1024),
        "BABEL_DEFAULT_LOCALE": "en",
        # Static URLs carry a content hash, so browsers may keep the files for a year.
        "SEND_FILE_MAX_AGE_DEFAULT": 365 * 24 * 60 * 60,
        # bench/web.py only: a bare route that measures this stack's ceiling.
        "BENCH_HELLO_ROUTE": env("BENCH_HELLO_ROUTE") == "1",
        "LANGUAGES": ("en",),
    }


def check_safe(config: dict[str, Any]) -> None:
    """Fail loudly on settings that are unsafe outside development."""
    origins = config.get("EMBED_ALLOWED_ORIGINS") or ()
    if isinstance(origins, str):
        origins = origins.split(",")
    # Normalised here too, so a test or instance config gets the same checks as the environment.
    config["EMBED_ALLOWED_ORIGINS"] = tuple(
        dict.fromkeys(parse_origin(origin) for origin in origins if origin.strip())
    )
    if config.get("APP_ENV") == "production" and config.get("SECRET_KEY") in (
        None,
        "",
        DEV_SECRET_KEY,
    ):
        raise ConfigError(
            "SECRET_KEY must be set to a long random value when APP_ENV=production; "
            "generate one with: python -c 'import secrets; print(secrets.token_hex(32))'"
        )
