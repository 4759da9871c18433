"""Language switching and locale-aware formatting for templates.

The header's language switch is a pair of plain links (no JavaScript): each
points at the page being read with ``lang=`` set, and carries the sealed
answers token so a person's answers survive the switch. The views give an
explicit ``?lang=`` priority over the language inside the token and seal the
new choice into the next token (see ``select_locale`` in app.py and
``_load_state`` in questionnaire/views.py).

Dates and numbers are shown with Babel's formats for the chosen language; the
filters here are what any page (the staff console too) should use for them.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from typing import Any

import phonenumbers
from babel import support
from flask import Flask, current_app, request, url_for
from flask_babel import (
    format_date,
    format_datetime,
    format_decimal,
    format_time,
    get_locale,
    get_translations,
)
from flask_wtf import FlaskForm
from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup
from werkzeug.exceptions import HTTPException
from wtforms.i18n import messages_path

#: Each offered language, named in itself (a person looking for their language
#: reads its own name), in the order the switch shows them.
LANGUAGE_NAMES: dict[str, str] = {"en": "English", "es": "Español"}


#: The page a POST's answer shows again, to switch its language. Matching the POST's
#: path against GET routes is not enough: /check/contact reads as a step called
#: "contact" and gave a 404, losing the person's result.
_PAGE_OF_POST = {
    "questionnaire.submit_step": "questionnaire.step",
    "embed.submit_step": "embed.step",
    "leads.contact": "questionnaire.result",
    "embed_leads.contact": "embed.result",
}


def page_of_post(**args: str) -> str | None:
    """The address of the page this public POST answers for (a step, the result), or None."""
    endpoint = _PAGE_OF_POST.get(request.endpoint or "")
    return _address(endpoint, request.view_args, args) if endpoint else None


def _address(endpoint: str, path_values: dict | None, query: dict[str, str]) -> str:
    """url_for with the path's own values winning over a query argument of the same name.

    A query such as ?step_id=x beside the route's <step_id> had made url_for fail (a 500).
    """
    return url_for(endpoint, **{**query, **(path_values or {})})


def address_after_post(token: str | None) -> str | None:
    """For a page drawn in answer to a public POST, the plain address of that page.

    static/after-post.js puts it in the browser's history in place of the POST,
    so going Back to the page later loads it instead of asking to resend the form.
    """
    if request.method != "POST" or not token:
        return None
    return page_of_post(**{**request.args, "s": token})


def language_url(code: str, token: str | None = None) -> str:
    """This page in language ``code``, keeping its query and the answers token.

    A page rendered from a POST (a step shown again with errors) has the token
    in its form, not in its URL, so the template passes it in.
    """
    args = {key: value for key, value in request.args.items() if key != "lang"}
    if token:
        args["s"] = token
    args["lang"] = code
    if request.endpoint and request.url_rule is not None and "GET" in request.url_rule.methods:
        return _address(request.endpoint, request.view_args, args)
    shown_again = page_of_post(**args)
    if shown_again:
        return shown_again
    try:  # a page rendered from a POST whose address also answers GET (staff phone intake)
        endpoint, values = current_app.url_map.bind("").match(request.path, method="GET")
    except HTTPException:
        return url_for("questionnaire.intro", lang=code)
    return _address(endpoint, values, args)


@functools.lru_cache(maxsize=16)
def _wtforms_catalogue(language: str) -> support.Translations:
    return support.Translations.load(messages_path(), [language], domain="wtforms")


class LocalizedForm(FlaskForm):
    """A form whose built-in WTForms messages are in the request's language.

    Flask-WTF reads WTForms' message catalogue from disk on every request
    (profiled: a third of a result page); the catalogues never change while the
    app runs, so each language's is read once per process.
    """

    class Meta:
        def get_translations(self, form):
            return _wtforms_catalogue(str(get_locale()))


def local_date(value: dt.date | dt.datetime | None, format: str = "medium") -> str:
    """A date (or the date of a datetime) as the chosen language writes it."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return format_datetime(value, format)
    return format_date(value, format)


