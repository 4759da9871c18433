"""The privacy notice in real Chromium: it asks nothing of any other host, and the consent
box's link opens it in a new tab, leaving what the person typed in the form untouched."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest

from tests.browser.pages import EMBED_ENTRY, result


@pytest.mark.browser
@pytest.mark.parametrize("lang", ["en", "es"])
def test_the_notice_requests_only_the_apps_own_origin(browser, live_server, lang):
    context = browser.new_context(locale=lang, extra_http_headers={"Accept-Language": lang})
    page = context.new_page()
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(live_server.url + "/privacy")
    page.wait_for_load_state("networkidle")
    assert page.locator("html").get_attribute("lang") == lang
    assert page.get_by_role("heading", level=1).count() == 1
    context.close()
    origin = urlsplit(live_server.url)[:2]
    assert [url for url in requests if urlsplit(url)[:2] != origin] == []
    assert any(url.split("?")[0].endswith(".css") for url in requests)


@pytest.mark.browser
def test_the_consent_boxs_link_opens_the_notice_and_keeps_the_form(browser, live_server):
    context = browser.new_context()
    page = context.new_page()
    result("clinician_review")(page, live_server)
    page.locator("#contact-name").fill("Zoë")
    with context.expect_page() as opened:
        page.get_by_role("link", name=re.compile(r"^Read the privacy notice")).click()
    notice = opened.value
    notice.wait_for_load_state()
    assert urlsplit(notice.url).path == "/privacy"
    assert notice.get_by_role("heading", level=1).inner_text() == "Privacy notice"
    assert page.locator("#contact-name").input_value() == "Zoë"
    context.close()


@pytest.mark.browser
def test_the_embedded_check_opens_the_notice_outside_the_frame(browser, live_server):
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{live_server.url}/embed/?{EMBED_ENTRY}")
    with context.expect_page() as opened:
        page.get_by_role("link", name=re.compile(r"^Privacy notice")).click()
    notice = opened.value
    notice.wait_for_load_state()
    assert urlsplit(notice.url).path == "/privacy"
    assert notice.locator("footer.site-footer").count() == 1  # the site's full page
    context.close()
