"""The JSON API as another program uses it: the contract's shapes, errors, CORS and schema."""

from __future__ import annotations

import json
import re

import pytest

import rules
from app import create_app
from questionnaire.catalogue import QUESTIONS, STEPS
from tests.support import BY_OUTCOME, HEALTHY, load_examples

HOST = "https://www.clinic.example"


@pytest.fixture
def app():
    return create_app(
        {"TESTING": True, "SECRET_KEY": "test-secret-key", "EMBED_ALLOWED_ORIGINS": HOST}
    )


def assess(client, body, **kwargs):
    return client.post("/api/v1/assessments", json=body, **kwargs)


@pytest.mark.parametrize("outcome", list(BY_OUTCOME))
def test_assessment_is_the_contract_decision(client, outcome):
    response = assess(client, BY_OUTCOME[outcome])
    assert response.status_code == 200
    assert response.json == rules.evaluate(BY_OUTCOME[outcome]).to_dict()
    assert response.json["outcome"] == outcome
    assert set(response.json) == {"outcome", "reasons", "rulebase"}
    assert "no-store" in response.headers["Cache-Control"]


@pytest.mark.parametrize("example", load_examples(), ids=lambda e: e["id"])
def test_worked_examples_through_the_api(client, example):
    decision = assess(client, example["answers"]).json
    assert decision["outcome"] == example["expected"]
    keys = {reason["key"] for reason in decision["reasons"]}
    assert set(example["must_mention"]) <= keys


def test_every_problem_is_reported_at_once_with_its_field(client):
    body = {**HEALTHY, "age": 9, "colour": "blue", "keloid_history": "no"}
    del body["diabetes"]
    response = assess(client, body)
    assert response.status_code == 422
    fields = [error["field"] for error in response.json["errors"]]
    assert sorted(fields) == ["age", "colour", "diabetes", "keloid_history"]
    assert {"field": "colour", "message": "Unknown field."} in response.json["errors"]
    assert all(error["message"] for error in response.json["errors"])


@pytest.mark.parametrize("body", [[], "answers", 42, None])
def test_a_body_that_is_not_an_object_is_422_for_the_whole_request(client, body):
    response = client.post(
        "/api/v1/assessments", data=json.dumps(body), content_type="application/json"
    )
    assert response.status_code == 422
    assert response.json["errors"][0]["field"] == ""


def test_whole_number_written_as_decimal_is_a_whole_number(client):
    body = json.dumps(HEALTHY).replace('"age": 28', '"age": 28.0')
    response = client.post("/api/v1/assessments", data=body, content_type="application/json")
    assert response.status_code == 200
    fraction = json.dumps(HEALTHY).replace('"age": 28', '"age": 28.5')
    response = client.post("/api/v1/assessments", data=fraction, content_type="application/json")
    assert response.status_code == 422 and response.json["errors"][0]["field"] == "age"


@pytest.mark.parametrize(
    ("data", "content_type", "status"),
    [
        ("{not json", "application/json", 400),
        ("[" * 50_000, "application/json", 400),
        (json.dumps(HEALTHY), "text/plain", 415),
        ("age=30", "application/x-www-form-urlencoded", 415),
        ("[" + "1," * 40_000 + "1]", "application/json", 413),
    ],
    ids=["malformed", "deeply-nested", "text-plain", "form", "too-large"],
)
def test_unusable_bodies_get_the_error_shape_never_a_500(client, data, content_type, status):
    response = client.post("/api/v1/assessments", data=data, content_type=content_type)
    assert response.status_code == status
    assert response.is_json
    assert response.json["errors"][0]["field"] == ""
    assert response.json["errors"][0]["message"]


def test_unknown_paths_and_methods_under_api_answer_json(client):
    missing = client.get("/api/v1/nothing-here")
    assert missing.status_code == 404 and missing.is_json and missing.json["errors"]
    wrong = client.get("/api/v1/assessments")
    assert wrong.status_code == 405 and wrong.is_json
    assert "POST" in wrong.headers["Allow"]


