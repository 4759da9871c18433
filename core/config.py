"""Configuration read from the environment, with safe defaults for a first run.

Every setting a clinic changes (name, booking link, phone) is an environment
variable; the defaults describe the clinic of the seed page so the app runs out
of the box. Production refuses to start with the development secret key.
"""

from __future__ import annotations

import ipaddress
import os
import re
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

from core.clinic_time import valid_zone

DEV_SECRET_KEY = "dev-only-not-secret"  # noqa: S105 - the known value production refuses
DEV_PUBLIC_BASE_URL = "http://127.0.0.1:5000"
#: Host names a developer's own machine answers to, trusted outside production only.
DEV_HOSTS = ("localhost", "127.0.0.1")
# Seconds an instance keeps its choice of the live rule version (LIVE_RULES_TTL): the one
# default, read by signoff.service and the console's withdrawal page through it.
LIVE_RULES_TTL_DEFAULT = 10
#: The clinic's details shown to patients, and their defaults: the seed page's clinic,
#: with a fictitious phone number and no email until the clinic sets its own.
CLINIC_DEFAULTS = {
    "CLINIC_NAME": "Trilogy Medical Center",
    "CLINIC_URL": "https://www.trilogymedicalcenter.com/",
    "CLINIC_PHONE": "+1 (555) 010-0199",
    # Where people write about their data (the privacy notice); empty: phone only.
    "CLINIC_EMAIL": "",
    "BOOKING_URL": "https://www.trilogymedicalcenter.com/free-consultation/",
    "MEDICAL_REVIEW_URL": "https://www.trilogymedicalcenter.com/medical-review/",
}


#: The default time floor of a contact request, from the start of its questionnaire: a
#: person answering 21 questions over seven steps, with no reading at all, at two
#: keystrokes or a point-and-tap each (about 0.3 to 1.3 s), then typing a name and an
#: address, takes 20 seconds or more (docs/security.md). A script takes under one.
CONTACT_MIN_SECONDS = 15
#: Confirmation emails to one address (leads/confirmation_limit.py).
CONFIRMATION_EMAIL_LIMIT = "1 per hour"


class ConfigError(RuntimeError):
    """A setting that would make the app unsafe or unusable."""


def _int(name: str, default: int, least: int = 1) -> int:
    """A whole-number setting, at least `least`: a zero or negative lifetime, limit or
    timeout would quietly make links, sessions or deliveries never work."""
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError as exc:
        raise ConfigError(f"{name} must be a whole number, got {raw!r}") from exc
    if value < least:
        raise ConfigError(f"{name} must be {least} or more, got {value}")
    return value


#: The units CLINIC_REPLY_TIME may use: "4 hours", "1 working day", "2 working days".
REPLY_TIME_UNITS = {"hour": "hours", "hours": "hours", "working day": "working_days",
                    "working days": "working_days"}  # fmt: skip


def _time_zone(name: str, default: str) -> str:
    value = os.environ.get(name, "").strip() or default
    if not valid_zone(value):
        raise ConfigError(
            f"{name} must be a time zone name such as Europe/London or America/Toronto, "
            f"got {value!r}"
        )
    return value


