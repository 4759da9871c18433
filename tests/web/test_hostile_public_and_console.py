"""Random, malformed, duplicated, oversized and wrongly typed input to every POST route.

The contact form (site and embed), the JSON API and the console's forms: no
input gives a 5xx; every refusal is a 4xx that says what is wrong; a refused
form comes back with the person's other answers kept.
"""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict
from werkzeug.test import EnvironBuilder

from core.extensions import db
from leads.models import Lead
from tests import support
from tests.console_support import CONTACT
from tests.factories import csrf_token, staff_client
from tests.support import HEALTHY, sqlite_app

HOST = "https://www.clinic.example"
SETTINGS = settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)

odd_text = (
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=80)
    | st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=1000, max_size=3000)
    | st.sampled_from(
        [
            "",
            " ",
            "y",
            "on",
            "morning",
            "\x00",
            "\u202e\u200b\ufeff",
            "Zoë 😀 Ωμέγα 漢字",
            "<script>alert(1)</script>",
            "' OR 1=1 --",
            "+44 20 7946 0958",
            "a@b",
            "x" * 300,
        ]
    )
)


@pytest.fixture
def app(tmp_path):
    """SQLite, rate limits off: these tests send far more posts than one person could."""
    return sqlite_app(
        tmp_path, AUTO_MIGRATE=True, RATELIMIT_ENABLED=False, EMBED_ALLOWED_ORIGINS=HOST
    )


def completed_token(app, embed: bool = False) -> str:
    """A fresh, finished questionnaire's sealed token (a new flow id each time)."""
    return support.completed_token(app, embed={"origin": HOST} if embed else None)


def leads_stored(app) -> int:
    with app.app_context():
        return db.session.query(Lead).count()


# --- The contact form ------------------------------------------------------------

CONTACT_FIELDS = ["name", "email", "phone", "contact_time", "message", "consent", "lang", "x"]


@SETTINGS
@given(
    body=st.lists(st.tuples(st.sampled_from(CONTACT_FIELDS), odd_text), max_size=14),
    embed=st.booleans(),
)
def test_random_contact_posts_store_a_lead_or_name_the_errors(app, client, body, embed):
    """A flow started in an embed posts to the same route; the token says where it started."""
    token = completed_token(app, embed)
    before = leads_stored(app)
    fields = [("s", token), *body]
    response = client.post("/check/contact", data=MultiDict(fields))
    sent = EnvironBuilder(method="POST", data=MultiDict(fields)).get_environ()["CONTENT_LENGTH"]
    if int(sent) > app.config["MAX_CONTENT_LENGTH"]:
        # Long odd Unicode, percent-encoded, can pass the body limit: refused whole.
        assert response.status_code == 413
        assert "too large" in response.get_data(as_text=True)
        assert leads_stored(app) == before
        return
    assert response.status_code in (303, 422), response.status_code
    if response.status_code == 303:
        assert "/check/contact/done" in response.headers["Location"]
        assert leads_stored(app) == before + 1
    else:
        page = response.get_data(as_text=True)
        assert "There is a problem" in page
        assert "<script>alert(1)</script>" not in page
        assert leads_stored(app) == before


@SETTINGS
@given(token=st.text(max_size=200) | st.binary(max_size=200).map(lambda b: b.hex()))
def test_contact_posts_with_forged_tokens_store_nothing(app, client, token):
    response = client.post("/check/contact", data={"s": token, **CONTACT})
    assert response.status_code == 303
    assert "notice=" in response.headers["Location"]
    assert leads_stored(app) == 0


