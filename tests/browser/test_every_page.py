"""Every page and state (tests/browser/pages.py) at a phone and a desktop width:
no axe-core WCAG 2.1 A/AA violation, valid HTML, no horizontal scrolling,
touch targets of at least 44 by 44 CSS pixels, and a screenshot for review.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import pytest

from tests.browser.pages import PAGES, PageState
from tests.browser.tools import horizontal_overflow, run_axe, small_touch_targets, validate_html

WIDTHS = {"phone": 375, "desktop": 1280}


@dataclass
class Observation:
    html: str
    status: int
    axe: list[dict]
    overflow: int
    small_targets: list[str]


@pytest.fixture(scope="session")
def observe(browser, live_server, artifacts):
    """Reach a state at a width once, look at it every way, keep what was seen."""
    seen: dict[tuple[str, str], Observation] = {}
    screenshots = artifacts / "screenshots"
    screenshots.mkdir(exist_ok=True)

    def look(state: PageState, width: str) -> Observation:
        key = (state.name, width)
        if key not in seen:
            context = browser.new_context(
                viewport={"width": WIDTHS[width], "height": 800},
                locale=state.lang,
                extra_http_headers={"Accept-Language": state.lang},
                bypass_csp=True,  # lets the test inject axe-core; the app's CSP is tested elsewhere
            )
            page = context.new_page()
            documents = []
            page.on(
                "response",
                lambda r: documents.append(r) if r.request.resource_type == "document" else None,
            )
            state.reach(page, live_server)
            page.wait_for_load_state("load")
            page.screenshot(path=screenshots / f"{state.name}-{WIDTHS[width]}.png", full_page=True)
            seen[key] = Observation(
                html=documents[-1].text(),
                status=documents[-1].status,
                axe=run_axe(page),
                overflow=horizontal_overflow(page),
                small_targets=small_touch_targets(page),
            )
            context.close()
        return seen[key]

    return look


@pytest.fixture(scope="session")
def html_errors(observe, artifacts):
    documents = {state.name: observe(state, "phone").html for state in PAGES}
    return validate_html(documents, artifacts / "html")


STATES = pytest.mark.parametrize("state", PAGES, ids=[state.name for state in PAGES])


@pytest.mark.browser
@STATES
@pytest.mark.parametrize("width", list(WIDTHS))
def test_no_accessibility_violations(observe, state, width):
    violations = observe(state, width).axe
    assert not violations, json.dumps(violations, indent=1)


@pytest.mark.browser
@STATES
def test_html_is_valid(html_errors, state):
    errors = html_errors[state.name]
    assert not errors, json.dumps(errors, indent=1)


@pytest.mark.browser
@STATES
@pytest.mark.parametrize("width", list(WIDTHS))
def test_fits_the_screen_without_horizontal_scrolling(observe, state, width):
    assert observe(state, width).overflow <= 0


@pytest.mark.browser
@STATES
@pytest.mark.parametrize("width", list(WIDTHS))
def test_touch_targets_are_large_enough(observe, state, width):
    small = observe(state, width).small_targets
    assert not small, "targets under 44x44 CSS px:\n" + "\n".join(small)


@pytest.mark.browser
def test_the_states_are_what_they_claim(observe):
    """Each registry entry really reaches its state (so the checks above check it)."""
    by_name = {state.name: state for state in PAGES}
    assert observe(by_name["not-found"], "phone").status == 404
    assert 'id="error-summary"' in observe(by_name["step-health-errors"], "phone").html
    assert observe(by_name["step-health-errors"], "phone").status == 422
    assert "Please start again" in observe(by_name["intro-unreadable-answers"], "phone").html
    assert 'lang="es"' in observe(by_name["es-result-clinician_review"], "phone").html
    assert observe(by_name["rules-unavailable"], "phone").status == 503
    assert "Awaiting sign-off" in observe(by_name["staff-rule-book"], "phone").html
    assert 'name="sha256"' in observe(by_name["staff-rule-book-clinician"], "phone").html
    assert observe(by_name["staff-rule-book-sign-errors"], "phone").status == 422
    assert observe(by_name["staff-bookings-to-match-error"], "phone").status == 422
    assert "Someone Withoutlink" in observe(by_name["staff-bookings-to-match"], "phone").html
    assert (
        "Moved through Cal.com" in observe(by_name["staff-lead-booked-through-tool"], "phone").html
    )
    # The live server decides with the unsigned shipped rules: every patient page says so.
    assert "not for patients" in observe(by_name["intro"], "phone").html
    for state in PAGES:
        if state.name.startswith("result-"):
            assert 'class="result-headline"' in observe(state, "phone").html, state.name
