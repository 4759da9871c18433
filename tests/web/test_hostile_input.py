"""Random, malformed and oversized input to the wizard never causes a server error."""

import string

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict

from questionnaire.catalogue import QUESTIONS, STEPS
from tests.support import HEALTHY, form_fields, hidden_token, sqlite_app

FIELD_NAMES = [q.id for q in QUESTIONS] + ["s", "lang", "extra", ""]
odd_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",)), max_size=60
) | st.sampled_from(["", "yes", "no", "none", "12", "-1", "1e9", "\x00", "<script>", "' OR 1=1"])
form_bodies = st.lists(st.tuples(st.sampled_from(FIELD_NAMES), odd_text), max_size=25)
SETTINGS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@pytest.fixture
def app(tmp_path):
    """Rate limits off: these tests send far more posts than one person could."""
    return sqlite_app(tmp_path, RATELIMIT_ENABLED=False)


def token_for_step(client, walker, step_index):
    location = walker.start()
    for step in STEPS[:step_index]:
        token = hidden_token(client.get(location).get_data(as_text=True))
        location = client.post(
            f"/check/{step.id}", data={"s": token, **form_fields(HEALTHY, step.id)}
        ).headers["Location"]
    return hidden_token(client.get(location).get_data(as_text=True))


@SETTINGS
@given(body=form_bodies, step_index=st.integers(0, len(STEPS) - 1))
def test_random_step_posts_are_answered_with_redirect_or_errors(client, walker, body, step_index):
    token = token_for_step(client, walker, step_index)
    step_id = STEPS[step_index].id
    data = [("s", token), *body] if all(name != "s" for name, _ in body) else body
    response = client.post(f"/check/{step_id}", data=MultiDict(data))
    assert response.status_code in (303, 422), response.status_code
    if response.status_code == 422:
        page = response.get_data(as_text=True)
        assert "There is a problem" in page
        assert "<script>" not in page  # anything echoed back is escaped


@SETTINGS
@given(token=st.text(alphabet=string.printable, max_size=300), step=st.sampled_from(STEPS))
def test_forged_tokens_restart_the_flow(client, token, step):
    for response in (
        client.get(f"/check/{step.id}", query_string={"s": token}),
        client.post(f"/check/{step.id}", data={"s": token}),
        client.get("/check/result", query_string={"s": token}),
    ):
        assert response.status_code == 303
        assert "notice=" in response.headers["Location"] or "s=" in response.headers["Location"]


def test_raw_bytes_and_bad_encodings_do_not_crash(client, walker):
    token = token_for_step(client, walker, 0)
    response = client.post(
        "/check/scars",
        data=b"s=" + token.encode() + b"&scar_types=\xff\xfe&scar_severity=%C0%80",
        content_type="application/x-www-form-urlencoded",
    )
    # Werkzeug drops a body it cannot decode; without its token the flow restarts.
    assert response.status_code == 303
    assert response.headers["Location"].endswith("notice=missing")


def test_an_oversized_body_gets_413(client):
    response = client.post("/check/scars", data={"s": "x", "scar_types": "a" * (70 * 1024)})
    assert response.status_code == 413
    assert "too large" in response.get_data(as_text=True)


@pytest.mark.parametrize("name", ["step_id", "lang", "s"])
def test_a_query_argument_named_like_a_path_value_is_no_crash(client, walker, name):
    """?step_id=x beside /check/<step_id> made the language switch's url_for fail (a 500)."""
    app = client.application
    app.config["PROPAGATE_EXCEPTIONS"] = False  # as in production: a crash would be a 500
    start = client.get("/check/start").headers["Location"]
    token = start.split("s=")[1]
    assert client.get(f"{start}&{name}=zzz").status_code < 500
    shown_again = client.post(f"/check/scars?{name}=zzz", data={"s": token})
    assert shown_again.status_code < 500
