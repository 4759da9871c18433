"""A clinic's web person pastes the one-line snippet into a page on another site.

In Chromium with third-party cookies blocked, and again with them allowed, a
person completes the check inside the iframe and asks the clinic to contact
them; the iframe fits its content at every step (no scrollbar inside it), the
lead is stored as coming from the host's origin, the host page receives the
events (and nothing personal), and no request leaves the two origins involved.
"""

from __future__ import annotations

import json
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Error as PlaywrightError
from sqlalchemy import select

from core.extensions import db
from leads.models import Lead
from questionnaire.catalogue import STEPS
from tests.browser.crosssite import (
    COOKIE_MODES,
    chromium_with_cookies,
    host_and_app,
    third_party_cookie_kept,
)
from tests.browser.test_wizard_in_chromium import HEADLINES, answer_step
from tests.console_support import CONTACT
from tests.support import BY_OUTCOME

FRAME = "iframe.microneedling-check-frame"


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def app_frame(page, app_url: str):
    for frame in page.frames:
        if frame.url.startswith(app_url):
            return frame
    raise AssertionError("the app's iframe is not on the host page")


def inner_scroll_settles(page, frame, attempts: int = 30) -> bool:
    """Whether the page inside the iframe stops scrolling once the iframe has its height.

    The iframe is another process (cross-site): its window takes the new height a
    moment after the host page's element does, so one early reading can still see
    the previous page's height. A form that really scrolls never settles.
    """
    for _ in range(attempts):
        if frame.evaluate("document.documentElement.scrollHeight - window.innerHeight") <= 1:
            return True
        page.wait_for_timeout(100)
    return False


def wait_until_fitted(page, app_url: str) -> int:
    """Wait until the iframe's height equals its page's content; returns that height."""
    page.wait_for_function("() => window.hostMessages.some(m => m.type === 'resize')", timeout=5000)
    content = outer = 0
    for _ in range(50):
        try:
            frame = app_frame(page, app_url)
            frame.wait_for_load_state()
            content = frame.evaluate("Math.ceil(document.body.getBoundingClientRect().height)")
        except PlaywrightError:  # the frame was between two pages: measure again
            page.wait_for_timeout(100)
            continue
        outer = page.evaluate(
            f"Math.round(document.querySelector('{FRAME}').getBoundingClientRect().height)"
        )
        if abs(content - outer) <= 1:
            assert inner_scroll_settles(page, frame), "the form scrolls inside the iframe"
            return outer
        page.wait_for_timeout(100)
    raise AssertionError(f"iframe {outer}px never fitted its content {content}px")


def events(page) -> list[dict]:
    return page.evaluate("window.hostEvents")


def send_contact_request(frame_page) -> None:
    """Fill the result page's "ask the clinic to contact me" form and send it."""
    frame_page.get_by_label("Your name").fill(CONTACT["name"])
    frame_page.get_by_label("Email address").fill(CONTACT["email"])
    frame_page.get_by_label("Phone number").fill(CONTACT["phone"])
    frame_page.get_by_label("Morning").check()
    frame_page.get_by_label("Anything you'd like to tell us").fill(CONTACT["message"])
    frame_page.locator("#contact-consent").check()
    frame_page.get_by_role("button", name="Ask the clinic to contact me").click()


@pytest.mark.browser
@pytest.mark.parametrize("cookies", list(COOKIE_MODES))
def test_complete_the_embedded_check_on_another_site(cookies, artifacts, playwright):
    outcome = "clinician_review"
    with (
        host_and_app() as (host, server),
        chromium_with_cookies(playwright, cookies) as browser,
    ):
        page = browser.new_page()
        requests: list[str] = []
        page.on("request", lambda request: requests.append(request.url))
        page.goto(host.origin + "/")
        assert page.locator(FRAME).get_attribute("title") == "Acne scar microneedling check"
        heights = [wait_until_fitted(page, server.url)]

        frame_page = page.frame_locator(FRAME)
        frame = app_frame(page, server.url)
        assert third_party_cookie_kept(frame) is (cookies == "cookies-allowed")
        # Themed from the snippet's data- attributes, without a site header.
        assert frame.locator(".site-header").count() == 0
        accent = frame.evaluate(
            "getComputedStyle(document.documentElement).getPropertyValue('--accent')"
        )
        assert accent.strip() == "#7a1f5c"

        frame_page.get_by_role("link", name="Start the check").click()
        for number, step in enumerate(STEPS, start=1):
            page.wait_for_function(
                f"() => window.hostEvents.some(e => e.event === 'step_reached' "
                f"&& e.detail.step === {number})"
            )
            heights.append(wait_until_fitted(page, server.url))
            answer_step(frame_page, step.id, BY_OUTCOME[outcome])
            frame_page.get_by_role(
                "button", name="See my result" if number == len(STEPS) else "Continue"
            ).click()
        page.wait_for_function("() => window.hostEvents.some(e => e.event === 'completed')")
        heights.append(wait_until_fitted(page, server.url))
        assert frame_page.get_by_role("heading", level=1).inner_text() == HEADLINES[outcome]

        # The person asks the clinic to contact them, inside the iframe, without cookies.
        send_contact_request(frame_page)
        page.wait_for_function("() => window.hostEvents.some(e => e.event === 'contact_requested')")
        heights.append(wait_until_fitted(page, server.url))
        confirmation = frame_page.get_by_role("heading", level=1)
        assert confirmation.inner_text() == "Thank you: the clinic has your request"
        assert frame_page.locator(".site-header").count() == 0
        frame = app_frame(page, server.url)
        assert frame.url.startswith(server.url + "/embed/check/contact/done?")
        # frame.js dropped the one-time flag, so a reload does not say it again.
        assert "sent=" not in frame.evaluate("location.search")
        with server.app.app_context():
            leads = db.session.execute(select(Lead.source, Lead.embed_origin, Lead.name)).all()
        assert [tuple(lead) for lead in leads] == [("embed", host.origin, CONTACT["name"])]

        received = events(page)
        assert [e["event"] for e in received] == [
            "started",
            *["step_reached"] * len(STEPS),
            "completed",
            "contact_requested",
        ]
        assert received[-1]["detail"] == {}
        steps = [e["detail"] for e in received if e["event"] == "step_reached"]
        assert steps == [
            {"step": n, "step_id": s.id, "total": len(STEPS)} for n, s in enumerate(STEPS, 1)
        ]
        assert received[-2]["detail"] == {"outcome": outcome}
        # Nothing but event names, step numbers and the outcome reached the host page.
        messages = page.evaluate("window.hostMessages")
        sent_text = json.dumps([messages, received], ensure_ascii=False)
        for personal in ("Zoë", "zoe@example.com", "7946", "Evenings"):
            assert personal not in sent_text
        for message in messages:
            assert set(message) <= {
                "source",
                "type",
                "event",
                "height",
                "step",
                "step_id",
                "total",
                "outcome",
            }
        assert len(set(heights)) > 2, f"the iframe did not resize between steps: {heights}"

        allowed = {host.origin, server.url}
        strangers = [url for url in requests if origin_of(url) not in allowed]
        assert not strangers, f"requests left the two origins: {strangers}"
        assert any(url.startswith(server.url + "/embed/check/result") for url in requests)
        assert any(url.startswith(server.url + "/embed/check/contact?") for url in requests)
        page.screenshot(path=artifacts / f"embedded-{cookies}.png", full_page=True)
