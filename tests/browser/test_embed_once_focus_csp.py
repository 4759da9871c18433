"""The embedded check on a clinic's page on another site, in Chromium, under a strict CSP:

- the host page receives ``step_reached`` once per step, not again when the step
  is shown with its errors, nor when the person goes back to it;
- after a failed submit the focus reaches the error summary inside the
  cross-origin iframe (Chromium blocks the frame from taking it by itself);
- both snippets work unchanged on a page whose Content-Security-Policy allows
  only the app's origin for scripts and frames, with no violation reported.
"""

from __future__ import annotations

import pytest

from questionnaire.catalogue import STEPS
from tests.browser.embed_strict_host import strict_host_and_app
from tests.browser.test_wizard_in_chromium import answer_step
from tests.support import BY_OUTCOME, HEALTHY

FRAME = "iframe.microneedling-check-frame"


def app_frame(page, app_url: str):
    for frame in page.frames:
        if frame.url.startswith(app_url):
            return frame
    raise AssertionError("the app's iframe is not on the host page")


def unexpected(console_errors: list[str]) -> list[str]:
    """Console errors other than a 422's status line and Chromium's note that it blocked
    autofocus in the cross-origin frame (which the focus request then makes up for)."""
    expected = ("status of 422", "Blocked autofocusing on a <div> element in a cross-origin")
    return [text for text in console_errors if not any(part in text for part in expected)]


def open_host(browser, host, console_errors: list[str]):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.on(
        "console",
        lambda message: console_errors.append(message.text) if message.type == "error" else None,
    )
    page.goto(host.origin + "/")
    return context, page


def reached(page) -> list[str]:
    return page.evaluate(
        "window.hostEvents.filter(e => e.event === 'step_reached').map(e => e.detail.step_id)"
    )


def wait_reached(page, step_id: str, times: int = 1) -> None:
    page.wait_for_function(
        "([id, n]) => window.hostMessages.filter("
        "m => m.event === 'step_reached' && m.step_id === id).length >= n",
        arg=[step_id, times],
    )


def wait_focused(page, app_url: str, element_id: str) -> None:
    """The element inside the frame has the focus, and the frame has the page's focus."""
    page.wait_for_function(
        f"() => document.activeElement === document.querySelector('{FRAME}')", timeout=5000
    )
    app_frame(page, app_url).wait_for_function(
        "id => document.hasFocus() && document.activeElement && document.activeElement.id === id",
        arg=element_id,
        timeout=5000,
    )


@pytest.mark.browser
def test_step_reached_is_sent_once_per_step(browser, artifacts):
    console_errors: list[str] = []
    with strict_host_and_app() as (host, server):
        context, page = open_host(browser, host, console_errors)
        frame_page = page.frame_locator(FRAME)
        frame_page.get_by_role("link", name="Start the check").click()
        first, second = STEPS[0].id, STEPS[1].id
        wait_reached(page, first)

        # Sent with nothing answered: shown again with its errors, not reached again.
        before = page.evaluate("window.hostMessages.length")
        frame_page.get_by_role("button", name="Continue").click()
        frame_page.locator("#error-summary").wait_for()
        wait_focused(page, server.url, "error-summary")
        again = page.evaluate(f"window.hostMessages.slice({before})")
        assert [m for m in again if m.get("event") == "step_reached"] == []

        answer_step(frame_page, first, HEALTHY)
        frame_page.get_by_role("button", name="Continue").click()
        wait_reached(page, second)
        # Back to the first step and on again: each step still counted once.
        frame_page.get_by_role("link", name="Back").click()
        wait_reached(page, first, times=2)
        frame_page.get_by_role("button", name="Continue").click()
        wait_reached(page, second, times=2)
        assert reached(page) == [first, second]
        assert page.evaluate("window.hostViolations") == []
        page.screenshot(path=artifacts / "embed-strict-csp-step.png", full_page=True)
        context.close()
    assert unexpected(console_errors) == []


