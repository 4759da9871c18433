"""Every clinical question needs the person's own answer: nothing pre-ticked, nothing implied.

Each step is sent with one question left blank and every other one answered: the
step comes back (422) naming exactly that question, with the other answers kept.
"""

import re

import pytest

from questionnaire.catalogue import QUESTIONS, STEPS
from tests.support import HEALTHY, form_fields

CASES = [
    pytest.param(step.id, question, id=f"{step.id}-{question.id}")
    for step in STEPS
    for question in QUESTIONS
    if question.step == step.id
]


def answers_before(step_id: str) -> dict:
    order = [step.id for step in STEPS]
    earlier = set(order[: order.index(step_id)])
    return {q.id: HEALTHY[q.id] for q in QUESTIONS if q.step in earlier}


def token_for(app, step_id: str) -> str:
    codec = app.extensions["state_codec"]
    state = codec.new()
    state.answers = answers_before(step_id)
    return codec.dumps(state)


def kept(page: str, question, value) -> bool:
    """The page shows ``value`` as this question's answer."""
    if question.kind == "int":
        return f'value="{value}"' in page
    values = value if isinstance(value, list) else [value]
    if question.kind == "bool":
        values = ["yes" if value else "no"]
    return all(
        re.search(rf'name="{question.id}" value="{re.escape(str(v))}"\s+checked', page)
        for v in values
    )


@pytest.mark.parametrize(("step_id", "blank"), CASES)
def test_a_step_with_one_question_unanswered_names_it_and_keeps_the_rest(app, step_id, blank):
    client = app.test_client()
    data = form_fields({k: v for k, v in HEALTHY.items() if k != blank.id}, step_id)
    response = client.post(f"/check/{step_id}", data={"s": token_for(app, step_id), **data})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    summary = page.split('id="error-summary"')[1].split("</div>")[0]
    assert re.findall(r'<a href="#([\w-]+)">([^<]+)</a>', summary) == [
        (blank.id if blank.kind == "int" else f"{blank.id}-0", str(blank.required_message))
    ]
    for question in QUESTIONS:
        if question.step == step_id and question is not blank:
            assert kept(page, question, HEALTHY[question.id]), question.id


@pytest.mark.parametrize("step", STEPS, ids=lambda s: s.id)
def test_nothing_is_answered_for_the_person_when_a_step_opens(app, step):
    page = app.test_client().get(f"/check/{step.id}?s={token_for(app, step.id)}")
    form = page.get_data(as_text=True).split("<form", 1)[1]
    assert not re.search(r"<input[^>]*\schecked", form)
    assert not re.search(r'name="age" value="[^"]', form)


def test_every_yes_no_question_is_its_own_answer():
    """No "none of these" box answers several questions: each one has its own Yes and No."""
    for question in QUESTIONS:
        if question.kind == "bool":
            assert [c.value for c in question.choices] == ["yes", "no"], question.id
        for choice in question.choices:
            assert "none of" not in str(choice.label).lower(), question.id
