"""The clinic's booking tool (Calendly, Cal.com, ...): its address with the person's details in.

Clinics that book elsewhere set the tool's address in the console's settings;
``{name}``, ``{email}`` and ``{phone}`` in it are filled in, URL-encoded, so the
booking page opens with the person's details already typed, for example
Calendly's ``?name={name}&email={email}&a1={phone}`` and Cal.com's
``?name={name}&email={email}&attendeePhoneNumber={phone}``.
"""

from __future__ import annotations

import re
from urllib.parse import quote, urlsplit

from core import clinic_settings

#: The details an address may ask for.
PLACEHOLDERS = ("name", "email", "phone")

_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


def unknown_placeholders(address: str) -> list[str]:
    """Every ``{...}`` in the address that is not one of PLACEHOLDERS (a stray brace too)."""
    unknown = [f"{{{word}}}" for word in _PLACEHOLDER.findall(address) if word not in PLACEHOLDERS]
    leftover = _PLACEHOLDER.sub("", address)
    unknown += [brace for brace in "{}" if brace in leftover]
    return unknown


def is_https_address(address: str) -> bool:
    """An https:// address with a host: the person's details never travel unencrypted."""
    try:
        parts = urlsplit(address)
    except ValueError:
        return False
    return (
        parts.scheme == "https"
        and bool(parts.hostname)
        and not any(char.isspace() for char in address)
    )


def fill(address: str, name: str, email: str, phone: str) -> str:
    """The address with each placeholder replaced by the URL-encoded detail."""
    values = {"name": name, "email": email, "phone": phone}
    return _PLACEHOLDER.sub(lambda found: quote(values[found.group(1)] or "", safe=""), address)


def booking_tool_link(name: str, email: str, phone: str) -> str | None:
    """The clinic's booking page for this person, or None when the clinic books itself.

    None too for an address that is not https:// or asks for an unknown detail
    (the settings form refuses both; a value written by other means is not sent).
    """
    address = clinic_settings.text("booking_tool_url").strip()
    if not address or not is_https_address(address) or unknown_placeholders(address):
        return None
    return fill(address, name, email, phone)
