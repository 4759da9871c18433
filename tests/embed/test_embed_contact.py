"""The contact form inside a clinic's iframe: no cookie, stays embedded, tells the host page.

Every page the form can lead to (confirmation, errors, not stored, too many
tries, an expired token) must stay in embed mode: framable by the allowed
origins only, themed, without the site's header, and loading frame.js so the
iframe keeps fitting its content. The lead is stored as "embed" with the
origin sealed in the token, never one taken from the URL.
"""

from __future__ import annotations

import re
from html import unescape

import pytest
from sqlalchemy import select

from core.extensions import db
from leads.capture import CaptureError
from leads.models import Lead
from tests.console_support import CONTACT
from tests.embed.test_embed import HOST, complete_embedded
from tests.support import BY_OUTCOME, hidden_token

ORIGIN_PARAM = f"origin={HOST}"


@pytest.fixture
def embed_app(app_factory):
    return app_factory(EMBED_ALLOWED_ORIGINS=HOST, RATELIMIT_ENABLED=False)


def contact_action(html: str) -> str:
    match = re.search(r'<form method="post" action="([^"]*contact[^"]*)"', html)
    assert match, "the result page has no contact form"
    return unescape(match.group(1))


def assert_embedded(response) -> str:
    """The page is in embed mode: framable by HOST only, themed, sized by frame.js."""
    html = response.get_data(as_text=True)
    assert "X-Frame-Options" not in response.headers
    assert f"frame-ancestors {HOST}" in response.headers["Content-Security-Policy"]
    assert f'class="embedded" data-embed-origin="{HOST}"' in html
    assert "/static/frame.js" in html
    assert "/embed/theme.css?accent=ffcc00" in html
    assert 'class="site-header"' not in html and 'class="site-footer"' not in html
    return html


def embedded_result(client, outcome="book_consultation"):
    page = complete_embedded(client, BY_OUTCOME[outcome])
    html = page.get_data(as_text=True)
    return html, hidden_token(html)


def stored_leads(app) -> list[tuple[str, str, str]]:
    with app.app_context():
        rows = db.session.execute(select(Lead.source, Lead.embed_origin, Lead.name)).all()
    return [tuple(row) for row in rows]


def test_the_form_in_the_iframe_posts_under_embed_with_the_settings(embed_app):
    client = embed_app.test_client()
    html, _token = embedded_result(client)
    action = contact_action(html)
    assert action.startswith("/embed/check/contact?")
    assert ORIGIN_PARAM in action and "accent=ffcc00" in action
    # Links that leave the check open in the host's whole window; the others stay inside.
    booking = re.search(r'<a class="button" data-next-action( target="_top")? href="([^"]+)"', html)
    assert booking.group(1) == ' target="_top"'
    assert re.search(
        r'href="/embed/check/scars\?[^"]*change=result[^"]*#scar_types-0">Change', html
    )
    assert re.search(r'href="/embed/check/start\?[^"]*">Start again', html)


def test_a_request_sent_in_the_iframe_is_stored_as_embed_and_confirmed_inside_it(embed_app):
    client = embed_app.test_client()
    html, token = embedded_result(client)
    response = client.post(contact_action(html), data={"s": token, **CONTACT})
    assert response.status_code == 303
    location = response.headers["Location"]
    assert location.startswith("/embed/check/contact/done?") and "sent=1" in location
    assert client.get_cookie("session") is None  # nothing rode on a cookie

    confirmation = client.get(location)
    assert confirmation.status_code == 200
    page = assert_embedded(confirmation)
    assert "the clinic has your request" in page
    assert page.count('data-embed-event="contact_requested"') == 1
    assert confirmation.headers["Cache-Control"] == "no-store"
    settled = unescape(re.search(r'data-embed-settled-url="([^"]+)"', page).group(1))
    assert "sent=" not in settled and settled.startswith("/embed/check/contact/done?")
    # The clinic's website opens in the whole window, not inside the check.
    assert re.search(
        r'<a class="back-link" target="_top" href="[^"]+">Back to the clinic website', page
    )
    assert stored_leads(embed_app) == [("embed", HOST, CONTACT["name"])]

    # Reloaded (the settled URL), or sent again: the same confirmation, no second event.
    again = assert_embedded(client.get(settled))
    assert "contact_requested" not in again
    resent = client.post(contact_action(html), data={"s": token, **CONTACT})
    assert "sent=" not in resent.headers["Location"]
    assert "contact_requested" not in assert_embedded(client.get(resent.headers["Location"]))
    assert len(stored_leads(embed_app)) == 1


