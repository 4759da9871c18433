"""The progress indicator counts the steps done, not the step on screen."""

import re

import pytest

from questionnaire.catalogue import QUESTIONS, STEPS
from tests.support import HEALTHY, form_fields, hidden_token


def progress_of(page: str) -> tuple[str, str, str, str]:
    """(label, bar value, bar max, bar's accessible name) as the step page shows them."""
    label = re.search(r'<p class="progress-label">([^<]+)</p>', page).group(1)
    bar = re.search(r'<progress max="(\d+)" value="(\d+)" aria-label="([^"]+)">', page)
    return label, bar.group(2), bar.group(1), bar.group(3)


def test_each_step_shows_its_number_and_a_bar_of_the_steps_before_it(client, walker):
    total = len(STEPS)
    location = walker.start()
    for number, step in enumerate(STEPS, start=1):
        page = client.get(location).get_data(as_text=True)
        done = number - 1
        assert progress_of(page) == (
            f"Step {number} of {total}",
            str(done),
            str(total),
            f"{done} of {total} steps done",
        )
        location = client.post(
            f"/check/{step.id}", data={"s": hidden_token(page), **form_fields(HEALTHY, step.id)}
        ).headers["Location"]
    assert "/check/result" in location


def test_the_first_step_shows_an_empty_bar(client, walker):
    page = client.get(walker.start()).get_data(as_text=True)
    assert progress_of(page)[1] == "0"


def test_a_step_shown_again_with_errors_keeps_its_progress(client, walker):
    page = client.get(walker.start()).get_data(as_text=True)
    scars = client.post(
        "/check/scars", data={"s": hidden_token(page), **form_fields(HEALTHY, "scars")}
    )
    skin = client.get(scars.headers["Location"]).get_data(as_text=True)
    failed = client.post("/check/skin", data={"s": hidden_token(skin)})
    assert failed.status_code == 422
    assert progress_of(failed.get_data(as_text=True))[:2] == (f"Step 2 of {len(STEPS)}", "1")


@pytest.mark.parametrize("step", STEPS, ids=lambda s: s.id)
def test_every_step_is_short(step):
    """At most four questions a step: one to two screens on a phone (docs/patient-pages.md)."""
    assert 1 <= sum(q.step == step.id for q in QUESTIONS) <= 4