def _reply_time(name: str, default: tuple[int, str]) -> tuple[int, str]:
    """How soon the clinic answers a contact request, as (number, unit), so the pages
    and the confirmation email can say it in each language (leads/reply_time.py)."""
    raw = " ".join(os.environ.get(name, "").lower().split())
    if not raw:
        return default
    number, _, unit = raw.partition(" ")
    if not number.isdigit() or int(number) < 1 or unit not in REPLY_TIME_UNITS:
        raise ConfigError(f"{name} must be like '1 working day' or '4 hours', got {raw!r}")
    return int(number), REPLY_TIME_UNITS[unit]


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
        # The clinic as patients see it; production warns of any still at a placeholder
        # (core/clinic_details.py).
        **{name: env(name, default) for name, default in CLINIC_DEFAULTS.items()},
        # Sites allowed to embed the questionnaire; empty: nobody may frame it.
        "EMBED_ALLOWED_ORIGINS": _origins("EMBED_ALLOWED_ORIGINS"),
        "CLINIC_LOGO_URL": _same_origin_path("CLINIC_LOGO_URL"),
        "FLOW_TOKEN_MAX_AGE": _int("FLOW_TOKEN_MAX_AGE", 4 * 60 * 60),
        # The rule file the app proves at start-up and decides with; empty: the shipped one.
        "RULES_FILE": env("RULES_FILE", ""),
        # Seconds an instance keeps its choice of the live (signed) rule version: a
        # sign-off made on any instance reaches every instance within this time.
        "LIVE_RULES_TTL": _int("LIVE_RULES_TTL", LIVE_RULES_TTL_DEFAULT, least=0),
        # A rule draft signed in the console needs a second clinician: its signer may not be
        # its only author. Off by default, for single-clinician clinics.
        "RULE_DRAFT_SECOND_SIGNER": _bool("RULE_DRAFT_SECOND_SIGNER", False),
        # Behind a load balancer: how many proxies set X-Forwarded-For/-Proto/-Host.
        "TRUSTED_PROXIES": _int("TRUSTED_PROXIES", 0, least=0),
        "COMPRESS_ALGORITHM": ["br", "gzip"],
        "COMPRESS_MIN_SIZE": 500,
        # Larger request bodies get 413: no form here needs more than a few kilobytes.
        "MAX_CONTENT_LENGTH": _int("MAX_CONTENT_LENGTH", 64 * 1024),
        "BABEL_DEFAULT_LOCALE": "en",
        # Static URLs carry a content hash, so browsers may keep the files for a year.
        "SEND_FILE_MAX_AGE_DEFAULT": 365 * 24 * 60 * 60,
        "LANGUAGES": ("en", "es"),
        **storage_settings(),
        **staff_settings(),
        **notification_settings(),
        **booking_tool_settings(),
        **operations_settings(),
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
        # Build a big workbook right after the asking request's answer, in that process:
        # the embedded default (SQLite), where no timer runs ``flask exports build``.
        "EXPORT_BUILD_AFTER_RESPONSE": _bool(
            "EXPORT_BUILD_AFTER_RESPONSE", not url or url.startswith("sqlite")
        ),
        "RETENTION_DAYS": _int("RETENTION_DAYS", 365),
        # How soon the clinic answers a contact request: the confirmation page and email say it.
        "CLINIC_REPLY_TIME": _reply_time("CLINIC_REPLY_TIME", (1, "working_days")),
        # The clinic's time zone (IANA name) until an admin sets one in the console.
        "CLINIC_TIME_ZONE": _time_zone("CLINIC_TIME_ZONE", "UTC"),
        # Explicit on every app: Flask-Limiter keeps the last app's value otherwise.
        "RATELIMIT_ENABLED": env("RATELIMIT_ENABLED", "1") != "0",
        "RATELIMIT_STORAGE_URI": env("RATELIMIT_STORAGE_URI", "memory://"),
        "RATELIMIT_PUBLIC_POST": env("RATELIMIT_PUBLIC_POST", "60 per minute"),
        # Contact requests count only when accepted, never corrections (leads/limits.py).
        "RATELIMIT_CONTACT": env("RATELIMIT_CONTACT", "60 per hour;300 per day"),
        "RATELIMIT_CONTACT_PER_CHECK": env("RATELIMIT_CONTACT_PER_CHECK", "10 per hour"),
        # Seconds from the start of a questionnaire before its contact request is taken
        # (leads/spam.py): below the fastest person over 21 answers and the form; 0: off.
        "CONTACT_MIN_SECONDS": _int("CONTACT_MIN_SECONDS", CONTACT_MIN_SECONDS, least=0),
        # Confirmation emails to any one address (leads/confirmation_limit.py), however many
        # leads name it: the only message whose recipient a stranger types.
        "RATELIMIT_CONFIRMATION_EMAIL": env("RATELIMIT_CONFIRMATION_EMAIL", "")
        or CONFIRMATION_EMAIL_LIMIT,
        "RATELIMIT_SIGN_IN": env("RATELIMIT_SIGN_IN", "10 per minute"),
        "RATELIMIT_API": env("RATELIMIT_API", "120 per minute"),
        "RATELIMIT_HEADERS_ENABLED": True,
        "PHONE_DEFAULT_REGION": env("PHONE_DEFAULT_REGION", "US"),
        # A rule signer's registration: unset, the UK registers (GMC, NMC, GDC, HCPC;
        # signoff/registration.py); elsewhere a regular expression and its description.
        "SIGNOFF_REGISTRATION_PATTERN": env("SIGNOFF_REGISTRATION_PATTERN", ""),
        "SIGNOFF_REGISTRATION_DESCRIPTION": env("SIGNOFF_REGISTRATION_DESCRIPTION", ""),
    }


