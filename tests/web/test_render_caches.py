"""What the rendering shortcuts must never change: each person sees their own answers,
errors and language, whatever was rendered before them in the same process.

Pages, question blocks, localized texts, form classes and the blank contact form are
kept in the render cache (web/render_cache.py), templates translate through a catalogue
looked up once per render (web/language.py), and WTForms' own messages come from a
catalogue read once per language.
"""

from __future__ import annotations

import re

import pytest
from flask import render_template_string
from hypothesis import given, settings
from hypothesis import strategies as st

from questionnaire.catalogue import QUESTIONS, STEPS
from questionnaire.state import FlowState
from tests.support import HEALTHY, hidden_token, sqlite_app
from web import render_cache

SEVERITY = next(q for q in QUESTIONS if q.id == "scar_severity")


def _scars_page_after(client, lang: str, **answers) -> str:
    """Answer the scars step, then come Back to it: the page as that person sees it."""
    start = client.get(f"/check/start?lang={lang}").headers["Location"]
    page = client.get(start).get_data(as_text=True)
    response = client.post("/check/scars", data={"s": hidden_token(page), **answers})
    assert response.status_code == 303
    token = re.search(r"s=([^&]+)", response.headers["Location"]).group(1)
    return client.get(f"/check/scars?s={token}").get_data(as_text=True)


def _checked(html: str, name: str) -> set[str]:
    return set(re.findall(rf'name="{name}" value="([^"]+)"\s*checked', html))


def test_each_person_sees_their_own_answers_on_a_step(client):
    first = _scars_page_after(client, "en", scar_types=["rolling"], scar_severity="mild")
    second = _scars_page_after(
        client, "en", scar_types=["boxcar", "ice_pick"], scar_severity="severe"
    )
    again = _scars_page_after(client, "en", scar_types=["rolling"], scar_severity="mild")

    assert _checked(first, "scar_types") == {"rolling"}
    assert _checked(first, "scar_severity") == {"mild"}
    assert _checked(second, "scar_types") == {"boxcar", "ice_pick"}
    assert _checked(second, "scar_severity") == {"severe"}
    assert again == first.replace(hidden_token(first), hidden_token(again))


def test_question_texts_follow_each_requests_language(app, client):
    with app.test_request_context("/?lang=es"):
        spanish = str(SEVERITY.label)
    with app.test_request_context("/?lang=en"):
        english = str(SEVERITY.label)
    assert spanish != english

    def step_page(lang: str) -> str:
        return client.get(f"/check/start?lang={lang}", follow_redirects=True).get_data(as_text=True)

    for lang, shown, hidden in [
        ("en", english, spanish),
        ("es", spanish, english),
        ("en", english, spanish),
    ]:
        page = step_page(lang)
        assert shown in page and hidden not in page, lang


def test_an_error_is_shown_to_whoever_made_it_and_to_nobody_after(client):
    start = client.get("/check/start").headers["Location"]
    token = hidden_token(client.get(start).get_data(as_text=True))
    wrong = client.post("/check/scars", data={"s": token, "scar_severity": "bogus"})
    assert wrong.status_code == 422
    assert wrong.get_data(as_text=True).count('class="error-message"') == 2

    fresh = client.get(start).get_data(as_text=True)
    assert 'class="error-message"' not in fresh
    assert "has-error" not in fresh


def test_wtforms_own_messages_are_in_the_persons_language(client):
    messages = {}
    for lang in ("es", "en", "es"):
        start = client.get(f"/check/start?lang={lang}").headers["Location"]
        token = hidden_token(client.get(start).get_data(as_text=True))
        page = client.post(
            "/check/scars",
            data={"s": token, "scar_types": ["rolling"], "scar_severity": "bogus"},
        ).get_data(as_text=True)
        messages.setdefault(lang, set()).add(
            re.search(r'class="error-message"[^>]*>.*?</span>\s*(.*?)</p>', page).group(1)
        )
    assert messages == {"es": {"Opción inválida."}, "en": {"Not a valid choice."}}


def test_template_gettext_formats_and_escapes_like_jinja(app):
    with app.test_request_context("/?lang=es"):
        assert render_template_string("{{ _('Step %(n)d of %(total)d', n=2, total=4) }}") == (
            "Paso 2 de 4"
        )
        assert render_template_string("{{ _('Back') }}") == "Volver"
        escaped = render_template_string(
            "{{ _('Rule set version %(version)s, fingerprint %(sha)s.', version=v, sha='x') }}",
            v="<b>1</b>",
        )
        assert "&lt;b&gt;1&lt;/b&gt;" in escaped and "<b>" not in escaped
        plain = render_template_string(
            "{% autoescape false %}{{ _('Back') }} {{ _('100%% sure') }}{% endautoescape %}"
        )
        assert plain == "Volver 100% sure"