def test_form_errors_are_shown_again_inside_the_iframe(embed_app):
    client = embed_app.test_client()
    html, token = embedded_result(client)
    response = client.post(contact_action(html), data={"s": token, "name": "Zoë"})
    assert response.status_code == 422
    page = assert_embedded(response)
    assert "There is a problem" in page
    assert contact_action(page).startswith("/embed/check/contact?")
    assert 'data-embed-event="completed"' not in page  # the same result, not a new completion
    assert re.search(r'href="/embed/check/start\?[^"]*">Start again', page)
    assert stored_leads(embed_app) == []


def test_a_request_that_could_not_be_stored_says_so_inside_the_iframe(embed_app, monkeypatch):
    import leads.service

    def broken(**_kwargs):
        raise CaptureError("database down")

    monkeypatch.setattr(leads.service, "capture_lead", broken)
    client = embed_app.test_client()
    html, token = embedded_result(client)
    response = client.post(contact_action(html), data={"s": token, **CONTACT})
    assert response.status_code == 503
    assert "We could not confirm your request" in assert_embedded(response)


def test_too_many_tries_are_refused_inside_the_iframe(app_factory):
    """Corrections cost nothing; the questionnaire's second valid request is one too many."""
    app = app_factory(EMBED_ALLOWED_ORIGINS=HOST, RATELIMIT_CONTACT_PER_CHECK="1 per minute")
    client = app.test_client()
    html, token = embedded_result(client)
    codes = [client.post(contact_action(html), data={"s": token}).status_code for _ in range(3)]
    codes.append(client.post(contact_action(html), data={"s": token, **CONTACT}).status_code)
    assert codes == [422, 422, 422, 303]
    refused = client.post(contact_action(html), data={"s": token, **CONTACT})
    assert refused.status_code == 429
    page = assert_embedded(refused)
    back = re.search(r'href="(/embed/check/result\?[^"]*)">Go back to where you were', page)
    assert back, "the way back to the result stays inside the iframe"
    result = client.get(back.group(1).replace("&amp;", "&"))
    assert result.status_code == 200
    assert token in back.group(1) and ORIGIN_PARAM in back.group(1)


def test_an_expired_or_forged_token_sends_the_person_back_to_the_start_of_the_embed(embed_app):
    client = embed_app.test_client()
    html, _token = embedded_result(client)
    response = client.post(contact_action(html), data={"s": "forged", **CONTACT})
    assert response.status_code == 303
    location = response.headers["Location"]
    assert location.startswith("/embed/?") and "notice=invalid" in location
    assert ORIGIN_PARAM in location
    assert stored_leads(embed_app) == []


def test_a_site_flow_posted_under_embed_is_not_stored_as_embedded(embed_app):
    """The origin comes from the sealed token; a URL cannot make a lead "embed"."""
    from tests.support import Walker, token_of

    client = embed_app.test_client()
    token = token_of(Walker(client).complete(BY_OUTCOME["book_consultation"]))
    response = client.post(f"/embed/check/contact?{ORIGIN_PARAM}", data={"s": token, **CONTACT})
    assert response.status_code == 303
    assert stored_leads(embed_app) == [("site", "", CONTACT["name"])]


def test_the_site_form_and_confirmation_stay_on_the_site_and_unframable(embed_app):
    from tests.support import Walker, token_of

    client = embed_app.test_client()
    result_url = Walker(client).complete(BY_OUTCOME["book_consultation"])
    assert 'action="/check/contact"' in client.get(result_url).get_data(as_text=True)
    response = client.post("/check/contact", data={"s": token_of(result_url), **CONTACT})
    assert response.headers["Location"].startswith("/check/contact/done?")
    confirmation = client.get(response.headers["Location"])
    assert confirmation.headers["X-Frame-Options"] == "DENY"
    page = confirmation.get_data(as_text=True)
    assert 'class="site-header"' in page and "frame.js" not in page
    assert re.search(r'<a href="[^"]+">Back to the clinic website', page)