def staff_settings() -> dict[str, Any]:
    """The console's sign-in: session length and how failed sign-ins are slowed."""
    # The console's cookie is sent over HTTPS only everywhere but on a developer's machine.
    secure = os.environ.get("APP_ENV", "development") != "development"
    return {
        "PERMANENT_SESSION_LIFETIME": _int("STAFF_SESSION_MINUTES", 30) * 60,
        # A session ends this long after sign-in, however busy it has been.
        "STAFF_SESSION_MAX_HOURS": _int("STAFF_SESSION_MAX_HOURS", 12),
        "SESSION_COOKIE_SECURE": _bool("SESSION_COOKIE_SECURE", secure),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": _bool("SESSION_COOKIE_SECURE", secure),
        "WTF_CSRF_CHECK_DEFAULT": False,  # the staff blueprint checks every POST itself
        "WTF_CSRF_TIME_LIMIT": None,  # the token lives as long as the signed-in session
        "SIGN_IN_SLOW_AFTER": _int("SIGN_IN_SLOW_AFTER", 3),
        "SIGN_IN_LOCK_AFTER": _int("SIGN_IN_LOCK_AFTER", 8),
        "SIGN_IN_LOCK_MINUTES": _int("SIGN_IN_LOCK_MINUTES", 15),
        # How long an admin's set-password link works (staff/accounts/password_links.py).
        "PASSWORD_LINK_HOURS": _int("PASSWORD_LINK_HOURS", 24),
        "LEADS_PER_PAGE": _int("LEADS_PER_PAGE", 25),
    }


def notification_settings() -> dict[str, Any]:
    """Email (SMTP) and webhook notifications of new leads, and their retries."""
    env = os.environ.get
    return {
        # The address people and programs use: links in emails and snippets, and (unless
        # TRUSTED_HOSTS says otherwise) the only host name served.
        "PUBLIC_BASE_URL": env("PUBLIC_BASE_URL", DEV_PUBLIC_BASE_URL).rstrip("/"),
        # Host names served, comma-separated; any other Host header gets a 400.
        "TRUSTED_HOSTS": [h.strip() for h in env("TRUSTED_HOSTS", "").split(",") if h.strip()],
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
        # How long a claimed message is left to its sender before another may try it.
        "OUTBOX_LEASE_SECONDS": _int("OUTBOX_LEASE_SECONDS", 300),
        # Workbooks of more rows are built in the background (staff/leads/export_jobs.py):
        # at a loaded machine's 350 rows a second, 5,000 rows take 14 s, well within
        # gunicorn's 30 s worker timeout.
        "EXPORT_BACKGROUND_ROWS": _int("EXPORT_BACKGROUND_ROWS", 5000),
        # Where finished workbooks wait; several machines must share it. Empty: instance/exports.
        "EXPORT_DIR": env("EXPORT_DIR", ""),
        "EXPORT_KEEP_HOURS": _int("EXPORT_KEEP_HOURS", 24),
        # How long a builder holds a job before another may take it over.
        "EXPORT_LEASE_SECONDS": _int("EXPORT_LEASE_SECONDS", 1800),
    }