def test_a_refused_contact_form_keeps_every_other_answer(app, client):
    token = completed_token(app)
    response = client.post(
        "/check/contact",
        data={**CONTACT, "s": token, "email": "not an email", "message": "Call after 5 & <b>"},
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Enter an email address like name@example.com." in page
    assert 'value="Zoë Example"' in page
    assert 'value="+44 20 7946 0958"' in page
    assert "Call after 5 &amp; &lt;b&gt;" in page
    assert 'value="morning" checked' in page or 'checked value="morning"' in page
    assert leads_stored(app) == 0


def test_duplicated_contact_fields_use_the_first_and_store_one_lead(app, client):
    token = completed_token(app)
    data = MultiDict([("s", token), *CONTACT.items(), ("name", "Second"), ("s", "forged")])
    assert client.post("/check/contact", data=data).status_code == 303
    with app.app_context():
        assert [lead.name for lead in db.session.query(Lead)] == ["Zoë Example"]


def test_contact_raw_bytes_and_bad_percent_encodings_do_not_crash(app, client):
    token = completed_token(app)
    response = client.post(
        "/check/contact",
        data=b"s=" + token.encode() + b"&name=\xff\xfe%C0%80&consent=y&email=%00%ZZ",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code in (303, 422)


def test_an_oversized_contact_post_gets_413(app, client):
    token = completed_token(app)
    response = client.post("/check/contact", data={**CONTACT, "s": token, "message": "m" * 70_000})
    assert response.status_code == 413
    assert "too large" in response.get_data(as_text=True)
    assert leads_stored(app) == 0


# --- The JSON API ----------------------------------------------------------------

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**30), max_value=10**30)
    | st.floats(allow_nan=False)
    | st.text(max_size=30),
    lambda children: (
        st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=20), children, max_size=6)
    ),
    max_leaves=30,
)
field_names = st.sampled_from([*HEALTHY, "colour", ""]) | st.text(max_size=15)
answers_like = st.dictionaries(field_names, json_values, max_size=25).map(
    lambda random: {**HEALTHY, **random}
)


def assert_api_refusal(response, statuses=(400, 413, 415, 422)):
    assert response.status_code in statuses, (response.status_code, response.get_data()[:300])
    assert response.is_json
    errors = response.get_json()["errors"]
    assert errors and all(isinstance(e["message"], str) and e["message"] for e in errors)
    assert all(set(e) == {"field", "message"} for e in errors)


@SETTINGS
@given(body=answers_like | json_values)
def test_random_json_gets_a_decision_or_per_field_errors(client, body):
    response = client.post(
        "/api/v1/assessments", data=json.dumps(body), content_type="application/json"
    )
    if response.status_code == 200:
        assert response.get_json()["outcome"]
    else:
        assert_api_refusal(response, (422,))


@SETTINGS
@given(raw=st.binary(max_size=300), content_type=st.sampled_from(["application/json", None]))
def test_raw_bytes_to_the_api_are_refused_clearly(client, raw, content_type):
    response = client.post("/api/v1/assessments", data=raw, content_type=content_type)
    if response.status_code != 200:
        assert_api_refusal(response)


@pytest.mark.parametrize(
    ("body", "content_type", "status"),
    [
        ('{"age": 30, "age": "thirty"}', "application/json", 422),  # duplicated key: last wins
        ('{"age": 1e400}', "application/json", 422),
        ('{"age": ' + "9" * 5000 + "}", "application/json", 400),
        ('{"age": -0.0}', "application/json", 422),
        ("[" * 50_000 + "]" * 50_000, "application/json", 413),
        ("[" * 20_000 + "]" * 20_000, "application/json", 400),
        ('{"a": ' * 3000 + "1" + "}" * 3000, "application/json", 400),
        ("NaN", "application/json", 422),
        ('"just a string"', "application/json", 422),
        ("age=30", "application/x-www-form-urlencoded", 415),
        ('{"age": 30}', "text/plain", 415),
        ('{"age": 30}', "multipart/form-data; boundary=x", 415),
        ("\ufeff{}", "application/json", 422),  # a byte-order mark is allowed
        ("{}", "application/json; charset=latin-1", 422),
    ],
    ids=lambda value: str(value)[:30],
)
def test_odd_api_bodies_get_the_documented_refusal(client, body, content_type, status):
    response = client.post("/api/v1/assessments", data=body, content_type=content_type)
    assert_api_refusal(response, (status,))


