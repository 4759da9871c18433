"""Language choice: Accept-Language, the visible switch, and the answers surviving a switch."""

from __future__ import annotations

import datetime as dt
import re

from tests.support import HEALTHY, form_fields, hidden_token, token_of


def _switch_links(html: str) -> dict[str, str]:
    nav = re.search(r'<nav class="language-switch".*?</nav>', html, re.S)
    assert nav, "no language switch on the page"
    return {
        lang: href.replace("&amp;", "&")
        for href, lang in re.findall(r'<a href="([^"]+)" lang="(\w+)" hreflang="\w+"', nav.group(0))
    }


def _switch_buttons(html: str) -> set[str]:
    """On a step page: the languages of the switch's buttons, which submit the step form."""
    nav = re.search(r'<nav class="language-switch".*?</nav>', html, re.S)
    assert nav, "no language switch on the page"
    return set(re.findall(r'form="step-form" name="lang" value="(\w+)"', nav.group(0)))


def _switch_on_step(client, step_id: str, html: str, lang: str) -> str:
    """Press a step page's language button with nothing more ticked; the page it leads to."""
    assert lang in _switch_buttons(html)
    switched = client.post(f"/check/{step_id}", data={"s": hidden_token(html), "lang": lang})
    assert switched.status_code == 303
    return client.get(switched.headers["Location"]).get_data(as_text=True)


def test_language_follows_accept_language(client):
    page = client.get("/", headers={"Accept-Language": "es-MX,es;q=0.9,en;q=0.5"})
    html = page.get_data(as_text=True)
    assert '<html lang="es">' in html
    assert "¿Es el tratamiento con microagujas adecuado para mis cicatrices de acné?" in html
    english = client.get("/", headers={"Accept-Language": "en-GB"}).get_data(as_text=True)
    assert '<html lang="en">' in english


def test_switch_is_on_every_page_and_names_languages_in_themselves(client, walker):
    result_url = walker.complete(HEALTHY)
    for url in ("/", "/check/start", result_url, "/no-such-page"):
        response = client.get(url, follow_redirects=True)
        html = response.get_data(as_text=True)
        on_a_step = 'id="step-form"' in html  # there the switch is the step form's buttons
        languages = _switch_buttons(html) if on_a_step else set(_switch_links(html))
        assert languages == {"en", "es"}, url
        end = "</button>" if on_a_step else "</a>"
        assert f">Español{end}" in html and f">English{end}" in html


def test_query_language_overrides_accept_language(client):
    html = client.get("/?lang=en", headers={"Accept-Language": "es"}).get_data(as_text=True)
    assert '<html lang="en">' in html


def test_switching_mid_flow_keeps_answers_and_carries_the_new_language(client):
    start = client.get("/check/start?lang=en").headers["Location"]
    page = client.get(start).get_data(as_text=True)
    posted = client.post(
        "/check/scars", data={"s": hidden_token(page), **form_fields(HEALTHY, "scars")}
    )
    skin_url = posted.headers["Location"]
    skin = client.get(skin_url).get_data(as_text=True)
    assert '<html lang="en">' in skin

    spanish = _switch_on_step(client, "skin", skin, "es")
    assert '<html lang="es">' in spanish
    assert "Su piel ahora" in spanish

    # The token on the Spanish page carries "es": its Back link opens step 1 in Spanish,
    # with the answers given in English still chosen.
    back = re.search(r'<a class="back-link" href="([^"]+)"', spanish).group(1)
    scars = client.get(back.replace("&amp;", "&")).get_data(as_text=True)
    assert '<html lang="es">' in scars
    assert re.search(r'value="rolling"\s+checked', scars)
    assert re.search(r'value="moderate"\s+checked', scars)

    # Posting the Spanish step goes on in Spanish without any ?lang=.
    response = client.post(
        "/check/skin", data={"s": hidden_token(spanish), **form_fields(HEALTHY, "skin")}
    )
    following = client.get(response.headers["Location"]).get_data(as_text=True)
    assert '<html lang="es">' in following
    assert "lang=" not in response.headers["Location"]
    assert token_of(response.headers["Location"])


