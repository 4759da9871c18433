"""The consent wording a person agrees to before anything personal is stored.

Each wording has a version; a lead stores the version it was given and the time,
so the clinic can always show exactly what someone agreed to. Change the text
only together with a new version.
"""

from __future__ import annotations

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _

CONSENT_VERSION = "2025-01"


def consent_text(version: str = CONSENT_VERSION, lang: str | None = None) -> str:
    """The consent sentence of a version, in ``lang`` or else the current language.

    Staff read a lead's consent in the language the person saw it in (the
    lead's ``lang``), whatever language the console speaks: those are the
    words they agreed to. A language the app does not offer falls back to the
    default one, as the person's own pages would have.
    """
    if lang is not None:
        offered = current_app.config["LANGUAGES"]
        chosen = lang if lang in offered else current_app.config["BABEL_DEFAULT_LOCALE"]
        with force_locale(chosen):
            return consent_text(version)
    if version != CONSENT_VERSION:
        return _("Consent wording version %(version)s.", version=version)
    return _(
        "I agree that %(clinic)s stores my name, contact details and message, my answers "
        "to this check and its result, so that its staff can contact me about them. Only "
        "clinic staff can see them. They are deleted after %(days)d days, or sooner if I ask.",
        clinic=current_app.config["CLINIC_NAME"],
        days=current_app.config["RETENTION_DAYS"],
    )
