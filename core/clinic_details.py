"""Which of the clinic's details, as patients see them, are still placeholders.

The defaults let the app run out of the box, but in production a person must never
be shown a fictitious phone number or an example address, or the seed clinic's name
on another clinic's check. The app still starts (a wrong detail is not a safety
risk the way a known secret key is), but every such detail is named in a warning at
start-up, with the setting that fixes it.

A built-in default counts as a placeholder only while its variable is unset: a
clinic that sets CLINIC_NAME to the default's very value has confirmed it.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from core.config import CLINIC_DEFAULTS

log = logging.getLogger(__name__)

#: Domains set aside for examples and tests (RFC 2606, RFC 6761), and the
#: documentation's own "example-clinic.com".
_RESERVED_SUFFIXES = (".example", ".test", ".invalid", ".localhost", ".local")
_EXAMPLE_LABEL = re.compile(r"(^|\.)example(-[a-z0-9-]*)?\.", re.IGNORECASE)


def is_example_host(host: str) -> bool:
    """example.com, www.example-clinic.com, clinic.test, localhost: not a real address."""
    host = host.strip().lower().rstrip(".")
    return (
        not host
        or host == "localhost"
        or host.endswith(_RESERVED_SUFFIXES)
        or bool(_EXAMPLE_LABEL.search(host + "."))
    )


def is_fictitious_phone(phone: str) -> bool:
    """A North American number in the 555 range set aside for fiction (555-0100 to
    555-0199, or the unassigned area code 555), or no number at all."""
    digits = re.sub(r"\D", "", phone)
    if len(digits) == 11 and digits.startswith("1"):
        digits = digits[1:]
    if not digits:
        return True
    return len(digits) == 10 and (digits[:3] == "555" or digits[3:8] == "55501")


def _host(value: str) -> str:
    try:
        return urlsplit(value.strip()).hostname or ""
    except ValueError:
        return ""


#: The settings that are addresses, and the host name each one is at.
ADDRESSES = {
    "CLINIC_URL": _host,
    "CLINIC_EMAIL": lambda email: email.rpartition("@")[2],
    "BOOKING_URL": _host,
    "MEDICAL_REVIEW_URL": _host,
}
#: Where a person sees each detail, for the warning.
SHOWN = {
    "CLINIC_NAME": "on every page",
    "CLINIC_URL": "in every page's header and footer",
    "CLINIC_PHONE": "on every page and result",
    "CLINIC_EMAIL": "on the privacy notice, for questions about personal data",
    "BOOKING_URL": "on every 'book a consultation' result",
    "MEDICAL_REVIEW_URL": "on every 'clinician review' result",
}


def placeholders(
    config: Mapping[str, Any], environ: Mapping[str, str] = os.environ
) -> list[tuple[str, str]]:
    """(setting, why) for every clinic detail a patient would see as a placeholder."""
    found: list[tuple[str, str]] = []
    for name, default in CLINIC_DEFAULTS.items():
        value = str(config.get(name) or "").strip()
        if name == "CLINIC_PHONE" and is_fictitious_phone(value):
            found.append((name, f"{value!r} is a fictitious number" if value else "is not set"))
        elif not value:
            found.append((name, "is not set"))
        elif name in ADDRESSES and is_example_host(ADDRESSES[name](value)):
            found.append((name, f"{value!r} is an example address"))
        elif value == default and name not in environ:
            found.append((name, f"is not set, so it is the built-in default {value!r}"))
    return found


def warn_about_placeholders(config: Mapping[str, Any]) -> None:
    """In production, one warning per placeholder clinic detail, naming its setting."""
    if config.get("APP_ENV") != "production":
        return
    for name, why in placeholders(config):
        log.warning(
            "%s %s (patients see it %s): set %s to the clinic's own "
            "(docs/configuration.md, 'The clinic')",
            name,
            why,
            SHOWN[name],
            name,
        )
