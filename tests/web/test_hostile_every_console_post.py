"""Every POST route of the console, found in the URL map (so a new one is covered the day it
is added), gets random, malformed and wrongly typed fields from a signed-in admin with a
valid CSRF token: no answer is a 5xx, none echoes markup it was sent, and each route
without its CSRF token is refused with the console's 400 page.

The field names are every field of every console form (the WTForms classes of staff/),
so a random body often reaches validation with some of the right names.
"""

from __future__ import annotations

import importlib
import pkgutil
from datetime import timedelta

import pytest
from flask_wtf import FlaskForm
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict
from wtforms.fields.core import UnboundField

import staff
from api.models import ApiToken
from core.dbtypes import utcnow
from core.extensions import db
from leads import appointments
from leads.models import BookingEvent, Lead, LeadNote
from staff.models import StaffUser
from staff.rulebook.drafts import start_draft
from tests.api_token_support import make_token
from tests.factories import csrf_token, make_lead, make_staff, sign_in, staff_client
from tests.support import sqlite_app

# Reached without a session: they have their own tests of odd input.
NOT_SIGNED_IN = {"staff.sign_in", "staff.sign_in_code", "staff.set_password"}

SETTINGS = settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def console_forms() -> list[type[FlaskForm]]:
    for module in pkgutil.walk_packages(staff.__path__, "staff."):  # the areas' modules too
        importlib.import_module(module.name)
    found, todo = [], [FlaskForm]
    while todo:
        for sub in todo.pop().__subclasses__():
            todo.append(sub)
            if sub.__module__.startswith("staff."):
                found.append(sub)
    return found


FIELD_NAMES = sorted(
    {
        name
        for form in console_forms()
        for name in dir(form)
        if isinstance(getattr(form, name, None), UnboundField)
    }
    | {"x", "s", "lang"}
)

odd_value = st.sampled_from(
    [
        "",
        " ",
        "y",
        "1",
        "0",
        "-1",
        "none",
        "2026-13-45T25:61",
        "2031-02-03T09:00",
        "99999999999999999999",
        "\x00",
        "\u202e\u200b\ufeff",
        "Zoë 😀 漢字",
        "<script>alert(1)</script>",
        "' OR 1=1 --",
        "+44 20 7946 0958",
        "a@b",
        "zoe@example.com",
        "x" * 5000,
    ]
) | st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40)


def console_posts() -> list[tuple[str, str]]:
    app = sqlite_app_for_listing()
    return sorted(
        (rule.endpoint, rule.rule)
        for rule in app.url_map.iter_rules()
        if "POST" in rule.methods
        and rule.endpoint.startswith("staff.")
        and rule.endpoint not in NOT_SIGNED_IN
    )


def sqlite_app_for_listing():
    from app import create_app

    return create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://"})


POSTS = console_posts()


@pytest.fixture
def console(tmp_path):
    """An admin signed in, and one of everything a console URL can name."""
    app = sqlite_app(tmp_path, AUTO_MIGRATE=True, RATELIMIT_ENABLED=False)
    lead = make_lead(app)
    duplicate = make_lead(app, name="Zoe Again")  # the same email: a duplicate to merge
    admin = make_staff(app, "admin@clinic.test", role="admin")
    colleague = make_staff(app, "nia@clinic.test", role="staff")
    with app.test_request_context():
        note = LeadNote(lead_id=lead, author_id=admin, kind="note", text="Rang once.")
        db.session.add(note)
        booked = appointments.book(
            db.session.get(Lead, lead),
            (utcnow() + timedelta(days=3)).replace(second=0, microsecond=0),
            30,
            "consultation",
            by=None,
        )
        # A booking tool's event for no known lead, waiting for the front desk to match.
        waiting = BookingEvent(
            tool="calcom", event_id="evt-1", change="booked", booking_id="bk-1", state="unmatched"
        )
        db.session.add(waiting)
        db.session.commit()
        ids = {
            "event_id": waiting.id,
            "lead_id": lead,
            "duplicate_id": duplicate,
            "person_id": colleague,
            "note_id": note.id,
            "appointment_id": booked.appointment_id,
        }
    make_token(app)
    with app.app_context():
        ids["token_id"] = db.session.query(ApiToken.id).scalar()
    with app.test_request_context():
        # A rule draft (admins may read one, not change it) and its first rule.
        ids["draft_id"] = start_draft(db.session.get(StaffUser, admin), "Hostile input").id
        ids["index"] = 0
    client = app.test_client()
    assert sign_in(client, "admin@clinic.test").status_code == 302
    client.csrf = csrf_token(client.get(f"/staff/leads/{lead}").get_data(as_text=True))
    client.ids = ids
    client.app = app
    return client


def url_of(rule: str, ids: dict[str, int]) -> str:
    for name, value in ids.items():
        rule = rule.replace(f"<id:{name}>", str(value)).replace(f"<int:{name}>", str(value))
    assert "<" not in rule, rule
    return rule


@pytest.mark.parametrize(("endpoint", "rule"), POSTS, ids=[e for e, _ in POSTS])
def test_random_fields_to_every_console_post_get_no_server_error(console, endpoint, rule):
    url = url_of(rule, console.ids)

    @SETTINGS
    @given(body=st.lists(st.tuples(st.sampled_from(FIELD_NAMES), odd_value), max_size=12))
    def post(body):
        response = console.post(url, data=MultiDict([("csrf_token", console.csrf), *body]))
        assert response.status_code < 500, (endpoint, body, response.status_code)
        page = response.get_data()
        assert b"<script>alert(1)</script>" not in page, endpoint

    post()


DRAFT_POSTS = [(endpoint, rule) for endpoint, rule in POSTS if "/rules/drafts/<" in rule]


@pytest.mark.parametrize(("endpoint", "rule"), DRAFT_POSTS, ids=[e for e, _ in DRAFT_POSTS])
def test_random_fields_to_a_clinicians_draft_posts_get_no_server_error(console, endpoint, rule):
    """Admins only read drafts (403): a clinician's posts reach the draft's own handling."""
    clinician = staff_client(console.app, "cleo@clinic.test", "clinician", name="Dr Cleo Hale")
    url = url_of(rule, console.ids)
    draft = console.ids["draft_id"]
    token = csrf_token(clinician.get(f"/staff/rules/drafts/{draft}").get_data(as_text=True))

    @SETTINGS
    @given(body=st.lists(st.tuples(st.sampled_from(FIELD_NAMES), odd_value), max_size=12))
    def post(body):
        response = clinician.post(url, data=MultiDict([("csrf_token", token), *body]))
        assert response.status_code < 500, (endpoint, body, response.status_code)
        assert b"<script>alert(1)</script>" not in response.get_data(), endpoint

    post()


@pytest.mark.parametrize(("endpoint", "rule"), POSTS, ids=[e for e, _ in POSTS])
def test_every_console_post_without_its_csrf_token_is_refused(console, endpoint, rule):
    url = url_of(rule, console.ids)
    for token in (None, "forged"):
        data = {"text": "note"} | ({"csrf_token": token} if token else {})
        response = console.post(url, data=data)
        assert response.status_code == 400, (endpoint, token, response.status_code)
        assert "What you sent was not saved." in response.get_data(as_text=True)


def test_the_listing_found_the_console_s_work_routes():
    endpoints = {endpoint for endpoint, _ in POSTS}
    assert {"staff.record_call", "staff.book_appointment", "staff.merge"} <= endpoints
    assert "staff.sign_out" in endpoints and not endpoints & NOT_SIGNED_IN
    assert {"call_outcome", "appointment_at", "assignee", "reason"} & set(FIELD_NAMES)
