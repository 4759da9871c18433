"""Leads: a person's request to be contacted, stored with consent, and the clinic notified.

``init_app`` registers the public contact routes (on the site and under /embed),
the rate limits on public POSTs, and the ``flask leads`` and ``flask outbox``
commands.
"""

from __future__ import annotations

from typing import NamedTuple

import phonenumbers
from flask import Flask, render_template
from flask_babel import get_locale
from flask_babel import gettext as _
from markupsafe import Markup

from embed import EMBED_LEADS_BLUEPRINT
from extensions import config_limit, limiter

_questionnaire_limited = False


class PhoneRegion(NamedTuple):
    name: str  # "United States", "Estados Unidos"
    code: int  # 1


def init_app(app: Flask) -> None:
    from leads import cli
    from leads.consent import consent_text
    from leads.forms import ContactForm
    from leads.views import bp

    app.config.setdefault("RATELIMIT_STORAGE_URI", "memory://")
    limiter.init_app(app)
    _limit_questionnaire_posts()
    app.register_blueprint(bp)
    # Again under /embed: inside a clinic's iframe the form posts there (see embed.contact_url).
    app.register_blueprint(bp, url_prefix="/embed", name=EMBED_LEADS_BLUEPRINT)
    app.cli.add_command(cli.leads_cli)
    app.cli.add_command(cli.outbox_cli)

    app.extensions["blank_contact_fields"] = {}

    def blank_contact_fields() -> Markup:
        """An empty contact form's fields, rendered once per language.

        Every result page shows them, and the same for everyone in a language:
        the labels are lazy strings, each a Babel lookup, and building the form
        and drawing its fields was a third of a result page (profiled).
        """
        rendered = app.extensions["blank_contact_fields"]
        language = str(get_locale())
        html = rendered.get(language)
        if html is None:
            html = render_template("leads/_contact_fields.html", form=ContactForm(formdata=None))
            # Autoescaped template output, so safe as HTML:
            html = rendered[language] = Markup(html)  # noqa: S704  # nosec B704
        return html

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

    @app.errorhandler(429)
    def too_many_requests(_error):
        return (
            render_template(
                "error.html",
                code=429,
                title=_("Too many tries"),
                message=_("You have sent this too many times. Please wait a minute and try again."),
            ),
            429,
        )


def _limit_questionnaire_posts() -> None:
    """Every public POST is rate-limited per client; the wizard's step POSTs too."""
    global _questionnaire_limited
    if _questionnaire_limited:
        return
    from questionnaire.views import bp as questionnaire_bp

    limiter.limit(config_limit("RATELIMIT_PUBLIC_POST"), methods=["POST"])(questionnaire_bp)
    _questionnaire_limited = True