def test_the_contact_form_is_blank_for_the_next_person_and_in_their_language(client, walker):
    first = client.get(walker.complete(HEALTHY)).get_data(as_text=True)
    refused = client.post(
        "/check/contact",
        data={"s": hidden_token(first), "name": "Alice Zebra", "email": "not-an-email"},
    )
    assert refused.status_code == 422
    refused_page = refused.get_data(as_text=True)
    assert 'value="Alice Zebra"' in refused_page and 'aria-invalid="true"' in refused_page

    next_person = client.get(walker.complete(HEALTHY)).get_data(as_text=True)
    assert "Alice Zebra" not in next_person and 'aria-invalid="true"' not in next_person
    assert 'value="any" checked' in next_person  # the form's default

    spanish = client.get(walker.complete(HEALTHY) + "&lang=es").get_data(as_text=True)
    assert "Su nombre" in spanish and "Your name" not in spanish


# --- Pages drawn once and filled with each token equal pages drawn afresh -----------

HOST = "https://clinic.example"
TOKEN = re.compile(r"gAAAAA[A-Za-z0-9_-]+")


def _answer(question, draw):
    values = [choice.value for choice in question.choices]
    if question.kind == "multi":
        return draw(st.lists(st.sampled_from(values), min_size=1, unique=True))
    if question.kind == "bool":
        return draw(st.booleans())
    if question.kind == "int":
        return draw(st.integers(min_value=12, max_value=120))
    return draw(st.sampled_from(values))


@pytest.fixture(scope="module")
def both_apps(tmp_path_factory):
    """The same app twice: with its render caches (the default), and drawing everything afresh."""
    settings = {"EMBED_ALLOWED_ORIGINS": HOST, "RATELIMIT_ENABLED": False}
    cached = sqlite_app(tmp_path_factory.mktemp("cached"), **settings)
    fresh = sqlite_app(tmp_path_factory.mktemp("fresh"), RENDER_CACHE=False, **settings)
    assert render_cache.enabled(cached) and not render_cache.enabled(fresh)
    return cached, fresh


EMBEDS = [None, {"origin": HOST}, {"origin": HOST, "accent": "1d5c63", "font": "humanist"}]


@settings(max_examples=100, deadline=None)
@given(data=st.data())
def test_a_page_drawn_once_equals_the_page_drawn_afresh(both_apps, data):
    """Each example shows one page to three visitors who differ in everything but their
    answers (mode, language, query, browser language): a key that left out any of those
    would hand one visitor the page kept for another."""
    cached, fresh = both_apps
    every = len(STEPS)
    answered = data.draw(
        st.sampled_from([*range(every + 1), every, every, every]), label="steps answered"
    )
    answers = {
        q.id: _answer(q, data.draw)
        for q in QUESTIONS
        if q.step in {step.id for step in STEPS[:answered]}
    }
    shown = data.draw(st.sampled_from([answered, *range(answered + 1)]), label="page")
    page = "/check/result" if shown == len(STEPS) else f"/check/{STEPS[shown].id}"
    if data.draw(st.integers(0, 9), label="intro instead") == 0:
        page = "/"
    for _visitor in range(3):
        embed = data.draw(st.sampled_from(EMBEDS))
        path = "/embed" + page if embed or data.draw(st.booleans()) else page
        lang = data.draw(st.sampled_from([None, "en", "es"]))
        token = cached.extensions["state_codec"].dumps(FlowState("f", answers, lang, embed))
        extra = data.draw(
            st.sampled_from(
                [{}, {"lang": "es"}, {"lang": "en"}, {"utm": "a b"}, {"notice": "expired"}]
            )
        )
        query = {"s": token, **extra}
        headers = {"Accept-Language": data.draw(st.sampled_from(["en", "es-ES,es;q=0.9"]))}

        def get(app, path=path, query=query, headers=headers):
            response = app.test_client().get(path, query_string=query, headers=headers)
            return response.status_code, TOKEN.sub("TOKEN", response.get_data(as_text=True))

        expected = get(fresh)
        assert expected[0] == 200
        assert get(cached) == expected
