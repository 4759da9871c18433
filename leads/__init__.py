"""Leads: a person's request to be contacted, stored with consent, and the clinic notified.

Other packages enter through ``leads.service`` and ``leads.models``. ``init_app``
gives the templates the contact form's helpers and adds ``flask outbox``; the
factory registers the contact routes (``leads.views.bp``), on the site and
under /embed.
"""

from __future__ import annotations

from typing import NamedTuple

import phonenumbers
from flask import Flask, render_template
from flask_babel import get_locale
from markupsafe import Markup

from web import render_cache


class PhoneRegion(NamedTuple):
    name: str  # "United States", "Estados Unidos"
    code: int  # 1


def init_app(app: Flask) -> None:
    from leads import cli
    from leads.consent import consent_text
    from leads.forms import ContactForm

    app.cli.add_command(cli.outbox_cli)

    def blank_contact_fields() -> Markup:
        """An empty contact form's fields, kept once per language (web/render_cache.py).

        Every result page shows them, and the same for everyone in a language:
        the labels are lazy strings, each a Babel lookup, and building the form
        and drawing its fields was a third of a result page (profiled).
        """

        def render() -> Markup:
            html = render_template("leads/_contact_fields.html", form=ContactForm(formdata=None))
            return Markup(html)  # noqa: S704  # nosec B704 - autoescaped template output

        return render_cache.kept("contact_fields", str(get_locale()), render)

    def phone_region() -> PhoneRegion:
        """The default phone region as people call it in this language, and its calling code."""
        region = app.config["PHONE_DEFAULT_REGION"].upper()
        return PhoneRegion(
            name=get_locale().territories.get(region, region),
            code=phonenumbers.country_code_for_region(region),
        )

    @app.context_processor
    def contact_form_helpers():
        return {
            "blank_contact_fields": blank_contact_fields,
            "consent_text": consent_text,
            "phone_region": phone_region,
        }