def local_datetime(value: dt.datetime | None) -> str:
    """A date and time to the minute as the chosen language writes them (in the app's zone)."""
    if value is None:
        return ""
    return f"{format_date(value, 'medium')} {format_time(value, 'short')}"


def local_number(value: float | int | None, decimals: int | None = None) -> str:
    """A number with the chosen language's decimal and grouping signs."""
    if value is None:
        return ""
    if decimals is None:
        return format_decimal(value)
    return format_decimal(value, format="#,##0." + "0" * decimals if decimals else "#,##0")


_DIALLABLE = re.compile(r"[^0-9+]")


def tel_href(phone: str) -> str:
    """A ``tel:`` link target from a phone number written for people."""
    return "tel:" + _DIALLABLE.sub("", phone or "")


def phone_link(phone: str) -> Markup:
    """The number as a link that dials it on a phone, kept on one line."""
    return Markup('<a class="phone" href="{}">{}</a>').format(tel_href(phone), phone)


def phone_display(phone: str | None) -> str:
    """An E.164 number grouped for reading (``+44 20 7946 0958``); anything else as it is."""
    if not phone:
        return ""
    try:
        number = phonenumbers.parse(phone, None)
    except phonenumbers.NumberParseException:
        return phone
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def _translations(context: Context) -> support.NullTranslations:
    """The catalogue looked up once for this render (see ``install_template_gettext``)."""
    translations = context.get("_translations")
    return get_translations() if translations is None else translations


@pass_context
def _template_gettext(context: Context, string: str, **variables: Any) -> str:
    """Jinja's "newstyle" gettext, without its two extra layers of context calls."""
    text = _translations(context).ugettext(string)
    if context.eval_ctx.autoescape:
        # The catalogue is ours and trusted as HTML, as in Jinja's own gettext:
        text = Markup(text)  # noqa: S704  # nosec B704
    # Like Jinja, a message is a format string even without variables ("100%%").
    return text % variables if variables or "%" in text else text


@pass_context
def _template_ngettext(context: Context, singular: str, plural: str, n: int) -> str:
    return _translations(context).ungettext(singular, plural, n)


@pass_context
def _template_pgettext(context: Context, msgctxt: str, string: str) -> str:
    return _translations(context).upgettext(msgctxt, string)


@pass_context
def _template_npgettext(context: Context, msgctxt: str, singular: str, plural: str, n: int) -> str:
    return _translations(context).unpgettext(msgctxt, singular, plural, n)


def install_template_gettext(app: Flask) -> None:
    """Templates translate through the catalogue found once per render, not once per string.

    Flask-Babel's own template callables look up the request's locale and
    catalogue for every ``_()`` (about 12 µs each through Jinja's wrappers; a
    result page has sixty). Here a context processor puts the catalogue in the
    template context, in the locale chosen at render time, and ``_()`` reads it
    from there. Macros imported without context fall back to Flask-Babel's
    lookup. ``ngettext`` and the ``p`` variants keep Jinja's wrappers.
    """
    app.jinja_env.install_gettext_callables(
        gettext=_template_gettext,
        ngettext=_template_ngettext,
        pgettext=_template_pgettext,
        npgettext=_template_npgettext,
        newstyle=True,
    )
    app.jinja_env.globals.update(gettext=_template_gettext, _=_template_gettext)

    @app.context_processor
    def inject_translations() -> dict[str, Any]:
        return {"_translations": get_translations()}


def init_app(app: Flask) -> None:
    """Register the switch helper and the formatting filters with Jinja."""
    languages = tuple(app.config["LANGUAGES"])
    install_template_gettext(app)

    @app.context_processor
    def inject_languages() -> dict[str, Any]:
        return {
            "language_links": [
                (code, LANGUAGE_NAMES.get(code, code), code == str(get_locale()))
                for code in languages
            ],
            "language_url": language_url,
            "address_after_post": address_after_post,
            "language_names": LANGUAGE_NAMES,
        }

    app.add_template_filter(local_date, "local_date")
    app.add_template_filter(local_datetime, "local_datetime")
    app.add_template_filter(local_number, "local_number")
    app.add_template_filter(phone_display, "phone_display")
    app.add_template_filter(phone_link, "phone_link")
