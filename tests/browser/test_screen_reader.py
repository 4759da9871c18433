"""What a screen reader is given after a failed submit, read from Chromium's accessibility tree.

Focus moves to the error summary, which is announced by its heading; every
question with an error exposes that error as part of its accessible
description (so it is heard on reaching the question), and the age box is
marked invalid.
"""

from __future__ import annotations

import pytest

from questionnaire.catalogue import QUESTIONS
from tests.browser.pages import answers_before, sealed


def accessibility_tree(page) -> list[dict]:
    session = page.context.new_cdp_session(page)
    try:
        return session.send("Accessibility.getFullAXTree")["nodes"]
    finally:
        session.detach()


def _value(node: dict, key: str) -> str:
    return str((node.get(key) or {}).get("value", ""))


def _properties(node: dict) -> dict:
    return {p["name"]: p["value"].get("value") for p in node.get("properties", [])}


def nodes_named(tree: list[dict], name: str) -> list[dict]:
    return [node for node in tree if _value(node, "name") == name]


@pytest.mark.browser
@pytest.mark.parametrize("step_id", ["health", "about"])
def test_after_a_failed_submit_each_error_is_heard(browser, live_server, step_id):
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{live_server.url}/check/{step_id}?s={sealed(live_server, answers_before(step_id))}")
    page.locator("form button[type=submit]").click()
    page.wait_for_selector("#error-summary")

    assert page.evaluate("document.activeElement.id") == "error-summary"
    tree = accessibility_tree(page)
    focused = [
        node
        for node in tree
        if _properties(node).get("focused") and _value(node, "role") != "RootWebArea"
    ]
    assert [(_value(node, "role"), _value(node, "name")) for node in focused] == [
        ("group", "There is a problem")
    ]

    questions = [q for q in QUESTIONS if q.step == step_id]
    summary_links = page.locator("#error-summary a").all_inner_texts()
    assert summary_links == [str(q.required_message) for q in questions]
    for question in questions:
        role = "textbox" if question.kind == "int" else "group"
        matching = [
            node
            for node in nodes_named(tree, str(question.patient_label))
            if _value(node, "role") == role
        ]
        assert len(matching) == 1, f"no {role} named {question.patient_label!r}"
        node = matching[0]
        description = _value(node, "description")
        assert str(question.required_message) in description, (question.id, description)
        if question.hint:
            assert str(question.hint) in description
        if role == "textbox":
            assert _properties(node).get("invalid") == "true"
    context.close()


@pytest.mark.browser
def test_error_summary_link_moves_focus_to_the_question(browser, live_server):
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{live_server.url}/check/about?s={sealed(live_server, answers_before('about'))}")
    page.locator("form button[type=submit]").click()
    page.locator("#error-summary a").last.click()
    assert page.evaluate("document.activeElement.id") == "age"
    context.close()