def test_questionnaire_lists_every_step_question_choice_and_text(client):
    response = client.get("/api/v1/questionnaire?lang=en")
    assert response.status_code == 200
    data = response.json
    assert data["lang"] == "en"
    assert [step["id"] for step in data["steps"]] == [step.id for step in STEPS]
    questions = [q for step in data["steps"] for q in step["questions"]]
    assert [q["id"] for q in questions] == [q.id for q in QUESTIONS]
    assert set(q["id"] for q in questions) == set(rules.FIELDS)
    by_id = {q["id"]: q for q in questions}
    assert by_id["scar_types"]["label"] == "Which of these look like your scars?"
    assert [c["value"] for c in by_id["scar_types"]["choices"]] == list(
        rules.FIELDS["scar_types"].choices
    )
    assert [c["value"] for c in by_id["keloid_history"]["choices"]] == [True, False]
    assert (by_id["age"]["minimum"], by_id["age"]["maximum"]) == (12, 120)
    assert all(q["shown_when"] is None or q["shown_when"]["field"] for q in questions)


def test_questionnaire_language_from_accept_language(client):
    response = client.get("/api/v1/questionnaire", headers={"Accept-Language": "de, en;q=0.5"})
    assert response.headers["Content-Language"] == "en"
    assert "Accept-Language" in response.headers["Vary"]


def test_cors_only_for_allowed_origins(client):
    allowed = client.get("/api/v1/questionnaire", headers={"Origin": HOST})
    assert allowed.headers["Access-Control-Allow-Origin"] == HOST
    assert "Origin" in allowed.headers["Vary"]
    other = client.get("/api/v1/questionnaire", headers={"Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in other.headers
    preflight = client.options(
        "/api/v1/assessments",
        headers={
            "Origin": HOST,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )
    assert preflight.headers["Access-Control-Allow-Origin"] == HOST
    assert "POST" in preflight.headers["Access-Control-Allow-Methods"]
    assert "Content-Type" in preflight.headers["Access-Control-Allow-Headers"]
    assert "Access-Control-Allow-Credentials" not in preflight.headers


@pytest.mark.parametrize("path", ["/api/v1/questionnaire", "/api/v1/openapi.json"])
def test_the_api_can_never_be_framed(client, path):
    response = client.get(path, headers={"Origin": HOST})
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Frame-Options"] == "DENY"


def test_openapi_answer_schema_is_generated_from_the_rules_and_the_catalogue(client):
    document = client.get("/api/v1/openapi.json").json
    assert document["openapi"].startswith("3.1")
    answers = document["components"]["schemas"]["Answers"]
    assert answers["required"] == list(rules.FIELDS)
    assert answers["additionalProperties"] is False
    for name, spec in rules.FIELDS.items():
        prop = answers["properties"][name]
        question = next(q for q in QUESTIONS if q.id == name)
        assert prop["description"].startswith(str(question.label))
        if spec.kind == "choice":
            assert prop["enum"] == list(spec.choices)
        elif spec.kind == "multi":
            assert prop["items"]["enum"] == list(spec.choices)
            assert prop["minItems"] == 1 and prop["uniqueItems"] is True
        elif spec.kind == "bool":
            assert prop["type"] == "boolean"
        else:
            assert (prop["minimum"], prop["maximum"]) == (spec.minimum, spec.maximum)
    reason = document["components"]["schemas"]["Reason"]["properties"]
    table, clinic = reason["key"]["anyOf"]  # the table's keys, or a clinic's own (section 3)
    assert table["enum"] == list(rules.REASON_SEVERITY)
    assert re.fullmatch(clinic["pattern"].strip("^$"), "clinic_age_over_65")
    assert not re.fullmatch(clinic["pattern"].strip("^$"), "age_over_65")
    assert set(document["paths"]) == {
        "/api/v1/questionnaire",
        "/api/v1/assessments",
        "/api/v1/openapi.json",
        "/api/v1/leads",
        "/api/v1/leads/{lead_id}",
        "/api/v1/leads/{lead_id}/status",
        "/api/v1/leads/{lead_id}/verdict",
    }
