"""A person who uses only the keyboard completes the check to every outcome.

Only Tab, Shift+Tab, Space, Enter and the arrow keys are pressed (radio buttons
are chosen with the arrow keys within their group, as browsers expect), and
every control that takes focus must show a visible focus indicator: its outline
or shadow (or its label's, for a check box or radio button) differs from the
unfocused look.
"""

from __future__ import annotations

import pytest

from questionnaire.catalogue import QUESTIONS
from tests.browser.test_wizard_in_chromium import HEADLINES
from tests.support import BY_OUTCOME

FOCUSABLE = "a[href], button, input:not([type=hidden]), select, textarea, summary"

LOOK_JS = """
el => {
  const shown = (el.matches('input[type=radio], input[type=checkbox]') && el.labels.length)
    ? el.labels[0] : el;
  const s = getComputedStyle(shown);
  const outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2
    && !/rgba\\(.*, 0\\)$/.test(s.outlineColor) && s.outlineColor !== 'transparent';
  return {outline: outline ? `${s.outlineStyle} ${s.outlineWidth} ${s.outlineColor}` : 'none',
          shadow: s.boxShadow, background: s.backgroundColor};
}
"""

ACTIVE_JS = """
sel => {
  const el = document.activeElement;
  const all = Array.from(document.querySelectorAll(sel));
  return {index: all.indexOf(el), tag: el.tagName.toLowerCase(), type: el.type || '',
          name: el.name || '', value: el.value || '', checked: !!el.checked,
          text: (el.textContent || '').trim()};
}
"""

QUESTION_BY_ID = {question.id: question for question in QUESTIONS}


class KeyboardUser:
    """Presses keys and checks, at every stop, that focus can be seen."""

    def __init__(self, page):
        self.page = page
        self.unfocused: list[dict] = []

    def remember_unfocused_looks(self) -> None:
        self.page.evaluate("document.activeElement && document.activeElement.blur()")
        self.unfocused = self.page.eval_on_selector_all(FOCUSABLE, f"els => els.map({LOOK_JS})")

    def active(self) -> dict:
        info = self.page.evaluate(ACTIVE_JS, FOCUSABLE)
        assert info["index"] >= 0, f"focus left the page's controls: {info}"
        self.assert_focus_visible(info)
        return info

    def assert_focus_visible(self, info: dict) -> None:
        look = self.page.evaluate(f"() => ({LOOK_JS})(document.activeElement)")
        before = self.unfocused[info["index"]]
        changed = look["outline"] != before["outline"] or look["shadow"] != before["shadow"]
        shows = look["outline"] != "none" or look["shadow"] != "none"
        assert changed and shows, f"no visible focus indicator on {info}: {look} vs {before}"

    def press(self, key: str) -> dict:
        self.page.keyboard.press(key)
        return self.active()

    def press_and_wait(self, key: str) -> None:
        with self.page.expect_navigation():
            self.page.keyboard.press(key)
        self.remember_unfocused_looks()

    def tab_until(self, matches, limit: int = 80) -> dict:
        for _ in range(limit):
            info = self.press("Tab")
            if matches(info):
                return info
        raise AssertionError("never reached the wanted control with Tab")


def wanted_values(question, answers: dict) -> list[str]:
    value = answers[question.id]
    if question.kind == "bool":
        return ["yes" if value else "no"]
    return value if isinstance(value, list) else [str(value)]


def answer_current_step(user: KeyboardUser, answers: dict) -> None:
    """Tab through the step answering each control, then send it with Enter."""
    done_groups: set[str] = set()
    previous = None
    for _ in range(200):
        info = user.press("Tab")
        # The header's language buttons (name="lang") also submit the step form: not "Continue".
        if info["tag"] == "button" and info["type"] == "submit" and info["name"] != "lang":
            # Shift+Tab goes back to the previous control, and Tab returns.
            if previous is not None:
                assert user.press("Shift+Tab")["index"] == previous["index"]
                assert user.press("Tab")["index"] == info["index"]
            user.press_and_wait("Enter")
            return
        question = QUESTION_BY_ID.get(info["name"])
        if question is not None:
            wanted = wanted_values(question, answers)
            if info["type"] == "radio" and info["name"] not in done_groups:
                info = choose_radio_with_arrows(user, question, info, wanted[0])
                done_groups.add(info["name"])
            elif info["type"] == "checkbox" and (info["value"] in wanted) != info["checked"]:
                info = user.press("Space")
            elif info["type"] == "text":
                user.page.keyboard.type(wanted[0])
        previous = info
    raise AssertionError("never reached the step's Continue button with Tab")


def choose_radio_with_arrows(user: KeyboardUser, question, info: dict, wanted: str) -> dict:
    values = [choice.value for choice in question.choices]
    steps = (values.index(wanted) - values.index(info["value"])) % len(values)
    for _ in range(steps):
        info = user.press("ArrowDown")
    if not info["checked"]:
        info = user.press("Space")
    assert info["value"] == wanted and info["checked"]
    return info


@pytest.mark.browser
@pytest.mark.parametrize("outcome", list(BY_OUTCOME))
def test_complete_the_check_with_the_keyboard_only(browser, live_server, outcome):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(live_server.url + "/")
    user = KeyboardUser(page)
    user.remember_unfocused_looks()
    user.tab_until(lambda info: info["text"] == "Start the check")
    user.press_and_wait("Enter")
    while "/check/result" not in page.url:
        answer_current_step(user, BY_OUTCOME[outcome])
    assert page.get_by_role("heading", level=1).inner_text() == HEADLINES[outcome]
    # Every control on the result page takes a visible focus too.
    user.tab_until(
        lambda info: info["tag"] == "summary" and info["text"].startswith("Show your"), 200
    )
    assert page.locator("details.answers-details").get_attribute("open") is None
    user.press("Enter")
    assert page.locator("details.answers-details").get_attribute("open") is not None
    context.close()


@pytest.mark.browser
def test_skip_link_is_first_and_moves_to_the_main_content(browser, live_server):
    context = browser.new_context()
    page = context.new_page()
    page.goto(live_server.url + "/check/start")
    user = KeyboardUser(page)
    user.remember_unfocused_looks()
    first = user.press("Tab")
    assert first["text"] == "Skip to main content"
    assert page.locator(".skip-link").bounding_box()["x"] >= 0  # shown when focused
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    # The next Tab lands inside the main content, not back in the header.
    inside = user.press("Tab")
    assert page.evaluate("document.querySelector('main').contains(document.activeElement)")
    assert inside["index"] >= 0
    context.close()