def booking_tool_settings() -> dict[str, Any]:
    """The booking tools whose events come back (integrations/); a tool without its secret
    is not listened to (its receiver answers 404)."""
    env = os.environ.get
    return {
        "CALCOM_WEBHOOK_SECRET": env("CALCOM_WEBHOOK_SECRET", ""),
        "CALENDLY_WEBHOOK_SIGNING_KEY": env("CALENDLY_WEBHOOK_SIGNING_KEY", ""),
        # Acuity signs with the API key and sends ids only: the appointment is read back
        # from its API as this user (HTTP Basic, user id and API key).
        "ACUITY_API_KEY": env("ACUITY_API_KEY", ""),
        "ACUITY_USER_ID": env("ACUITY_USER_ID", ""),
        "ACUITY_API_BASE_URL": env("ACUITY_API_BASE_URL", "https://acuityscheduling.com/api/v1"),
        # The intake form field (its numeric id) the hand-off link fills with the reference.
        "ACUITY_LEAD_FIELD_ID": env("ACUITY_LEAD_FIELD_ID", ""),
        "JANE_WEBHOOK_SECRET": env("JANE_WEBHOOK_SECRET", ""),
        "JANE_API_TOKEN": env("JANE_API_TOKEN", ""),
        "JANE_API_BASE_URL": env("JANE_API_BASE_URL", ""),
    }


LOG_FORMATS = ("json", "text")


def parse_networks(raw: str | Iterable[str]) -> tuple[str, ...]:
    """Networks in CIDR notation ("10.0.0.0/8, 192.0.2.7"), normalised, or ConfigError.

    A bare address is a network of one. A network with host bits set
    ("10.0.0.1/8") is refused rather than guessed at: it is most likely a typo.
    """
    import ipaddress

    items = raw.split(",") if isinstance(raw, str) else list(raw)
    networks = []
    for item in (str(item).strip() for item in items):
        if not item:
            continue
        try:
            networks.append(str(ipaddress.ip_network(item)))
        except ValueError as exc:
            raise ConfigError(
                f"METRICS_ALLOWED_NETWORKS: {item!r} is not a network like 10.0.0.0/8 "
                f"or an address like 192.0.2.7 ({exc})"
            ) from exc
    return tuple(dict.fromkeys(networks))


def _log_format() -> str | None:
    raw = os.environ.get("LOG_FORMAT", "").strip().lower()
    if raw and raw not in LOG_FORMATS:
        raise ConfigError(f"LOG_FORMAT must be json or text, got {raw!r}")
    return raw or None