def test_duplicated_keys_never_smuggle_a_value_past_validation(client):
    healthy = json.dumps(HEALTHY)[:-1]
    response = client.post(
        "/api/v1/assessments",
        data=healthy + ', "pregnant_or_breastfeeding": true}',
        content_type="application/json",
    )
    assert response.get_json()["outcome"] == "not_suitable_now"


# --- The console's forms (signed in, with a valid CSRF token) --------------------


@pytest.fixture
def console(app):
    """An admin's client and one lead to work on."""
    public = app.test_client()
    public.post("/check/contact", data={**CONTACT, "s": completed_token(app)})
    client = staff_client(app, "admin@clinic.test", role="admin")
    with app.app_context():
        lead_id = db.session.query(Lead.id).scalar()
    client.csrf = csrf_token(client.get(f"/staff/leads/{lead_id}").get_data(as_text=True))
    client.lead_id = lead_id
    return client


CONSOLE_FIELDS = ["text", "status", "email", "name", "role", "password", "q", "s", "x"]


@SETTINGS
@given(
    route=st.sampled_from(
        ["/staff/leads/{id}/status", "/staff/leads/{id}/notes", "/staff/admin/staff"]
    ),
    body=st.lists(st.tuples(st.sampled_from(CONSOLE_FIELDS), odd_text), max_size=10),
)
def test_random_console_posts_are_handled_or_refused_clearly(console, route, body):
    url = route.format(id=console.lead_id)
    response = console.post(url, data=MultiDict([("csrf_token", console.csrf), *body]))
    assert response.status_code in (302, 303, 413, 422), response.status_code
    page = response.get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page
    if response.status_code == 413:
        assert "too large" in page
    elif response.status_code == 422 and "/status" not in url:
        # The status <select> offers only valid values: only a forged post can send another.
        assert "error-message" in page


@SETTINGS
@given(body=st.lists(st.tuples(st.sampled_from([*HEALTHY, *CONTACT_FIELDS, "s"]), odd_text)))
def test_random_phone_intakes_store_a_lead_or_name_the_errors(console, body):
    response = console.post("/staff/intake", data=MultiDict([("csrf_token", console.csrf), *body]))
    assert response.status_code in (303, 413, 422), response.status_code
    page = response.get_data(as_text=True)
    if response.status_code == 422:
        assert "There is a problem" in page
    elif response.status_code == 413:
        assert "too large" in page


@pytest.mark.parametrize(
    "url",
    [
        "/staff/leads/{id}/status",
        "/staff/leads/{id}/notes",
        "/staff/leads/{id}/delete",
        "/staff/admin/staff",
        "/staff/admin/staff/1/disable",
        "/staff/admin/staff/1/remove",
        "/staff/intake",
        "/staff/sign-out",
    ],
)
def test_console_posts_without_or_with_a_forged_csrf_token_are_refused(console, url):
    url = url.format(id=console.lead_id)
    for token in (None, "forged", console.csrf[:-4] + "AAAA"):
        data = {"text": "note", "status": "booked"} | ({"csrf_token": token} if token else {})
        response = console.post(url, data=data)
        assert response.status_code == 400, (url, token, response.status_code)
        page = response.get_data(as_text=True)
        assert "What you sent was not saved. Go back, reload the page" in page
        assert "Back to the leads" in page  # inside the console, not the patients' check


def test_sign_in_with_random_bytes_is_refused_not_crashed(app):
    client = app.test_client()
    page = client.get("/staff/sign-in").get_data(as_text=True)
    response = client.post(
        "/staff/sign-in",
        data=b"csrf_token=" + csrf_token(page).encode() + b"&email=\xff%00&password=\xfe",
        content_type="application/x-www-form-urlencoded",
    )
    # The undecodable body is dropped, and with it the CSRF token.
    assert response.status_code == 400
    assert "What you sent was not saved" in response.get_data(as_text=True)
