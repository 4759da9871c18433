"""The JSON API is rate-limited per client like every public endpoint, and says so in JSON."""

from __future__ import annotations

import pytest

from app import create_app
from tests.support import HEALTHY

HOST = "https://www.clinic.example"
LIMIT = 3


@pytest.fixture
def app():
    return create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret-key",
            "EMBED_ALLOWED_ORIGINS": HOST,
            "RATELIMIT_ENABLED": True,
            "RATELIMIT_API": f"{LIMIT} per minute",
        }
    )


def preflight(client):
    return client.options(
        "/api/v1/assessments",
        headers={"Origin": HOST, "Access-Control-Request-Method": "POST"},
    )


def assess(client, body=HEALTHY, address="192.0.2.1"):
    return client.post(
        "/api/v1/assessments",
        json=body,
        headers={"Origin": HOST},
        environ_base={"REMOTE_ADDR": address},
    )


def test_past_the_limit_the_api_answers_429_in_the_contracts_error_shape(client):
    assert [preflight(client).status_code for _ in range(LIMIT + 2)] == [200] * (LIMIT + 2)
    codes = [assess(client).status_code for _ in range(LIMIT - 1)]
    codes.append(assess(client, {"age": 9}).status_code)  # refused answers count too
    assert codes == [200] * (LIMIT - 1) + [422]

    refused = assess(client)
    assert refused.status_code == 429
    assert refused.mimetype == "application/json"
    body = refused.get_json()
    assert set(body) == {"errors"} and len(body["errors"]) == 1
    assert body["errors"][0]["field"] == ""
    assert body["errors"][0]["message"]
    assert int(refused.headers["Retry-After"]) > 0
    # A browser caller on the clinic's site can read the refusal (CORS as on every answer).
    assert refused.headers["Access-Control-Allow-Origin"] == HOST

    # The answer matches what the OpenAPI document promises for 429.
    document = client.get("/api/v1/openapi.json", environ_base={"REMOTE_ADDR": "192.0.2.9"})
    promised = document.get_json()["paths"]["/api/v1/assessments"]["post"]["responses"]["429"]
    assert promised["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Errors"
    }
    assert "Retry-After" in promised["headers"]


def test_the_limit_is_per_client(client):
    for _ in range(LIMIT):
        assess(client, address="192.0.2.1")
    assert assess(client, address="192.0.2.1").status_code == 429
    assert assess(client, address="192.0.2.2").status_code == 200


def test_reading_the_questionnaire_counts_too(client):
    codes = [client.get("/api/v1/questionnaire").status_code for _ in range(LIMIT + 1)]
    assert codes == [200] * LIMIT + [429]
    assert client.get("/api/v1/questionnaire").get_json()["errors"][0]["message"]


def test_the_default_limit_is_generous_and_configurable(monkeypatch):
    from core import config

    assert config.from_environment()["RATELIMIT_API"] == "120 per minute"
    monkeypatch.setenv("RATELIMIT_API", "10 per second")
    assert config.from_environment()["RATELIMIT_API"] == "10 per second"
