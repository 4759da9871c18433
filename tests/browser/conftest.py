"""A live server and a real headless Chromium (Debian's package) for browser tests.

Browser downloads do not work on these machines, so Playwright drives the system
Chromium through ``executable_path``. A missing browser fails the run loudly.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from chromium import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, LiveServer

from app import create_app


@pytest.fixture(scope="session")
def live_server():
    app = create_app({"TESTING": True, "SECRET_KEY": "browser-test-key"})
    with LiveServer(app) as server:
        yield server


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: install Debian's chromium package")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
