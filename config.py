"""Configuration read from the environment, with safe defaults for a first run.

Every setting a clinic changes (name, booking link, phone) is an environment
variable; the defaults describe the clinic of the seed page so the app runs out
of the box. Production refuses to start with the development secret key.
"""

from __future__ import annotations

import os
from typing import Any

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
        "FLOW_TOKEN_MAX_AGE": _int("FLOW_TOKEN_MAX_AGE", 4 * 60 * 60),
        "BABEL_DEFAULT_LOCALE": "en",
        "LANGUAGES": ("en",),
        **storage_settings(),
        **staff_settings(),
        **notification_settings(),
    }


def _bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name, "").strip().lower()
    if raw == "":
        return default
    if raw in ("1", "true", "yes", "on"):
        return True
    if raw in ("0", "false", "no", "off"):
        return False
    raise ConfigError(f"{name} must be 1/0, true/false, yes/no or on/off, got {raw!r}")


def storage_settings() -> dict[str, Any]:
    """The database, retention and rate limits (leads and the staff console)."""
    env = os.environ.get
    url = env("DATABASE_URL", "")
    if url.startswith("postgres://"):  # the scheme some hosts hand out
        url = "postgresql+psycopg://" + url.removeprefix("postgres://")
    elif url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return {
        # Empty means SQLite at instance/screening.sqlite3 (resolved in create_app).
        "SQLALCHEMY_DATABASE_URI": url or None,
        # SQLite is migrated on start-up; PostgreSQL only when AUTO_MIGRATE=1.
        "AUTO_MIGRATE": _bool("AUTO_MIGRATE", not url),
        "RETENTION_DAYS": _int("RETENTION_DAYS", 365),
        "RATELIMIT_STORAGE_URI": env("RATELIMIT_STORAGE_URI", "memory://"),
        "RATELIMIT_PUBLIC_POST": env("RATELIMIT_PUBLIC_POST", "60 per minute"),
        "RATELIMIT_CONTACT": env("RATELIMIT_CONTACT", "5 per minute;30 per day"),
        "RATELIMIT_SIGN_IN": env("RATELIMIT_SIGN_IN", "10 per minute"),
        "RATELIMIT_HEADERS_ENABLED": True,
        "PHONE_DEFAULT_REGION": env("PHONE_DEFAULT_REGION", "US"),
        "EMBED_ORIGINS": tuple(o for o in env("EMBED_ORIGINS", "").split() if o),
    }


def staff_settings() -> dict[str, Any]:
    """The console's sign-in: session length and how failed sign-ins are slowed."""
    production = os.environ.get("APP_ENV", "development") == "production"
    return {
        "PERMANENT_SESSION_LIFETIME": _int("STAFF_SESSION_MINUTES", 30) * 60,
        "SESSION_COOKIE_SECURE": _bool("SESSION_COOKIE_SECURE", production),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": _bool("SESSION_COOKIE_SECURE", production),
        "WTF_CSRF_CHECK_DEFAULT": False,  # the staff blueprint checks every POST itself
        "WTF_CSRF_TIME_LIMIT": None,  # the token lives as long as the signed-in session
        "SIGN_IN_SLOW_AFTER": _int("SIGN_IN_SLOW_AFTER", 3),
        "SIGN_IN_LOCK_AFTER": _int("SIGN_IN_LOCK_AFTER", 8),
        "SIGN_IN_LOCK_MINUTES": _int("SIGN_IN_LOCK_MINUTES", 15),
        "LEADS_PER_PAGE": _int("LEADS_PER_PAGE", 25),
    }


def notification_settings() -> dict[str, Any]:
    """Email (SMTP) and webhook notifications of new leads, and their retries."""
    env = os.environ.get
    return {
        "PUBLIC_BASE_URL": env("PUBLIC_BASE_URL", "http://127.0.0.1:5000").rstrip("/"),
        "SMTP_HOST": env("SMTP_HOST", ""),
        "SMTP_PORT": _int("SMTP_PORT", 587),
        "SMTP_USER": env("SMTP_USER", ""),
        "SMTP_PASSWORD": env("SMTP_PASSWORD", ""),
        "SMTP_TLS": env("SMTP_TLS", "starttls"),  # starttls, ssl or none
        "SMTP_TIMEOUT": _int("SMTP_TIMEOUT", 10),
        "MAIL_FROM": env("MAIL_FROM", "screening@localhost"),
        "CLINIC_NOTIFY_EMAIL": env("CLINIC_NOTIFY_EMAIL", ""),
        "SEND_CONFIRMATION_EMAIL": _bool("SEND_CONFIRMATION_EMAIL", True),
        "WEBHOOK_URL": env("WEBHOOK_URL", ""),
        "WEBHOOK_SECRET": env("WEBHOOK_SECRET", ""),
        "WEBHOOK_TIMEOUT": _int("WEBHOOK_TIMEOUT", 10),
        "OUTBOX_MAX_ATTEMPTS": _int("OUTBOX_MAX_ATTEMPTS", 12),
        "OUTBOX_BACKOFF_SECONDS": _int("OUTBOX_BACKOFF_SECONDS", 60),
    }


def check_safe(config: dict[str, Any]) -> None:
    """Fail loudly on settings that are unsafe outside development."""
    if config.get("APP_ENV") == "production" and config.get("SECRET_KEY") in (
        None,
        "",
        DEV_SECRET_KEY,
    ):
        raise ConfigError(
            "SECRET_KEY must be set to a long random value when APP_ENV=production; "
            "generate one with: python -c 'import secrets; print(secrets.token_hex(32))'"
        )
    if config.get("SMTP_TLS") not in ("starttls", "ssl", "none"):
        raise ConfigError("SMTP_TLS must be starttls, ssl or none")
    if config.get("WEBHOOK_URL") and not config.get("WEBHOOK_SECRET"):
        raise ConfigError("WEBHOOK_SECRET must be set when WEBHOOK_URL is set")
