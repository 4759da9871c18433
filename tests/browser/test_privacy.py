"""No page makes a request to any other host: every request of a full flow is recorded."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from questionnaire.catalogue import STEPS
from tests.browser.test_wizard_in_chromium import answer_step
from tests.support import BY_OUTCOME


@pytest.mark.browser
@pytest.mark.parametrize("entry", ["/", "/embed/?accent=7a1f5c&font=rounded"])
@pytest.mark.parametrize("outcome", ["book_consultation", "not_suitable_now"])
def test_a_full_flow_requests_only_the_apps_own_origin(browser, live_server, entry, outcome):
    context = browser.new_context()
    page = context.new_page()
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(live_server.url + entry)
    page.get_by_role("link", name="Start the check").click()
    for number, step in enumerate(STEPS, start=1):
        answer_step(page, step.id, BY_OUTCOME[outcome])
        page.get_by_role(
            "button", name="See my result" if number == len(STEPS) else "Continue"
        ).click()
    page.get_by_role("heading", level=1).wait_for()
    page.wait_for_load_state("networkidle")
    context.close()
    origin = urlsplit(live_server.url)
    strangers = [url for url in requests if urlsplit(url)[:2] != origin[:2]]
    assert not strangers, f"requests to other hosts: {strangers}"
    assert any("/check/result" in url for url in requests)
    assert any(url.split("?")[0].endswith(".css") for url in requests)
