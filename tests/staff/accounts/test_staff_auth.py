"""Signing in to the console: Argon2 hashes, slowing then locking, sessions, CSRF, every route."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from core.dbtypes import utcnow
from core.extensions import db
from staff.accounts.lockout import key_of
from staff.console.blueprint import PUBLIC_ENDPOINTS
from staff.models import AuditEvent, SignInAttempts, StaffUser
from tests.factories import PASSWORD, csrf_token, make_staff, sign_in


def test_passwords_are_stored_as_argon2id(db_app):
    make_staff(db_app)
    with db_app.app_context():
        stored = db.session.scalars(select(StaffUser.password_hash)).one()
    assert stored.startswith("$argon2id$") and PASSWORD not in stored


def test_sign_in_then_out(db_app):
    make_staff(db_app)
    client = db_app.test_client()
    response = sign_in(client)
    assert response.status_code == 302 and response.headers["Location"].endswith("/staff/leads")
    page = client.get("/staff/leads")
    assert page.status_code == 200 and "Sign out" in page.get_data(as_text=True)
    cookie = client.get_cookie("session")
    assert cookie.http_only and cookie.same_site == "Lax"
    client.post("/staff/sign-out", data={"csrf_token": csrf_token(page.get_data(True))})
    assert client.get("/staff/leads").status_code == 302


def test_a_wrong_password_is_refused_without_saying_which_part(db_app):
    make_staff(db_app)
    client = db_app.test_client()
    wrong = sign_in(client, password="wrong password!")
    unknown = sign_in(client, email="nobody@clinic.test")
    assert wrong.status_code == unknown.status_code == 401
    assert "The email or password is not right." in wrong.get_data(as_text=True)
    assert client.get("/staff/leads").status_code == 302


def test_repeated_failures_are_slowed_then_locked_in_the_database(app_factory):
    app = app_factory(SIGN_IN_SLOW_AFTER=2, SIGN_IN_LOCK_AFTER=4, SIGN_IN_LOCK_MINUTES=15)
    make_staff(app)
    client = app.test_client()
    assert sign_in(client, password="bad one").status_code == 401
    assert sign_in(client, password="bad two").status_code == 401
    slowed = sign_in(client)  # right password, but too soon after two failures
    assert slowed.status_code == 429
    assert "Try again in" in slowed.get_data(as_text=True)

    def rewind():
        with app.app_context():
            tries = db.session.get(SignInAttempts, key_of("staff@clinic.test"))
            tries.last_failed_at = utcnow() - timedelta(minutes=1)
            db.session.commit()

    rewind()
    assert sign_in(client, password="bad three").status_code == 401
    rewind()
    assert sign_in(client, password="bad four").status_code == 401
    rewind()
    locked = sign_in(client)  # locked: even the right password is refused
    assert locked.status_code == 429
    with app.app_context():
        tries = db.session.get(SignInAttempts, key_of("staff@clinic.test"))
        assert tries.locked_until > utcnow() + timedelta(minutes=14)
        tries.locked_until = utcnow() - timedelta(seconds=1)  # the lock runs out
        db.session.commit()
    assert sign_in(client).status_code == 302
    with app.app_context():
        tries = db.session.get(SignInAttempts, key_of("staff@clinic.test"))
        assert tries.failures == 0
        actions = db.session.scalars(select(AuditEvent.action)).all()
        assert actions.count("sign_in_failed") == 4 and "sign_in" in actions


def test_a_disabled_account_cannot_sign_in_and_loses_its_session(db_app):
    make_staff(db_app)
    client = db_app.test_client()
    sign_in(client)
    with db_app.app_context():
        user = db.session.scalars(select(StaffUser)).one()
        user.active = False
        user.session_version += 1
        db.session.commit()
    assert client.get("/staff/leads").status_code == 302
    refused = sign_in(client)
    assert refused.status_code == 401
    assert "This account is disabled. Ask a clinic admin" in refused.get_data(as_text=True)
    wrong = sign_in(client, password="not the password")  # the right password alone tells
    assert "This account is disabled" not in wrong.get_data(as_text=True)


def test_a_form_sent_after_the_session_ended_says_so_at_sign_in(db_app):
    """A note typed while the session ran out was answered with a bare "Unauthorized"."""
    make_staff(db_app)
    client = db_app.test_client()
    lead_page = "/staff/leads?status=new"
    response = client.post(
        "/staff/leads/1/notes", data={"text": "Called back"}, headers={"Referer": lead_page}
    )
    assert response.status_code == 303
    sign_in_page = client.get(response.headers["Location"])
    assert "what you just sent was not saved" in sign_in_page.get_data(as_text=True)
    # Signing in from there goes back to the page the form was on.
    signed_in = client.post(
        response.headers["Location"],
        data={"email": "staff@clinic.test", "password": PASSWORD,
              "csrf_token": csrf_token(sign_in_page.get_data(as_text=True))},
    )  # fmt: skip
    assert signed_in.status_code == 302 and signed_in.headers["Location"] == lead_page


def test_sessions_time_out(app_factory):
    app = app_factory(PERMANENT_SESSION_LIFETIME=timedelta(minutes=30))
    make_staff(app)
    client = app.test_client()
    sign_in(client)
    cookie = client.get_cookie("session")
    assert cookie.expires is not None
    lifetime = cookie.expires - utcnow()
    assert timedelta(minutes=29) < lifetime <= timedelta(minutes=30, seconds=5)


def test_sign_in_without_csrf_token_is_refused(db_app):
    make_staff(db_app)
    client = db_app.test_client()
    response = client.post(
        "/staff/sign-in", data={"email": "staff@clinic.test", "password": PASSWORD}
    )
    assert response.status_code in (400, 422)
    assert client.get("/staff/leads").status_code == 302


def test_console_posts_need_the_csrf_token(db_app):
    make_staff(db_app, role="admin")
    client = db_app.test_client()
    sign_in(client)
    response = client.post("/staff/admin/staff", data={"email": "x@y.test", "password": "p" * 12})
    assert response.status_code == 400
    with db_app.app_context():
        assert db.session.scalar(select(StaffUser).where(StaffUser.email == "x@y.test")) is None


def _example_url(rule) -> str:
    return re.sub(r"<(?:int:)?[^>]+>", "1", rule.rule)


def test_every_console_route_refuses_anonymous_users(db_app):
    client = db_app.test_client()
    rules = [r for r in db_app.url_map.iter_rules() if r.endpoint.startswith("staff.")]
    assert len(rules) >= 15
    checked = 0
    for rule in rules:
        if rule.endpoint in PUBLIC_ENDPOINTS:  # sign-in, its code step, set-password links
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            response = client.open(_example_url(rule), method=method)
            checked += 1
            assert response.status_code in (302, 303), (rule, method, response.status_code)
            assert "/staff/sign-in" in response.headers["Location"]
            assert b"@" not in response.data  # no personal data leaks into the refusal
    assert checked >= 17


def test_admin_pages_refuse_staff_without_the_admin_role(db_app):
    make_staff(db_app)
    client = db_app.test_client()
    sign_in(client)
    for url in ("/staff/admin/staff", "/staff/admin/audit", "/staff/admin/outbox"):
        refused = client.get(url)
        assert refused.status_code == 403
        assert "Only a clinic admin can use this page." in refused.get_data(as_text=True)
        assert "Back to the leads" in refused.get_data(as_text=True)


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x"])
def test_sign_in_never_redirects_off_the_console(db_app, target):
    make_staff(db_app)
    client = db_app.test_client()
    page = client.get("/staff/sign-in")
    response = client.post(
        f"/staff/sign-in?next={target}",
        data={
            "email": "staff@clinic.test",
            "password": PASSWORD,
            "csrf_token": csrf_token(page.get_data(True)),
        },
    )
    assert response.headers["Location"].endswith("/staff/leads")
