"""The copy buttons (static/copy.js) in Chromium: with JavaScript, "Copy the link" puts the
set-password link on the clipboard and says "Copied" in a status region; the recovery
codes are copied one a line. Without JavaScript no button shows and the link stays a
read-only box whose whole text selects (tests/browser/test_copy_without_javascript.py)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.pages import PAGES

LINK_SHOWN = next(s for s in PAGES if s.name == "staff-edit-link-shown")
RECOVERY_CODES = next(s for s in PAGES if s.name == "staff-two-factor-recovery-codes")


@pytest.mark.browser
def test_the_copy_button_copies_the_link_and_says_so(browser, live_server):
    context = browser.new_context()
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    page = context.new_page()
    try:
        LINK_SHOWN.reach(page, live_server)
        link = page.locator("#password-link").input_value()
        assert "/staff/set-password?token=" in link
        status = page.locator("#password-link-copied")
        assert status.get_attribute("role") == "status" and status.inner_text() == ""
        page.get_by_role("button", name="Copy the link").click()
        # expect() polls from Python: the strict CSP (no 'unsafe-eval') refuses the string
        # expressions page.wait_for_function would evaluate in the page.
        expect(status).to_have_text("Copied")
        assert page.evaluate("navigator.clipboard.readText()") == link
        # No inline script: the strict CSP let the page's own file run, nothing else.
        assert page.locator("script:not([src])").count() == 0
    finally:
        context.close()


@pytest.mark.browser
def test_the_recovery_codes_are_copied_one_a_line(browser, live_server):
    context = browser.new_context()
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    page = context.new_page()
    try:
        RECOVERY_CODES.reach(page, live_server)
        codes = page.locator("ol.recovery-codes code").all_inner_texts()
        page.get_by_role("button", name="Copy the codes").click()
        # expect() polls from Python: the strict CSP (no 'unsafe-eval') refuses the string
        # expressions page.wait_for_function would evaluate in the page.
        expect(page.locator("#recovery-codes-copied")).to_have_text("Copied")
        assert page.evaluate("navigator.clipboard.readText()") == "\n".join(codes)
    finally:
        context.close()


@pytest.mark.browser
def test_without_javascript_no_button_shows_and_the_link_selects(browser, live_server):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        LINK_SHOWN.reach(page, live_server)
        assert not page.locator("button[data-copy]").is_visible()
        box = page.locator("#password-link")
        assert box.get_attribute("readonly") is not None
        box.click()
        page.keyboard.press("Control+A")
        selected = page.evaluate(
            "(() => { const b = document.getElementById('password-link');"
            " return b.value.substring(b.selectionStart, b.selectionEnd); })()"
        )
        assert selected == box.input_value()
    finally:
        context.close()


@pytest.mark.browser
def test_after_add_the_message_is_in_view(browser, live_server):
    """The Add form sits at the foot of the staff list; the page it opens starts at its
    main region, the confirmation in the first screen at 1366x768."""
    added = next(s for s in PAGES if s.name == "staff-added-message-in-view")
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    page = context.new_page()
    try:
        added.reach(page, live_server)
        notice = page.locator("main .notice[role=status]")
        assert "can now sign in" in notice.inner_text()
        box = notice.bounding_box()
        assert box is not None and box["y"] >= 0 and box["y"] + box["height"] <= 768, box
    finally:
        context.close()
