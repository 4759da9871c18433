"""On a 390x844 phone, in English and Spanish, with and without JavaScript, every step's
Continue is in view when the step opens (an action bar held at the screen's foot), and
no field that takes the keyboard's focus is hidden behind that bar (WCAG 2.2, focus not
obscured). Nothing is ticked before the person ticks it, and ticking an answer never
moves on by itself (real Chromium)."""

from __future__ import annotations

import pytest

from questionnaire.catalogue import STEPS
from tests.browser.pages import answers_before, sealed

PHONE = {"width": 390, "height": 844}
FOCUSED_BOX = """() => { const b = document.activeElement.getBoundingClientRect();
  const bar = document.querySelector('.step-actions').getBoundingClientRect();
  const el = document.activeElement;
  return {top: b.top, bottom: b.bottom, barTop: bar.top, tag: el.tagName,
          inBar: !!el.closest('.step-actions'), inForm: !!el.closest('#step-form')}; }"""


@pytest.fixture
def phone(browser, request):
    lang, javascript = request.param
    context = browser.new_context(
        viewport=PHONE,
        locale=lang,
        extra_http_headers={"Accept-Language": lang},
        java_script_enabled=javascript,
    )
    yield context.new_page()
    context.close()


PHONES = pytest.mark.parametrize(
    "phone",
    [("en", True), ("en", False), ("es", True), ("es", False)],
    ids=["en-js", "en-nojs", "es-js", "es-nojs"],
    indirect=True,
)


def open_step(phone, server, step_id: str) -> None:
    phone.goto(f"{server.url}/check/{step_id}?s={sealed(server, answers_before(step_id))}")
    phone.wait_for_load_state()


@pytest.mark.browser
@PHONES
@pytest.mark.parametrize("step_id", [step.id for step in STEPS])
def test_continue_is_in_view_when_the_step_opens(phone, live_server, step_id):
    open_step(phone, live_server, step_id)
    assert phone.evaluate("window.scrollY") == 0
    button = phone.locator("main form .step-actions button[type=submit]")
    assert button.count() == 1
    box = button.bounding_box()
    assert box["y"] >= 0 and box["y"] + box["height"] <= PHONE["height"], box
    assert box["height"] >= 44  # a full-size touch target
    # Every clinical question waits for the person's own answer.
    assert phone.locator("main form input:checked").count() == 0


@pytest.mark.browser
@PHONES
@pytest.mark.parametrize("step_id", [step.id for step in STEPS])
def test_no_focused_field_is_hidden_behind_the_action_bar(phone, live_server, step_id):
    open_step(phone, live_server, step_id)
    phone.locator("main h1").click()  # start from the page, not the browser's chrome
    seen = 0
    for _ in range(80):
        phone.keyboard.press("Tab")
        focused = phone.evaluate(FOCUSED_BOX)
        if focused["inBar"]:
            break
        if not focused["inForm"]:
            continue
        seen += 1
        assert focused["top"] >= 0 and focused["bottom"] <= focused["barTop"], focused
    assert seen > 0 and focused["inBar"], "Tab never reached the step's fields and Continue"


@pytest.mark.browser
@PHONES
def test_ticking_an_answer_does_not_move_on(phone, live_server):
    open_step(phone, live_server, "skin")
    before = phone.url
    phone.locator("label[for='active_acne-0']").click()
    phone.wait_for_timeout(300)
    assert phone.url == before
    assert phone.locator("#active_acne-0").is_checked()
