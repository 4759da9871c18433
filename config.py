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
        "LANGUAGES": ("en", "es"),
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
