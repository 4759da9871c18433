"""Admins create API tokens in the console (shown once, stored hashed), list and revoke them."""

from __future__ import annotations

import hashlib
import re

import pytest
from sqlalchemy import select

from api.models import ApiToken
from core.audit import AuditEvent
from core.extensions import db
from tests.api_token_support import bearer
from tests.factories import csrf_token, make_lead, post_form, staff_client

PAGE = "/staff/admin/api-tokens"


def shown_token(html: str) -> str:
    match = re.search(r'id="new-token" value="(sk_[A-Za-z0-9_-]+)"', html)
    assert match, "the new token is not shown"
    return match.group(1)


def create(client, name="Clinic CRM", scopes=("leads:read",)):
    return post_form(client, PAGE, PAGE, {"name": name, "scopes": list(scopes)})


@pytest.mark.parametrize("role", ["staff", "clinician"])
def test_only_admins_reach_the_tokens_page(db_app, role):
    client = staff_client(db_app, f"{role}@clinic.test", role=role)
    assert client.get(PAGE).status_code == 403
    page = client.get("/staff/leads")
    response = client.post(
        PAGE, data={"name": "x", "scopes": "leads:read", "csrf_token": csrf_token(page.text)}
    )
    assert response.status_code == 403
    with db_app.app_context():
        assert db.session.scalar(select(ApiToken)) is None


def test_a_new_token_is_shown_once_and_only_its_hash_is_stored(db_app, admin):
    response = create(admin, scopes=("leads:read", "leads:write"))
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    secret = shown_token(response.text)
    assert "only time it is shown" in response.text
    with db_app.app_context():
        token = db.session.scalar(select(ApiToken))
        assert token.token_hash == hashlib.sha256(secret.encode()).hexdigest()
        assert token.token_prefix == secret[:10] and token.scopes == "leads:read leads:write"
        assert token.created_by_id is not None
        stored = " ".join(str(v) for v in token.__dict__.values())
        assert secret not in stored
        [event] = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "api_token"))
        assert event.staff_email == "admin@clinic.test" and secret not in event.detail
    listing = admin.get(PAGE).text
    assert secret not in listing and secret[:10] in listing
    assert "Clinic CRM" in listing and "Ada Admin" in listing and "Never" in listing
    # It works for a program straight away.
    lead_id = make_lead(db_app)
    program = db_app.test_client()
    assert program.get(f"/api/v1/leads/{lead_id}", headers=bearer(secret)).status_code == 200


def test_creating_with_errors_names_each_and_keeps_the_name(db_app, admin):
    response = create(admin, name="", scopes=())
    assert response.status_code == 422
    assert "Enter a name for the token." in response.text
    assert "Choose at least one thing the token may do." in response.text
    response = create(admin, name="Clinic CRM", scopes=("leads:everything",))
    assert response.status_code == 422 and 'value="Clinic CRM"' in response.text
    with db_app.app_context():
        assert db.session.scalar(select(ApiToken)) is None


def test_revoking_asks_first_then_the_token_stops_working_and_stays_listed(db_app, admin):
    secret = shown_token(create(admin).text)
    lead_id = make_lead(db_app)
    with db_app.app_context():
        token_id = db.session.scalar(select(ApiToken.id))
    question = admin.get(f"{PAGE}/{token_id}/revoke")
    assert question.status_code == 200 and "Yes, revoke “Clinic CRM”" in question.text
    # Nothing is revoked by the question, nor by a post without the form's token.
    assert admin.post(f"{PAGE}/{token_id}/revoke").status_code == 400
    program = db_app.test_client()
    assert program.get(f"/api/v1/leads/{lead_id}", headers=bearer(secret)).status_code == 200

    done = post_form(admin, f"{PAGE}/{token_id}/revoke", f"{PAGE}/{token_id}/revoke", {})
    assert done.status_code == 303
    assert program.get(f"/api/v1/leads/{lead_id}", headers=bearer(secret)).status_code == 401
    listing = admin.get(PAGE).text
    assert "Clinic CRM" in listing and "Revoked" in listing
    assert f"{PAGE}/{token_id}/revoke" not in listing
    with db_app.app_context():
        details = db.session.scalars(
            select(AuditEvent.detail).where(AuditEvent.action == "api_token")
        ).all()
    assert [d.split()[0] for d in details] == ["created", "revoked"]
