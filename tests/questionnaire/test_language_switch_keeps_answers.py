"""The header's language switch on a step page keeps what is ticked there (JavaScript off).

Its buttons submit the step form: the answers given on the page so far are
kept, none of the questions not answered yet shows an error, and the same step
comes back in the other language with those answers ticked.
"""

from __future__ import annotations

import re

from questionnaire.catalogue import QUESTIONS, STEPS
from tests.support import HEALTHY, Walker, form_fields, hidden_token


def step_with_several_questions():
    for step in STEPS:
        questions = [q for q in QUESTIONS if q.step == step.id and q.kind != "int"]
        if len(questions) >= 2:
            return step, questions
    raise AssertionError("no step has two questions to tick")


def reach(client, step_id: str) -> str:
    """Answer the steps before ``step_id``; returns its page's HTML."""
    location = Walker(client).start()
    for step in STEPS:
        page = client.get(location)
        assert page.status_code == 200
        if step.id == step_id:
            return page.get_data(as_text=True)
        sent = client.post(
            f"/check/{step.id}",
            data={"s": hidden_token(page.get_data(as_text=True)), **form_fields(HEALTHY, step.id)},
        )
        location = sent.headers["Location"]
    raise AssertionError(f"never reached {step_id}")


def ticked(html: str, question_id: str) -> set[str]:
    return set(re.findall(rf'name="{question_id}" value="([^"]+)"\s*checked', html))


def test_switching_language_on_a_step_keeps_its_ticked_answers(client):
    step, questions = step_with_several_questions()
    page = reach(client, step.id)
    # On a step page the switch's buttons belong to the step form.
    assert 'id="step-form"' in page
    assert re.search(r'<button type="submit" form="step-form" name="lang" value="es"', page)

    first = questions[0]
    answered = {first.id: form_fields(HEALTHY, step.id)[first.id]}
    switched = client.post(
        f"/check/{step.id}", data={"s": hidden_token(page), **answered, "lang": "es"}
    )
    assert switched.status_code == 303
    again = client.get(switched.headers["Location"])
    html = again.get_data(as_text=True)
    assert again.status_code == 200
    assert '<html lang="es"' in html
    assert f"/check/{step.id}?" in switched.headers["Location"]
    expected = answered[first.id]
    assert ticked(html, first.id) == set(expected if isinstance(expected, list) else [expected])
    # The questions not answered yet stay unanswered, without an error.
    assert all(ticked(html, q.id) == set() for q in questions[1:])
    assert "error-summary" not in html and "has-error" not in html

    # Back to English: still ticked; then the step is sent in the usual way.
    back = client.post(
        f"/check/{step.id}", data={"s": hidden_token(html), **answered, "lang": "en"}
    )
    html = client.get(back.headers["Location"]).get_data(as_text=True)
    assert '<html lang="en"' in html
    assert ticked(html, first.id) == set(expected if isinstance(expected, list) else [expected])
    sent = client.post(
        f"/check/{step.id}", data={"s": hidden_token(html), **form_fields(HEALTHY, step.id)}
    )
    assert sent.status_code == 303 and f"/check/{step.id}?" not in sent.headers["Location"]


def test_enter_in_a_text_box_sends_the_step_not_a_language_button(client):
    """The form's first button in the page (the one Enter presses) is a plain submit.

    HTML's default button is the first submit button in tree order owned by the form,
    wherever it sits; the header's language buttons belong to the step form too, so a
    plain one must come before them.
    """
    page = reach(client, STEPS[0].id)
    owned = [
        button
        for button in re.findall(r"<button[^>]*>", page)
        if 'form="step-form"' in button or page.index(button) > page.index('<form method="post"')
    ]
    first_button = owned[0]
    assert "name=" not in first_button and "type=" not in first_button  # a plain submit
    assert 'aria-hidden="true"' in first_button and 'tabindex="-1"' in first_button
    language_button = next(button for button in owned if 'name="lang"' in button)
    assert page.index(first_button) < page.index(language_button)


def test_other_pages_keep_links(client):
    html = client.get("/").get_data(as_text=True)
    assert 'form="step-form"' not in html
    assert re.search(r'<a href="[^"]*lang=es[^"]*" lang="es"', html)
