"""What is shown once to be copied elsewhere can be copied without JavaScript: one click
on the recovery codes selects every code (CSS ``user-select: all``); the set-password
link and a new API token sit in read-only boxes whose whole text selects with Ctrl+A."""

from __future__ import annotations

import pytest

from tests.browser.pages import PAGES

RECOVERY_CODES = next(s for s in PAGES if s.name == "staff-two-factor-recovery-codes")


@pytest.mark.browser
def test_one_click_selects_every_recovery_code(browser, live_server):
    context = browser.new_context()
    page = context.new_page()
    try:
        RECOVERY_CODES.reach(page, live_server)
        codes = page.locator("ol.recovery-codes code").all_inner_texts()
        assert len(codes) >= 8
        page.locator("ol.recovery-codes li").nth(2).click()
        selected = page.evaluate("window.getSelection().toString()")
        assert all(code in selected for code in codes), selected
    finally:
        context.close()
