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
