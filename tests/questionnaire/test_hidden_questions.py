"""Questions shown only for some answers: progress, completion and the decision stay right."""

import re
from dataclasses import replace

from app import create_app
from questionnaire.catalogue import QUESTIONS, STEPS, Condition
from tests.support import HEALTHY, form_fields, hidden_token

# A variant catalogue: every "health" question is shown only to people with severe scars,
# so the whole health step disappears for everyone else.
VARIANT = [
    replace(q, when=Condition("scar_severity", ("severe",)), value_when_hidden=False)
    if q.step == "health" and q.kind == "bool"
    else q
    for q in QUESTIONS
]
VARIANT = [
    replace(q, when=Condition("scar_severity", ("severe",)), value_when_hidden=q.choices[0].value)
    if q.step == "health" and q.kind == "choice"
    else q
    for q in VARIANT
]


def walk(client, answers):
    location = client.get("/check/start").headers["Location"]
    seen = []
    while "/check/result" not in location:
        page = client.get(location).get_data(as_text=True)
        step_id = re.search(r'action="/check/(\w+)"', page).group(1)
        seen.append((step_id, re.search(r"Step (\d) of (\d)", page).groups()))
        location = client.post(
            f"/check/{step_id}", data={"s": hidden_token(page), **form_fields(answers, step_id)}
        ).headers["Location"]
    return seen, client.get(location).get_data(as_text=True)


def test_a_hidden_step_is_skipped_and_progress_counts_only_what_is_shown():
    app = create_app({"TESTING": True, "SECRET_KEY": "k", "QUESTIONNAIRE_QUESTIONS": VARIANT})
    seen, result = walk(app.test_client(), HEALTHY)
    shown = [s.id for s in STEPS if s.id != "health"]
    assert seen == [(s, (str(n), str(len(shown)))) for n, s in enumerate(shown, start=1)]
    assert "Microneedling is likely to suit you" in result


def test_the_step_reappears_when_an_earlier_answer_calls_for_it():
    app = create_app({"TESTING": True, "SECRET_KEY": "k", "QUESTIONNAIRE_QUESTIONS": VARIANT})
    answers = {**HEALTHY, "scar_severity": "severe", "keloid_history": True}
    seen, result = walk(app.test_client(), answers)
    assert [step for step, _ in seen] == [s.id for s in STEPS]
    # Before the severity is known the health step is not counted; from then on it is.
    every = len(STEPS)
    assert [count for _, count in seen] == [
        ("1", str(every - 1)),
        *((str(n), str(every)) for n in range(2, every + 1)),
    ]
    assert "Please see a dermatologist first" in result
