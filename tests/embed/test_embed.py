"""Embed mode through the test client: framing policy, theme, settings carried, snippets."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlparse

import pytest

from app import create_app
from core import config
from embed import snippets
from embed.theme import contrast_with_white, readable_accent
from questionnaire.catalogue import STEPS
from tests.support import HEALTHY, form_fields, hidden_token

HOST = "https://www.clinic.example"
OTHER_HOST = "http://localhost:8001"
ENTRY = f"/embed/?origin={HOST}&accent=%23ffcc00&font=serif"


@pytest.fixture
def app():
    return create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret-key",
            "EMBED_ALLOWED_ORIGINS": f"{HOST}, {OTHER_HOST}/",
            "CLINIC_LOGO_URL": "/static/favicon.svg",
        }
    )


def follow(client, url):
    response = client.get(url)
    while response.status_code in (302, 303):
        response = client.get(response.headers["Location"])
    return response


def complete_embedded(client, answers=HEALTHY):
    """Start from the embed entry page and answer every step; returns the result response."""
    intro = client.get(ENTRY).get_data(as_text=True)
    start = re.search(r'href="([^"]*/embed/check/start[^"]*)"', intro).group(1)
    page = follow(client, start.replace("&amp;", "&"))
    for step in STEPS:
        html = page.get_data(as_text=True)
        action = re.search(r'<form method="post" action="([^"]+)"', html).group(1)
        assert action.startswith(f"/embed/check/{step.id}")
        response = client.post(
            action.replace("&amp;", "&"),
            data={"s": hidden_token(html), **form_fields(answers, step.id)},
        )
        assert response.status_code == 303
        page = follow(client, response.headers["Location"])
    return page


def test_embed_pages_have_no_site_header_or_footer_and_load_the_frame_script(client):
    html = client.get(ENTRY).get_data(as_text=True)
    assert 'class="site-header"' not in html and 'class="site-footer"' not in html
    assert f'data-embed-origin="{HOST}"' in html
    assert re.search(r'<script src="/static/frame\.js\?v=\w+" defer>', html)
    assert '<link rel="stylesheet" href="/embed/theme.css?accent=ffcc00&amp;font=serif">' in html
    assert '<img src="/static/favicon.svg" alt="Trilogy Medical Center"' in html
    site = client.get("/").get_data(as_text=True)
    assert 'class="site-header"' in site and "frame.js" not in site


def test_embed_pages_are_framable_only_by_allowed_origins(client):
    response = client.get(ENTRY)
    csp = response.headers["Content-Security-Policy"]
    assert f"frame-ancestors {HOST} {OTHER_HOST}" in csp
    assert "X-Frame-Options" not in response.headers
    assert "'unsafe-inline'" not in csp


@pytest.mark.parametrize("path", ["/", "/check/start", "/api/v1/questionnaire"])
def test_site_pages_and_api_are_never_framable(client, path):
    response = client.get(path)
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Frame-Options"] == "DENY"


def test_nothing_is_framable_when_no_origin_is_configured():
    app = create_app({"TESTING": True, "SECRET_KEY": "k"})
    response = app.test_client().get("/embed/")
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Frame-Options"] == "DENY"


def test_the_whole_flow_stays_in_embed_mode_with_its_theme_and_events(client):
    page = complete_embedded(client)
    html = page.get_data(as_text=True)
    assert page.request.path == "/embed/check/result"
    assert 'class="site-header"' not in html
    assert f'data-embed-origin="{HOST}"' in html
    assert "theme.css?accent=ffcc00&amp;font=serif" in html
    assert 'data-embed-event="completed" data-embed-outcome="book_consultation"' in html
    start_again = re.search(r'href="([^"]*)">Start again', html).group(1)
    assert start_again.startswith("/embed/check/start?")
    assert parse_qs(urlparse(start_again.replace("&amp;", "&")).query)["origin"] == [HOST]
    assert 'target="_top" href="https://www.trilogymedicalcenter.com/free-consultation/"' in html
    assert "no-store" in page.headers["Cache-Control"]


def test_first_step_says_started_and_every_step_says_which_it_is(client):
    first = follow(client, f"/embed/check/start?origin={HOST}").get_data(as_text=True)
    assert 'data-embed-event="started"' in first
    assert 'data-embed-event="step_reached" data-embed-step="1" data-embed-step-id="scars"' in first
    response = client.post(
        re.search(r'action="([^"]+)"', first).group(1).replace("&amp;", "&"),
        data={"s": hidden_token(first), **form_fields(HEALTHY, "scars")},
    )
    second = follow(client, response.headers["Location"]).get_data(as_text=True)
    assert 'data-embed-event="started"' not in second
    assert (
        f'data-embed-step="2" data-embed-step-id="skin" data-embed-total="{len(STEPS)}"' in second
    )


def test_settings_ride_in_the_token_even_if_the_url_loses_them(client):
    first = follow(client, f"/embed/check/start?origin={HOST}&accent=123456&font=sans")
    token = hidden_token(first.get_data(as_text=True))
    bare = client.get(f"/embed/check/scars?s={token}").get_data(as_text=True)
    assert f'data-embed-origin="{HOST}"' in bare
    assert "theme.css?accent=123456&amp;font=sans" in bare


@pytest.mark.parametrize(
    "query",
    [
        "origin=https://evil.example",
        "origin=*",
        "origin=https://www.clinic.example.evil.example",
        "origin=javascript:alert(1)",
    ],
)
def test_an_origin_not_allowed_gets_no_messages(client, query):
    html = client.get(f"/embed/?{query}").get_data(as_text=True)
    assert "data-embed-origin" not in html
    assert "evil" not in html and "javascript:" not in html


@pytest.mark.parametrize(
    "query", ["accent=red", "accent=%23ff00001", "accent=expression(1)", "font=Comic%20Sans"]
)
def test_invalid_theme_input_is_dropped_from_pages_and_refused_by_the_stylesheet(client, query):
    html = client.get(f"/embed/?origin={HOST}&{query}").get_data(as_text=True)
    assert "theme.css" not in html
    assert client.get(f"/embed/theme.css?{query}").status_code == 404


def test_theme_stylesheet_sets_only_validated_properties(client):
    response = client.get("/embed/theme.css?accent=1D5C63&font=humanist")
    assert response.status_code == 200 and response.mimetype == "text/css"
    css = response.get_data(as_text=True)
    assert "--accent: #1d5c63;" in css and "--font: Seravek" in css
    assert client.get("/embed/theme.css?accent=1d5c63&x=1").status_code == 404


@pytest.mark.parametrize("colour", ["#ffcc00", "#ffffff", "#7fdbff", "#1d5c63", "#000000"])
def test_accent_is_darkened_until_it_meets_wcag_aa_on_white(colour):
    readable = readable_accent(colour)
    assert contrast_with_white(readable) >= 4.5
    if contrast_with_white(colour) >= 4.5:
        assert readable == colour


def test_loader_script_is_served_and_cached_briefly(client):
    response = client.get("/embed.js")
    assert response.status_code == 200
    assert response.mimetype == "text/javascript"
    assert response.cache_control.max_age == 3600 and response.cache_control.public
    script = response.get_data(as_text=True)
    assert "event.origin !== appOrigin" in script and "/embed/?" in script


def test_snippets_for_a_clinic_page(app):
    with app.test_request_context():
        script, iframe = snippets("https://check.example/", HOST, accent="#1D5C63", font="serif")
    assert script == (
        '<script src="https://check.example/embed.js" data-accent="#1d5c63" '
        'data-font="serif" async></script>'
    )
    assert iframe.startswith(
        '<iframe src="https://check.example/embed/?origin=https%3A%2F%2Fwww.clinic.example'
        '&amp;accent=1d5c63&amp;font=serif" title="Acne scar microneedling check"'
    )


def test_snippets_partial_lists_each_allowed_origin(app):
    from flask import render_template_string

    with app.test_request_context("/"):
        html = render_template_string(
            '{% from "embed/_snippets.html" import embed_snippets %}'
            "{{ embed_snippets(embed_snippet_list('https://check.example')) }}"
        )
    assert html.count('<pre class="snippet"><code>&lt;script src=') == 2
    assert html.count("&lt;iframe src=") == 2
    assert f"For {HOST}" in html and f"For {OTHER_HOST}" in html


@pytest.mark.parametrize(
    "raw",
    ["*", "https://*.example.com", "https://a.example/path", "ftp://a.example", "a.example", ""],
)
def test_bad_allowed_origins_stop_start_up(raw):
    with pytest.raises(config.ConfigError):
        config.parse_origin(raw)


def test_logo_must_come_from_this_app(monkeypatch):
    monkeypatch.setenv("CLINIC_LOGO_URL", "https://cdn.example/logo.png")
    with pytest.raises(config.ConfigError):
        config.from_environment()
