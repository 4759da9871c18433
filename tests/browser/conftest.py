"""A live server and a real headless Chromium (Debian's package) for browser tests.

Browser downloads do not work on these machines, so Playwright drives the system
Chromium through ``executable_path``. A missing browser fails the run loudly.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page

from app import create_app
from tests.browser.chromium import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, LiveServer


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("browser-instance")
    settings = {
        "TESTING": True,
        "SECRET_KEY": "browser-test-key",
        "EMBED_ALLOWED_ORIGINS": ("https://www.clinic.example",),  # the embed pages of pages.py
        # Many states send the contact and sign-in forms within a minute; the limits
        # themselves are tested in tests/leads/test_leads_cli_and_limits.py.
        "RATELIMIT_ENABLED": False,
    }
    app = create_app(settings, instance_path=str(folder))
    with LiveServer(app) as server:
        yield server


@pytest.fixture(scope="session")
def playwright():
    """One Playwright driver per run: the sync API cannot run two at once."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: install Debian's chromium package")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as driver, pytest.MonkeyPatch.context() as patch:
        for owner, name in ACTIONS_THAT_MAY_NAVIGATE:
            patch.setattr(owner, name, _settling(getattr(owner, name)))
        yield driver


def _page_of(target):
    return target if isinstance(target, Page) else target.page


def _settling(action):
    """The action, then a wait until the page it may have opened has loaded.

    Why: Playwright returns from a click once a navigation it started has *committed*;
    with JavaScript off, a form post then leaves a document still being parsed, and a
    check read at once (``is_visible``, ``evaluate``, ``content``) raced it in CI. When
    nothing navigated, the current page has long loaded and the wait returns at once.
    """

    def act(target, *args, **kwargs):
        result = action(target, *args, **kwargs)
        _page_of(target).wait_for_load_state()
        return result

    return act


ACTIONS_THAT_MAY_NAVIGATE = [
    (owner, name)
    for owner in (Locator, Page)
    for name in ("click", "dblclick", "press", "check", "tap")
]


@pytest.fixture(scope="session")
def browser(playwright):
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture
def live_server_class():
    """LiveServer, for a test that serves an app configured its own way."""
    return LiveServer
