"""Finding 3 of the adversarial review: API tokens expire, can be rotated, and go with the
admin who made them (disabled or removed)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from api.models import ApiToken
from core.audit import AuditEvent
from core.dbtypes import utcnow
from core.extensions import db
from staff.models import StaffUser
from tests.api_token_support import bearer, make_token
from tests.factories import make_lead, make_staff, post_form

PAGE = "/staff/admin/api-tokens"


def shown_token(html: str) -> str:
    match = re.search(r'id="new-token" value="(sk_[A-Za-z0-9_-]+)"', html)
    assert match, "the token is not shown"
    return match.group(1)


def token_details(app) -> list[str]:
    with app.app_context():
        return list(
            db.session.scalars(
                select(AuditEvent.detail)
                .where(AuditEvent.action == "api_token")
                .order_by(AuditEvent.id)
            )
        )


def test_a_token_lives_90_days_unless_another_life_is_chosen_and_the_list_shows_it(db_app, admin):
    before = utcnow()
    post_form(admin, PAGE, PAGE, {"name": "Default", "scopes": ["leads:read"]})
    post_form(admin, PAGE, PAGE, {"name": "Year", "scopes": ["leads:read"], "lifetime": "365"})
    refused = post_form(
        admin, PAGE, PAGE, {"name": "Forever", "scopes": ["leads:read"], "lifetime": "3650"}
    )
    assert refused.status_code == 422
    with db_app.app_context():
        lives = {t.name: t.expires_at - before for t in db.session.scalars(select(ApiToken))}
    assert set(lives) == {"Default", "Year"}
    assert timedelta(days=90) <= lives["Default"] < timedelta(days=90, minutes=5)
    assert timedelta(days=365) <= lives["Year"] < timedelta(days=365, minutes=5)
    listing = admin.get(PAGE).text
    assert "Expires" in listing and "How long it works" in listing


def test_an_expired_token_is_refused_with_a_401_that_says_it_expired(db_app):
    secret = make_token(db_app)
    lead_id = make_lead(db_app)
    program = db_app.test_client()
    assert program.get(f"/api/v1/leads/{lead_id}", headers=bearer(secret)).status_code == 200
    with db_app.app_context():
        token = db.session.scalar(select(ApiToken))
        token.expires_at = utcnow() - timedelta(seconds=1)
        db.session.commit()
    answer = program.get(f"/api/v1/leads/{lead_id}", headers=bearer(secret))
    assert answer.status_code == 401
    assert "expired" in answer.json["errors"][0]["message"]
    assert 'error="invalid_token"' in answer.headers["WWW-Authenticate"]


def test_rotating_gives_a_new_secret_once_and_refuses_the_old_one_at_once(db_app, admin):
    old = shown_token(
        post_form(admin, PAGE, PAGE, {"name": "Clinic CRM", "scopes": ["leads:read"]}).text
    )
    lead_id = make_lead(db_app)
    with db_app.app_context():
        token = db.session.scalar(select(ApiToken))
        token_id, expires = token.id, token.expires_at
    url = f"{PAGE}/{token_id}/rotate"
    assert "Yes, rotate “Clinic CRM”" in admin.get(url).text
    assert admin.post(url).status_code == 400  # no form token: nothing rotated
    answer = post_form(admin, url, url, {})
    assert answer.status_code == 200 and answer.headers["Cache-Control"] == "no-store"
    new = shown_token(answer.text)
    assert new != old and "The old secret no longer works." in answer.text
    program = db_app.test_client()
    assert program.get(f"/api/v1/leads/{lead_id}", headers=bearer(old)).status_code == 401
    assert program.get(f"/api/v1/leads/{lead_id}", headers=bearer(new)).status_code == 200
    with db_app.app_context():
        [token] = db.session.scalars(select(ApiToken))
        assert token.id == token_id and token.expires_at == expires
        assert token.rotated_at is not None
    assert new not in admin.get(PAGE).text
    _created, rotated = token_details(db_app)
    assert rotated.startswith(f"rotated {old[:10]}") and new[:10] in rotated
    assert new not in rotated


@pytest.mark.parametrize("how", ["disable", "remove"])
def test_disabling_or_removing_the_admin_who_made_a_token_revokes_it(db_app, admin, how):
    maker_id = make_staff(db_app, "maker@clinic.test", role="admin")
    other_id = make_staff(db_app, "other@clinic.test", role="admin")
    theirs = make_token(db_app, name="Maker's CRM", created_by_id=maker_id)
    kept = make_token(db_app, name="Other's CRM", created_by_id=other_id)
    lead_id = make_lead(db_app)
    url = f"/staff/admin/staff/{maker_id}/{how}"
    answer = post_form(admin, "/staff/admin/staff", url, {})
    assert answer.status_code == 303
    with db_app.app_context():
        person = db.session.get(StaffUser, maker_id)
        assert (person is None) if how == "remove" else (not person.active)
    program = db_app.test_client()
    assert program.get(f"/api/v1/leads/{lead_id}", headers=bearer(theirs)).status_code == 401
    assert program.get(f"/api/v1/leads/{lead_id}", headers=bearer(kept)).status_code == 200
    [detail] = token_details(db_app)
    verb = "removed" if how == "remove" else "disabled"
    assert detail.startswith(f"revoked {theirs[:10]}") and f"maker@clinic.test was {verb}" in detail
    with db_app.app_context():
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "api_token"))
        assert event.staff_email == "admin@clinic.test"


def test_any_path_that_disables_an_account_revokes_its_tokens(db_app):
    """Not only the staff list: the account's edit page, `flask staff` or any code that sets
    ``active`` off (the check runs when the session flushes); nobody signed in, nobody named."""
    maker_id = make_staff(db_app, "maker@clinic.test", role="admin")
    secret = make_token(db_app, created_by_id=maker_id)
    with db_app.app_context():
        db.session.get(StaffUser, maker_id).active = False
        db.session.commit()
        token = db.session.scalar(select(ApiToken))
        assert token.revoked_at is not None
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "api_token"))
        assert event.staff_id is None and "maker@clinic.test was disabled" in event.detail
    answer = db_app.test_client().get("/api/v1/leads", headers=bearer(secret))
    assert answer.status_code == 401