def operations_settings() -> dict[str, Any]:
    """What operators watch (ops/): the log format and who may read the metrics."""
    return {
        # json or text; unset: json when APP_ENV=production, text otherwise (ops/logs.py).
        "LOG_FORMAT": _log_format(),
        # Besides loopback (always allowed), the networks that may read /internal/metrics.
        "METRICS_ALLOWED_NETWORKS": parse_networks(os.environ.get("METRICS_ALLOWED_NETWORKS", "")),
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
    _check_hosts(config)
    if config.get("SMTP_TLS") not in ("starttls", "ssl", "none"):
        raise ConfigError("SMTP_TLS must be starttls, ssl or none")
    if config.get("WEBHOOK_URL") and not config["WEBHOOK_URL"].startswith(("https://", "http://")):
        raise ConfigError("WEBHOOK_URL must be an http:// or https:// address")
    if config.get("WEBHOOK_URL") and not config.get("WEBHOOK_SECRET"):
        raise ConfigError("WEBHOOK_SECRET must be set when WEBHOOK_URL is set")
    _check_booking_tools(config)
    _check_webhook_transport(config)
    floor = config.get("CONTACT_MIN_SECONDS", CONTACT_MIN_SECONDS)
    if not isinstance(floor, int) or isinstance(floor, bool) or floor < 0:
        raise ConfigError(f"CONTACT_MIN_SECONDS must be a whole number, 0 or more, got {floor!r}")
    _check_limit(config, "RATELIMIT_CONFIRMATION_EMAIL", CONFIRMATION_EMAIL_LIMIT)
    _check_registration_pattern(config)
    longest_send = max(config.get("SMTP_TIMEOUT", 0), config.get("WEBHOOK_TIMEOUT", 0))
    if config.get("OUTBOX_LEASE_SECONDS", 300) <= 2 * longest_send:
        # A lease that ends while its sender may still be sending lets a second one send too.
        raise ConfigError(
            "OUTBOX_LEASE_SECONDS must be more than twice SMTP_TIMEOUT and WEBHOOK_TIMEOUT"
        )


def _check_booking_tools(config: dict[str, Any]) -> None:
    """A tool that sends ids only needs its API's address and credentials with its secret."""
    needs = {
        "ACUITY_API_KEY": ("ACUITY_USER_ID", "ACUITY_API_BASE_URL"),
        "JANE_WEBHOOK_SECRET": ("JANE_API_TOKEN", "JANE_API_BASE_URL"),
    }
    for secret, required in needs.items():
        if not config.get(secret):
            continue
        for name in required:
            if not config.get(name):
                raise ConfigError(f"{name} must be set when {secret} is set")
        base = config[required[-1]]
        if not base.startswith(("https://", "http://")):
            raise ConfigError(f"{required[-1]} must be an http:// or https:// address")
        if config.get("APP_ENV") == "production" and not base.startswith("https://"):
            raise ConfigError(f"{required[-1]} must be an https:// address in production")
    field = config.get("ACUITY_LEAD_FIELD_ID", "")
    if field and not field.isdigit():
        raise ConfigError("ACUITY_LEAD_FIELD_ID must be the intake form field's number")


def _check_registration_pattern(config: dict[str, Any]) -> None:
    pattern = config.get("SIGNOFF_REGISTRATION_PATTERN") or ""
    if not pattern:
        return
    try:
        re.compile(pattern)
    except re.error as exc:
        raise ConfigError(
            f"SIGNOFF_REGISTRATION_PATTERN is not a regular expression: {exc}"
        ) from None
    if not (config.get("SIGNOFF_REGISTRATION_DESCRIPTION") or "").strip():
        raise ConfigError(
            "SIGNOFF_REGISTRATION_DESCRIPTION must say, in words, what "
            "SIGNOFF_REGISTRATION_PATTERN accepts (signers read it when refused)"
        )


def _check_webhook_transport(config: dict[str, Any]) -> None:
    """In production lead events go over TLS: they can carry a person's contact details.

    Plain http:// is taken only to a loopback address (a receiver on this machine, as
    the tests and the loopback stack use); outside production any http:// address is.
    """
    url = config.get("WEBHOOK_URL") or ""
    if config.get("APP_ENV") != "production" or not url.startswith("http://"):
        return
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        host = ""
    if host == "localhost" or (_is_ip(host) and ipaddress.ip_address(host).is_loopback):
        return
    raise ConfigError(
        "WEBHOOK_URL must be an https:// address when APP_ENV=production: lead events "
        "can carry a person's contact details, and http:// sends them unencrypted "
        "(plain http:// is allowed only to a loopback address such as http://127.0.0.1:PORT/)"
    )


def _check_limit(config: dict[str, Any], name: str, default: str) -> None:
    """A limit like "1 per hour" (the limits library's notation); empty: none (tests only);
    absent: ``default``, as the environment would give it."""
    from limits import parse_many

    raw = config.get(name, default)
    if raw == "" and config.get("TESTING"):
        return
    try:
        parse_many(raw)
    except (ValueError, TypeError) as exc:
        raise ConfigError(f"{name} must be a limit like '1 per hour', got {raw!r}") from exc


def _check_hosts(config: dict[str, Any]) -> None:
    """Serve only the configured host names (Flask's TRUSTED_HOSTS).

    A forged Host header would otherwise end up in absolute links. By default the
    host of PUBLIC_BASE_URL, and outside production also localhost and 127.0.0.1.
    """
    production = config.get("APP_ENV") == "production"
    base = config.get("PUBLIC_BASE_URL") or DEV_PUBLIC_BASE_URL
    if production and base == DEV_PUBLIC_BASE_URL:
        raise ConfigError(
            "PUBLIC_BASE_URL must be set to the address people use when APP_ENV=production, "
            "such as https://check.example-clinic.com"
        )
    try:
        base_host = urlsplit(base).hostname
    except ValueError:
        base_host = None
    if not base_host or urlsplit(base).scheme not in ("http", "https"):
        raise ConfigError(f"PUBLIC_BASE_URL {base!r} is not an address like https://example.com")
    hosts = config.get("TRUSTED_HOSTS")
    if isinstance(hosts, str):
        hosts = [host.strip() for host in hosts.split(",") if host.strip()]
    if not hosts:
        hosts = [base_host, *(() if production else DEV_HOSTS)]
    config["TRUSTED_HOSTS"] = list(dict.fromkeys(host.lower() for host in hosts))
