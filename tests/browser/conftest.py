"""A live server and a real headless Chromium (Debian's package) for browser tests.

Browser downloads do not work on these machines, so Playwright drives the system
Chromium through ``executable_path``. A missing browser fails the run loudly.
"""

from __future__ import annotations

from pathlib import Path

import pytest

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

    with sync_playwright() as driver:
        yield driver


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
