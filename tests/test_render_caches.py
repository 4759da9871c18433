"""What the rendering shortcuts must never change: each person sees their own answers,
errors and language, whatever was rendered before them in the same process.

Question blocks are rendered once per language and answer (questionnaire/blocks.py),
templates translate through a catalogue looked up once per render, and WTForms'
own messages come from a catalogue read once per language (localization.py).
"""

from __future__ import annotations

import re

from flask import render_template_string
from support import HEALTHY, hidden_token

from questionnaire.catalogue import QUESTIONS

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
