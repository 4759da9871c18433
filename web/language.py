"""The language of each request: which one is chosen, the switch's links, and translation.

The header's language switch is a pair of plain links (no JavaScript): each
points at the page being read with ``lang=`` set, and carries the sealed
answers token so a person's answers survive the switch. On a step page it is a
pair of buttons of the step form instead, so what is ticked there but not sent
yet survives too (questionnaire/language_switch.py). An explicit ``?lang=``
wins over the language a feature chose for the request (``use_language``: the
one sealed in a flow's token, or the console's remembered choice), which wins
over the browser's; the questionnaire seals a new choice into the next token
(``questionnaire.service.open_state``).

Dates and numbers are formatted in web/formatting.py.
"""

from __future__ import annotations

from typing import Any

from babel import Locale, support
from flask import Flask, current_app, g, request, url_for
from flask_babel import Babel, get_locale, get_translations
from flask_wtf import FlaskForm
from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup
from werkzeug.exceptions import HTTPException

from core.clinic_time import zone_name
from web import formatting, render_cache

#: Each offered language, named in itself (a person looking for their language
#: reads its own name), in the order the switch shows them.
LANGUAGE_NAMES: dict[str, str] = {"en": "English", "es": "Español"}


def use_language(code: str | None) -> None:
    """Answer this request in ``code`` (a flow's sealed language, the console's choice),
    unless the request names one itself with ?lang=."""
    if code:
        g.flow_lang = code


def select_locale() -> Locale:
    """An explicit ?lang= (the language switch), then ``use_language``'s, then the browser's.

    Never reads the request body: the locale is needed to render the error page
    for a body that could not be read (413, bad encoding).
    """
    languages = current_app.config["LANGUAGES"]
    for candidate in (request.args.get("lang"), g.get("flow_lang")):
        if candidate in languages:
            return render_cache.locale(candidate)
    return render_cache.locale(
        request.accept_languages.best_match(languages) or current_app.config["BABEL_DEFAULT_LOCALE"]
    )


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


class LocalizedForm(FlaskForm):
    """A form whose built-in WTForms messages are in the request's language.

    Flask-WTF reads WTForms' message catalogue from disk on every request
    (profiled: a third of a result page); ``render_cache.wtforms_catalogue``
    reads each language's once per process.
    """

    class Meta:
        def get_translations(self, form):
            return render_cache.wtforms_catalogue(str(get_locale()))


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
    """Choose each request's locale, translate templates, and give them the switch."""
    languages = tuple(app.config["LANGUAGES"])
    # Times in the clinic's zone (its admin's setting, else CLINIC_TIME_ZONE).
    Babel(app, locale_selector=select_locale, timezone_selector=zone_name)
    app.jinja_env.policies["ext.i18n.trimmed"] = True
    install_template_gettext(app)
    formatting.init_app(app)

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
