"""The console's "Embed on your site" page: both snippets per allowed origin, staff only."""

from __future__ import annotations

import re
from html import unescape

from tests.factories import make_staff, sign_in

ORIGINS = ("https://www.clinic.example", "https://clinic.example")


def test_signed_in_staff_get_both_snippets_for_every_allowed_origin(app_factory):
    app = app_factory(EMBED_ALLOWED_ORIGINS=",".join(ORIGINS))
    make_staff(app)
    client = app.test_client()
    anonymous = client.get("/staff/embed")
    assert anonymous.status_code == 302 and "/staff/sign-in" in anonymous.headers["Location"]

    sign_in(client)
    page = client.get("/staff/embed")  # the snippets name the configured public address
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    # Linked from the console's navigation, marked as the current page.
    assert re.search(r'<a href="/staff/embed" aria-current="page">Embed on your site</a>', html)
    codes = [
        unescape(code) for code in re.findall(r"<pre class=\"snippet\"><code>(.*?)</code>", html)
    ]
    assert codes == [
        snippet
        for origin in ORIGINS
        for snippet in (
            '<script src="http://console.test/embed.js" async></script>',
            '<iframe src="http://console.test/embed/?origin='
            + origin.replace(":", "%3A").replace("/", "%2F")
            + '" title="Acne scar microneedling check" width="100%" height="1600" '
            'class="microneedling-check-frame"></iframe>',
        )
    ]
    for origin in ORIGINS:
        assert f"For {origin}" in html
    assert page.headers["Cache-Control"] == "no-store"


def test_with_no_allowed_origin_the_page_says_how_to_allow_one(app_factory):
    app = app_factory(EMBED_ALLOWED_ORIGINS="")
    make_staff(app)
    client = app.test_client()
    sign_in(client)
    html = client.get("/staff/embed").get_data(as_text=True)
    assert "No website may embed the check yet" in html and "EMBED_ALLOWED_ORIGINS" in html
    assert 'class="snippet"' not in html
