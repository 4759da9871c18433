"""The sealed state token: round trip, tampering, expiry and privacy."""

import re
import time

import pytest
from cryptography.fernet import Fernet

from questionnaire.state import MAX_TOKEN_LENGTH, FlowState, StateCodec, StateError, _fernet_key


def codec(max_age=3600, secret="secret-one"):
    return StateCodec(secret, max_age)


def test_round_trip_keeps_answers_flow_and_language():
    state = FlowState(
        "flow-1", {"scar_types": ["rolling"], "age": 30, "keloid_history": False}, "en"
    )
    loaded = codec().loads(codec().dumps(state))
    assert loaded == state


def test_answers_are_not_readable_in_the_token():
    token = codec().dumps(FlowState("f", {"pregnant_or_breastfeeding": True}))
    import base64

    raw = base64.urlsafe_b64decode(token + "==")
    assert b"pregnant" not in raw and b"pregnant" not in token.encode()


@pytest.mark.parametrize("token", [None, ""])
def test_missing_token(token):
    with pytest.raises(StateError) as error:
        codec().loads(token)
    assert error.value.reason == "missing"


def test_tampered_token_is_invalid():
    token = codec().dumps(FlowState("f", {"age": 30}))
    flipped = token[:40] + ("A" if token[40] != "A" else "B") + token[41:]
    with pytest.raises(StateError) as error:
        codec().loads(flipped)
    assert error.value.reason == "invalid"


def test_token_from_another_secret_is_invalid():
    token = codec(secret="other").dumps(FlowState("f", {}))
    with pytest.raises(StateError) as error:
        codec().loads(token)
    assert error.value.reason == "invalid"


@pytest.mark.parametrize(
    "garbage", ["abc", "!!!", "x" * (MAX_TOKEN_LENGTH + 1), "gAAAAA" + "A" * 90]
)
def test_garbage_is_invalid_not_a_crash(garbage):
    with pytest.raises(StateError) as error:
        codec().loads(garbage)
    assert error.value.reason == "invalid"


def test_old_token_is_expired():
    fernet = Fernet(_fernet_key("secret-one"))
    import json
    import zlib

    payload = zlib.compress(json.dumps({"f": "f", "a": {}}).encode())
    old = fernet.encrypt_at_time(payload, int(time.time()) - 7200).decode()
    with pytest.raises(StateError) as error:
        codec(max_age=3600).loads(old)
    assert error.value.reason == "expired"


def test_well_sealed_but_malformed_payload_is_invalid():
    fernet = Fernet(_fernet_key("secret-one"))
    token = fernet.encrypt(b"not zlib at all").decode()
    with pytest.raises(StateError) as error:
        codec().loads(token)
    assert error.value.reason == "invalid"


def test_tokens_read_the_same_in_urls_and_html_and_padded_ones_still_open():
    sealer = codec()
    for n in range(40):  # ciphertext lengths that would need every amount of padding
        state = FlowState(flow_id="f", answers={"age": 20 + n, "note": "x" * n})
        token = sealer.dumps(state)
        assert re.fullmatch(r"[A-Za-z0-9_-]+", token), token
        padded = token + "=" * (-len(token) % 4)
        assert sealer.loads(padded).answers == state.answers
        assert sealer.loads(token).answers == state.answers


def test_a_token_with_stray_characters_is_invalid_even_if_base64_would_skip_them():
    sealer = codec()
    token = sealer.dumps(FlowState(flow_id="f", answers={}))
    for stray in ("<b>", '"', " ", "\n", "%3D", "."):
        with pytest.raises(StateError) as refused:
            sealer.loads(token[:10] + stray + token[10:])
        assert refused.value.reason == "invalid"


def test_a_token_expires_its_lifetime_after_the_check_began_however_often_it_is_resealed():
    """Every page seals a fresh token: counted from the last one, a leaked link lived for ever."""
    sealer = codec(max_age=3600)
    state = sealer.new()
    state.started -= 3590  # began almost an hour ago
    resealed = sealer.loads(sealer.dumps(sealer.loads(sealer.dumps(state))))
    assert resealed.started == state.started  # a new token keeps the check's start
    state.started -= 11
    with pytest.raises(StateError) as error:
        sealer.loads(sealer.dumps(state))  # sealed a moment ago, begun over an hour ago
    assert error.value.reason == "expired"


def test_a_token_sealed_before_starts_were_carried_began_when_it_was_sealed():
    import json
    import zlib

    fernet = Fernet(_fernet_key("secret-one"))
    raw = zlib.compress(json.dumps({"f": "old", "a": {}}).encode())
    fresh = fernet.encrypt(raw).decode().rstrip("=")
    assert codec().loads(fresh).started == pytest.approx(time.time(), abs=5)
    old = fernet.encrypt_at_time(raw, int(time.time()) - 7200).decode().rstrip("=")
    with pytest.raises(StateError) as error:
        codec(max_age=3600).loads(old)
    assert error.value.reason == "expired"


def test_the_result_page_cannot_renew_an_old_check(client):
    from tests.support import HEALTHY, hidden_token

    sealer = client.application.extensions["state_codec"]
    lifetime = client.application.config["FLOW_TOKEN_MAX_AGE"]
    state = sealer.new()
    state.answers = dict(HEALTHY)
    state.started -= lifetime - 60  # a minute of its life left
    page = client.get("/check/result", query_string={"s": sealer.dumps(state)})
    assert page.status_code == 200
    renewed = sealer.loads(hidden_token(page.get_data(as_text=True)))
    assert renewed.started == state.started
    state.started -= 61
    expired = client.get("/check/result", query_string={"s": sealer.dumps(state)})
    assert expired.status_code == 303 and "notice=expired" in expired.headers["Location"]