@pytest.mark.browser
def test_the_focus_reaches_the_contact_forms_error_summary_in_the_frame(browser, artifacts):
    console_errors: list[str] = []
    with strict_host_and_app() as (host, server):
        context, page = open_host(browser, host, console_errors)
        page.wait_for_function("() => window.hostMessages.some(m => m.type === 'page')")
        codec = server.app.extensions["state_codec"]
        state = codec.new(embed={"origin": host.origin, "accent": "7a1f5c"})
        state.answers = dict(BY_OUTCOME["clinician_review"])
        frame = app_frame(page, server.url)
        frame.goto(f"{server.url}/embed/check/result?s={codec.dumps(state)}")
        frame_page = page.frame_locator(FRAME)
        frame_page.get_by_role("button", name="Ask the clinic to contact me").click()
        frame_page.locator("#contact-error-summary").wait_for()
        wait_focused(page, server.url, "contact-error-summary")
        # Really focused: Tab goes on to the summary's first link, inside the frame.
        page.keyboard.press("Tab")
        frame = app_frame(page, server.url)
        assert frame.evaluate("document.activeElement.getAttribute('href')") == "#contact-name"
        # The summary is on the screen, where the person is.
        top = page.evaluate(
            f"document.querySelector('{FRAME}').getBoundingClientRect().top"
        ) + frame.evaluate(
            "document.getElementById('contact-error-summary').getBoundingClientRect().top"
        )
        assert 0 <= top < 844, top
        assert page.evaluate("window.hostViolations") == []
        page.screenshot(path=artifacts / "embed-contact-errors-focused.png")
        context.close()
    assert unexpected(console_errors) == []


@pytest.mark.browser
def test_a_control_of_the_host_page_keeps_its_focus(browser):
    """embed.js lends the focus to the frame only while the person is in it (or nowhere)."""
    console_errors: list[str] = []
    with strict_host_and_app() as (host, server):
        context, page = open_host(browser, host, console_errors)
        page.wait_for_function("() => window.hostMessages.some(m => m.type === 'page')")
        page.get_by_role("link", name="Our address").focus()
        ask = (
            "origin => window.parent.postMessage("
            "{source: 'microneedling-check', type: 'focus'}, origin)"
        )
        app_frame(page, server.url).evaluate(ask, host.origin)
        page.wait_for_function(
            "() => window.hostMessages.some(m => m.type === 'focus')", timeout=5000
        )
        page.wait_for_timeout(200)
        assert page.evaluate("document.activeElement.textContent") == "Our address"
        # With nothing focused on the host page, the same request is granted.
        page.evaluate("document.activeElement.blur()")
        app_frame(page, server.url).evaluate(ask, host.origin)
        page.wait_for_function(
            f"() => document.activeElement === document.querySelector('{FRAME}')", timeout=5000
        )
        context.close()


@pytest.mark.browser
@pytest.mark.parametrize("plain_iframe", [False, True], ids=["script", "plain-iframe"])
def test_both_snippets_work_under_a_strict_content_security_policy(
    browser, artifacts, plain_iframe
):
    console_errors: list[str] = []
    with strict_host_and_app(plain_iframe=plain_iframe) as (host, server):
        context, page = open_host(browser, host, console_errors)
        response_policy = page.evaluate(
            "fetch(location.href).then(r => r.headers.get('content-security-policy'))"
        )
        assert "script-src 'self' " + server.url in response_policy
        assert "style-src 'self'" in response_policy and "unsafe-inline" not in response_policy
        frame_page = page.frame_locator(FRAME)
        frame_page.get_by_role("link", name="Start the check").click()
        frame_page.get_by_role("heading", level=1).wait_for()
        assert frame_page.get_by_role("heading", level=1).inner_text() == STEPS[0].title
        if not plain_iframe:
            wait_reached(page, STEPS[0].id)
            # Fitted to its content by embed.js (CSSOM styles, which the policy allows).
            page.wait_for_function(
                f"() => document.querySelector('{FRAME}').getBoundingClientRect().height > 600"
            )
            assert (
                page.evaluate(f"getComputedStyle(document.querySelector('{FRAME}')).borderTopWidth")
                == "0px"
            )
        assert page.locator(f"{FRAME}[style]").count() == (0 if plain_iframe else 1)
        page.wait_for_timeout(300)  # a violation is reported asynchronously
        assert page.evaluate("window.hostViolations") == []
        name = "plain-iframe" if plain_iframe else "script"
        page.screenshot(path=artifacts / f"embed-strict-csp-{name}.png", full_page=True)
        context.close()
    assert not [text for text in console_errors if "Content Security Policy" in text]
    assert unexpected(console_errors) == []
