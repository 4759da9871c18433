"""A signer's professional registration: checked against its register's shape before it is
stored or shown.

By default the UK registers a clinician signing rules may be on: the register's
letters, then the number (a space between them optional, capitals or not):

- GMC (doctors): 7 digits, ``GMC 1234567``;
- NMC (nurses): 2 digits, a letter, 4 digits, a letter, ``NMC 12A3456B``;
- GDC (dental professionals): digits, ``GDC 123456``;
- HCPC (health and care professions): two letters and digits, ``HCPC PA12345``.

Clinics elsewhere set ``SIGNOFF_REGISTRATION_PATTERN`` (a regular expression the whole
registration must match) and ``SIGNOFF_REGISTRATION_DESCRIPTION`` (what it is, in words,
for the form's hint and its refusal); the pattern then replaces the UK registers. A
refusal always names the shape expected. The registration is kept as typed (trimmed).
"""

from __future__ import annotations

import re

from flask import current_app, has_request_context
from flask_babel import gettext

from rules.i18n import N_

#: register: (the number's shape, the shape in words, an example)
UK_REGISTERS = {
    "GMC": (r"\d{7}", N_("7 digits"), "GMC 1234567"),
    "NMC": (
        r"\d{2}[A-Z]\d{4}[A-Z]",
        N_("2 digits, a letter, 4 digits and a letter"),
        "NMC 12A3456B",
    ),
    "GDC": (r"\d{1,10}", N_("digits"), "GDC 123456"),
    "HCPC": (r"[A-Z]{2}\d{1,10}", N_("two letters and digits"), "HCPC PA12345"),
}
_UK = re.compile(r"(?P<register>[A-Za-z]+)\s*(?P<number>\S+)")

MAX_LENGTH = 64


def _(message: str, **values: object) -> str:
    """In the request's language in the console; in English at a terminal (no request)."""
    if has_request_context():
        return gettext(message, **values)
    return message % values if values else message


class RegistrationRefused(ValueError):
    """The registration has not the shape expected; ``str()`` says which shape."""


def expected() -> str:
    """The shape expected, in words (the form's hint)."""
    custom = current_app.config.get("SIGNOFF_REGISTRATION_PATTERN") or ""
    if custom:
        return current_app.config.get("SIGNOFF_REGISTRATION_DESCRIPTION") or custom
    return _(
        N_(
            "The register and your number: GMC and 7 digits (GMC 1234567), NMC and 2 digits, a "
            "letter, 4 digits and a letter (NMC 12A3456B), GDC and digits (GDC 123456), or HCPC "
            "and two letters and digits (HCPC PA12345)."
        )
    )


def checked(typed: str) -> str:
    """The registration as typed (trimmed) when it has the shape expected, else
    RegistrationRefused saying which shape that is."""
    text = (typed or "").strip()
    custom = current_app.config.get("SIGNOFF_REGISTRATION_PATTERN") or ""
    if len(text) > MAX_LENGTH:
        raise RegistrationRefused(
            _(N_("A registration is %(max)d characters or fewer."), max=MAX_LENGTH)
        )
    if custom:
        if re.fullmatch(custom, text):
            return text
        raise RegistrationRefused(
            _(N_("Enter your registration in this shape: %(shape)s"), shape=expected())
        )
    parts = _UK.fullmatch(text)
    register = parts["register"].upper() if parts else ""
    if register not in UK_REGISTERS:
        raise RegistrationRefused(
            _(N_("Enter a registration we can check. %(shape)s"), shape=expected())
        )
    shape, words, example = UK_REGISTERS[register]
    if not re.fullmatch(shape, parts["number"].upper()):
        raise RegistrationRefused(
            _(
                N_("A %(register)s number is %(shape)s, for example %(example)s."),
                register=register,
                shape=_(words),
                example=example,
            )
        )
    return text
