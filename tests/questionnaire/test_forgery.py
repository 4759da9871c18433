"""Cookie-less state and forgery protection: the sealed token is the only credential.

A cross-site iframe gets no cookies, so nothing may depend on one; a request is
honoured only with a token this server sealed, still within its lifetime, and
only ever for the flow that token holds.
"""

from __future__ import annotations

import json
import time
import zlib

import pytest
from cryptography.fernet import Fernet

from questionnaire.catalogue import STEPS
from questionnaire.state import _fernet_key
from tests.support import BY_OUTCOME, HEALTHY, form_fields, hidden_token, token_of

HOST = "https://www.clinic.example"


@pytest.fixture
def app():
    from app import create_app

    return create_app(
        {"TESTING": True, "SECRET_KEY": "test-secret-key", "EMBED_ALLOWED_ORIGINS": HOST}
    )


@pytest.fixture
def client(app):
    return app.test_client(use_cookies=False)


def seal(payload: dict, secret: str = "test-secret-key", at: int | None = None) -> str:
    raw = zlib.compress(json.dumps(payload).encode())
    fernet = Fernet(_fernet_key(secret))
    return (fernet.encrypt_at_time(raw, at) if at else fernet.encrypt(raw)).decode()


def post_step(client, prefix, step_id, token, answers):
    return client.post(
        f"{prefix}/check/{step_id}", data={"s": token, **form_fields(answers, step_id)}
    )


@pytest.mark.parametrize("prefix", ["", "/embed"])
def test_the_whole_flow_works_without_any_cookie(client, prefix):
    location = client.get(f"{prefix}/check/start?origin={HOST}").headers["Location"]
    for step in STEPS:
        page = client.get(location)
        assert "Set-Cookie" not in page.headers
        response = post_step(client, prefix, step.id, hidden_token(page.get_data(True)), HEALTHY)
        assert response.status_code == 303 and "Set-Cookie" not in response.headers
        location = response.headers["Location"]
    assert f"{prefix}/check/result" in location
    assert client.get(location).status_code == 200


@pytest.mark.parametrize("prefix", ["", "/embed"])
def test_a_post_without_a_token_is_refused(client, prefix):
    response = post_step(client, prefix, "scars", "", HEALTHY)
    assert response.status_code == 303
    assert "notice=missing" in response.headers["Location"]


@pytest.mark.parametrize(
    "forge",
    [
        lambda token: token[:50] + ("A" if token[50] != "A" else "B") + token[51:],
        lambda token: seal({"f": "attacker", "a": {}}, secret="another-secret"),
        lambda token: "gAAAAAB" + "x" * 120,
    ],
    ids=["tampered", "other-secret", "garbage"],
)
def test_a_forged_token_is_refused_and_nothing_is_used(client, forge):
    token = token_of(client.get("/embed/check/start").headers["Location"])
    response = post_step(client, "/embed", "scars", forge(token), HEALTHY)
    assert response.status_code == 303
    assert "/embed/?notice=invalid" in response.headers["Location"]


def test_an_expired_token_is_refused(client):
    old = int(time.time()) - 5 * 60 * 60
    token = seal({"f": "flow-1", "a": {}}, at=old)
    response = post_step(client, "/embed", "scars", token, HEALTHY)
    assert "notice=expired" in response.headers["Location"]
    page = client.get(f"/embed/check/result?s={token}")
    assert "notice=expired" in page.headers["Location"]


def test_a_token_only_ever_continues_its_own_flow(client):
    """Flow B's page posting flow A's token continues A, never mixes the two."""
    a = hidden_token(client.get(client.get("/check/start").headers["Location"]).get_data(True))
    b = hidden_token(client.get(client.get("/check/start").headers["Location"]).get_data(True))
    after_a = token_of(post_step(client, "", "scars", a, BY_OUTCOME["clinician_review"]).location)
    after_b = token_of(post_step(client, "", "scars", b, HEALTHY).location)
    codec = client.application.extensions["state_codec"]
    state_a, state_b = codec.loads(after_a), codec.loads(after_b)
    assert state_a.flow_id != state_b.flow_id
    # Replaying A's first token into B's next step: the step can't be shown in
    # flow A yet (its first step has no answer in that token), so it is refused.
    replay = post_step(client, "", "skin", a, HEALTHY)
    assert "notice=invalid" in replay.headers["Location"]
    # Whatever is posted with B's token changes only B.
    response = post_step(client, "", "skin", after_b, HEALTHY)
    assert codec.loads(token_of(response.location)).flow_id == state_b.flow_id


def test_embed_settings_are_sealed_with_the_flow_and_win_over_the_url(client):
    start = client.get(f"/embed/check/start?origin={HOST}&accent=123456")
    token = token_of(start.headers["Location"])
    html = client.get(
        f"/embed/check/scars?s={token}&origin=https://evil.example&accent=ff0000"
    ).get_data(True)
    assert f'data-embed-origin="{HOST}"' in html and "accent=123456" in html
    assert "evil" not in html and "ff0000" not in html


def test_a_token_holding_a_bad_embed_part_is_refused(client):
    token = seal({"f": "f", "a": {}, "e": ["not", "a", "mapping"]})
    assert "notice=invalid" in client.get(f"/embed/check/scars?s={token}").headers["Location"]