def test_switch_on_a_step_shown_with_errors_keeps_earlier_answers(client):
    start = client.get("/check/start?lang=es").headers["Location"]
    page = client.get(start).get_data(as_text=True)
    posted = client.post(
        "/check/scars", data={"s": hidden_token(page), **form_fields(HEALTHY, "scars")}
    )
    skin = client.get(posted.headers["Location"]).get_data(as_text=True)
    failed = client.post("/check/skin", data={"s": hidden_token(skin)})
    assert failed.status_code == 422
    html = failed.get_data(as_text=True)
    assert "Hay un problema" in html
    english = _switch_on_step(client, "skin", html, "en")
    assert '<html lang="en">' in english
    assert "Your skin now" in english
    back = re.search(r'<a class="back-link" href="([^"]+)"', english).group(1)
    scars = client.get(back.replace("&amp;", "&")).get_data(as_text=True)
    assert re.search(r'value="rolling"\s+checked', scars)


def test_switch_on_the_contact_form_shown_with_errors_goes_to_the_result(client, walker):
    token = token_of(walker.complete(HEALTHY))
    failed = client.post("/check/contact", data={"s": token, "name": ""})
    assert failed.status_code == 422
    spanish = client.get(_switch_links(failed.get_data(as_text=True))["es"])
    assert spanish.status_code == 200
    html = spanish.get_data(as_text=True)
    assert '<html lang="es">' in html and 'id="contact"' in html
    assert hidden_token(html)  # the answers came along: the form can be sent from here


def test_result_and_reasons_in_spanish(client, walker):
    url = walker.complete({**HEALTHY, "pregnant_or_breastfeeding": True})
    html = client.get(url + "&lang=es").get_data(as_text=True)
    assert "No conviene hacerse el tratamiento con microagujas en este momento" in html
    assert "lactancia" in html  # the reason text, from the rules' own catalogue
    assert "Microneedling should" not in html
    assert "1,08 sobre 10" not in html  # what to expect: not while it must wait
    booked = client.get(walker.complete(HEALTHY) + "&lang=es").get_data(as_text=True)
    assert "1,08 sobre 10" in booked


def test_validation_messages_in_spanish(client):
    start = client.get("/check/start?lang=es").headers["Location"]
    page = client.get(start).get_data(as_text=True)
    failed = client.post("/check/scars", data={"s": hidden_token(page)})
    html = failed.get_data(as_text=True)
    assert "Elija al menos un tipo de cicatriz, o «No estoy seguro/a»." in html


def test_dates_and_numbers_follow_the_language(app):
    when = dt.date(2025, 3, 7)
    for lang, date_text, number_text in (
        ("en", "Mar 7, 2025", "12,345.5"),
        ("es", "7 mar 2025", "12.345,5"),
    ):
        with app.test_request_context(f"/?lang={lang}"):
            env = app.jinja_env
            assert env.filters["local_date"](when) == date_text
            assert env.filters["local_number"](12345.5) == number_text


def _phone_hint(html: str) -> str:
    return re.search(r'id="contact-phone-hint">([^<]+)<', html).group(1)


def test_the_phone_hint_names_the_default_region_in_words_and_its_code(tmp_path):
    """People know "United States (+1)", not "US": the hint follows the setting and language."""
    from tests.support import Walker, sqlite_app

    for region, english, spanish in (
        ("US", "United States (+1)", "Estados Unidos (+1)"),
        ("GB", "United Kingdom (+44)", "Reino Unido (+44)"),
    ):
        app = sqlite_app(tmp_path / region, PHONE_DEFAULT_REGION=region)
        client = app.test_client()
        url = Walker(client).complete(HEALTHY)
        hint = _phone_hint(client.get(url).get_data(as_text=True))
        assert f"a number in {english}." in hint
        assert _phone_hint(client.get(url + "&lang=es").get_data(as_text=True)).endswith(
            f"un número de {spanish}. Para otro país, empiece por + y su prefijo internacional."
        )
