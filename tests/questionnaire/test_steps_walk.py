"""A whole walk through the steps, in their order, to each outcome.

Each answer that decides an outcome here is asked on one of the steps the short
layout made (area, medicines, health, healing), so a walk proves the answer still
reaches the rules from its new step.
"""

import re

import pytest

from questionnaire.catalogue import QUESTIONS, STEPS
from tests.support import HEALTHY, form_fields, hidden_token

STEP_OF = {q.id: q.step for q in QUESTIONS}

WALKS = [
    ({}, "book_consultation"),
    ({"radiation_to_area_within_year": True}, "not_suitable_now"),
    ({"pregnant_or_breastfeeding": True}, "not_suitable_now"),
    ({"bleeding_disorder_or_anticoagulants": True}, "clinician_review"),
    ({"cold_sores_history": True}, "clinician_review"),
    ({"connective_tissue_disease": True}, "see_dermatologist"),
    ({"keloid_history": True}, "see_dermatologist"),
    ({"anaesthetic_allergy": True}, "clinician_review"),
]


@pytest.mark.parametrize(("change", "outcome"), WALKS, ids=lambda v: str(v))
def test_a_walk_through_every_step_reaches_its_outcome(client, change, outcome):
    answers = {**HEALTHY, **change}
    location = client.get("/check/start").headers["Location"]
    visited = []
    while "/check/result" not in location:
        page = client.get(location).get_data(as_text=True)
        step_id = re.search(r'action="/check/(\w+)"', page).group(1)
        visited.append(step_id)
        response = client.post(
            f"/check/{step_id}", data={"s": hidden_token(page), **form_fields(answers, step_id)}
        )
        assert response.status_code == 303
        location = response.headers["Location"]
    assert visited == [step.id for step in STEPS]
    assert {STEP_OF[field] for field in change} <= {"area", "medicines", "health", "healing"}
    result = client.get(location).get_data(as_text=True)
    assert f'class="result-panel outcome-{outcome.replace("_", "-")}"' in result
