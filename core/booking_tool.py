"""The clinic's booking tool (Calendly, Cal.com, ...): its address with the person's details in.

Clinics that book elsewhere set the tool's address in the console's settings;
``{name}``, ``{email}`` and ``{phone}`` in it are filled in, URL-encoded, so the
booking page opens with the person's details already typed, for example
Calendly's ``?name={name}&email={email}&a1={phone}`` and Cal.com's
``?name={name}&email={email}&attendeePhoneNumber={phone}``.

The link also carries the lead's opaque booking reference, where the tool gives it
back in its booking events (integrations/, leads/bookings.py), and nothing else about
the person (never a health answer): Cal.com ``metadata[lead]=<ref>`` (returned as
``payload.metadata.lead``), Calendly ``utm_content=<ref>`` (returned as
``payload.tracking.utm_content``), Acuity ``field:<ACUITY_LEAD_FIELD_ID>=<ref>`` (an
intake form field, read back from the appointment). Jane documents no prefilled
field for its booking links, so its link is left as it is.
"""

from __future__ import annotations

import re
from urllib.parse import quote, urlencode, urlsplit

from flask import current_app

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


def tool_of(address: str) -> str:
    """Which booking tool an address belongs to ("calcom", "calendly", "acuity", "jane", "")."""
    host = (urlsplit(address).hostname or "").lower()
    for tool, domains in (
        ("calcom", ("cal.com",)),
        ("calendly", ("calendly.com",)),
        ("acuity", ("acuityscheduling.com", "as.me")),
        ("jane", ("janeapp.com",)),
    ):
        if any(host == domain or host.endswith("." + domain) for domain in domains):
            return tool
    return ""


def reference_parameter(address: str, reference: str) -> dict[str, str]:
    """The query parameter that carries the reference to this address's tool, if any."""
    tool = tool_of(address)
    if not reference or not tool:
        return {}
    if tool == "calcom":
        return {"metadata[lead]": reference}
    if tool == "calendly":
        return {"utm_content": reference}
    field = current_app.config.get("ACUITY_LEAD_FIELD_ID", "")
    if tool == "acuity" and field:
        return {f"field:{field}": reference}
    return {}


def with_reference(address: str, reference: str) -> str:
    """The address with the reference's parameter appended (before any #fragment)."""
    parameter = reference_parameter(address, reference)
    if not parameter:
        return address
    base, hash_mark, fragment = address.partition("#")
    joiner = "&" if "?" in base else "?"
    if base.endswith(("?", "&")):
        joiner = ""
    query = urlencode(parameter, safe=":")
    return f"{base}{joiner}{query}{hash_mark}{fragment}"


def booking_tool_link(name: str, email: str, phone: str, reference: str = "") -> str | None:
    """The clinic's booking page for this person, or None when the clinic books itself.

    ``reference`` is the lead's booking reference, added as the tool takes it. None
    too for an address that is not https:// or asks for an unknown detail (the
    settings form refuses both; a value written by other means is not sent).
    """
    address = clinic_settings.text("booking_tool_url").strip()
    if not address or not is_https_address(address) or unknown_placeholders(address):
        return None
    return with_reference(fill(address, name, email, phone), reference)
