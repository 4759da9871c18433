"""Command-line tasks (purge, staff accounts), first-run storage, and rate limits (Redis too)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import redis
from sqlalchemy import func, inspect, select, update

from app import create_app
from core import counters
from core.dbtypes import utcnow
from core.extensions import db
from leads.models import Lead
from staff.models import AuditEvent, StaffUser
from tests.console_support import CONTACT, submit_contact
from tests.factories import make_staff, sign_in
from tests.services import REDIS_URL
from tests.support import HEALTHY, Walker, token_of


def test_first_run_creates_and_migrates_sqlite_in_the_instance_folder(tmp_path, monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    app = create_app({"TESTING": True}, instance_path=str(tmp_path / "instance"))
    assert (tmp_path / "instance" / "screening.sqlite3").exists()
    with app.app_context():
        tables = set(inspect(db.engine).get_table_names())
    assert {"leads", "outbox", "staff_users", "audit_events", "daily_counts"} <= tables


def test_purge_deletes_personal_data_past_retention_and_keeps_counts(db_app):
    public = db_app.test_client()
    submit_contact(public, Walker(public), "book_consultation")
    submit_contact(public, Walker(public), "clinician_review")
    with db_app.app_context():
        db.session.execute(
            update(Lead)
            .where(Lead.outcome == "book_consultation")
            .values(created_at=utcnow() - timedelta(days=400))
        )
        db.session.commit()
    result = db_app.test_cli_runner().invoke(args=["leads", "purge"])  # default: 365 days
    assert "Deleted 1 lead(s) older than 365 days." in result.output
    result = db_app.test_cli_runner().invoke(args=["leads", "purge", "--older-than", "30"])
    assert "Deleted 0" in result.output
    with db_app.app_context():
        assert db.session.scalars(select(Lead.outcome)).all() == ["clinician_review"]
        today = utcnow().date()
        assert counters.totals(today, today)[("lead", "book_consultation")] == 1
        assert "purge" in db.session.scalars(select(AuditEvent.action)).all()


def test_staff_create_and_set_password_commands(db_app):
    runner = db_app.test_cli_runner()
    result = runner.invoke(
        args=["staff", "create", "Boss@Example.com", "--admin", "--name", "Bo Boss"],
        input="a long password\na long password\n",
    )
    assert result.exit_code == 0, result.output
    short = runner.invoke(
        args=["staff", "set-password", "boss@example.com"], input="short\nshort\n"
    )
    assert short.exit_code != 0 and "at least 12" in short.output
    result = runner.invoke(
        args=["staff", "set-password", "boss@example.com"],
        input="another long password\nanother long password\n",
    )
    assert result.exit_code == 0, result.output
    with db_app.app_context():
        user = db.session.scalars(select(StaffUser)).one()
        assert (user.email, user.role) == ("boss@example.com", "admin")
    client = db_app.test_client()
    assert sign_in(client, "boss@example.com", "another long password").status_code == 302
    duplicate = runner.invoke(
        args=["staff", "create", "boss@example.com", "--name", "Bo"], input="x\nx\n"
    )
    assert duplicate.exit_code != 0


def _contact_flood(app) -> list[int]:
    """Three questionnaires from one client, each asking to be contacted (valid forms)."""
    client = app.test_client()
    walker = Walker(client)
    codes = []
    for _ in range(3):
        token = token_of(walker.complete(HEALTHY))
        codes.append(client.post("/check/contact", data={"s": token, **CONTACT}).status_code)
    return codes


@pytest.mark.parametrize("storage", ["memory", "redis"])
def test_new_leads_are_rate_limited_per_client(app_factory, storage):
    """Stored requests count (corrections do not: tests/leads/test_contact_fair_limits.py)."""
    settings = {"RATELIMIT_CONTACT": "2 per minute"}
    if storage == "redis":
        connection = redis.Redis.from_url(REDIS_URL)
        try:
            connection.ping()
        except redis.exceptions.ConnectionError as exc:
            pytest.fail(f"Redis is not reachable at {REDIS_URL}: {exc}")
        connection.flushdb()
        settings["RATELIMIT_STORAGE_URI"] = REDIS_URL
    app = app_factory(**settings)
    codes = _contact_flood(app)
    assert codes == [303, 303, 429]
    if storage == "redis":
        assert any(b"LIMITS" in key for key in connection.keys("*"))
        connection.flushdb()
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Lead)) == 2


def test_too_many_tries_lead_back_to_the_result_not_to_the_start(app_factory):
    app = app_factory(RATELIMIT_CONTACT_PER_CHECK="1 per minute")
    client = app.test_client()
    token = token_of(Walker(client).complete(HEALTHY))
    assert client.post("/check/contact", data={"s": token, **CONTACT}).status_code == 303
    refused = client.post("/check/contact", data={"s": token, **CONTACT})
    assert refused.status_code == 429
    page = refused.get_data(as_text=True)
    back = re.search(r'<a class="button" href="([^"]+)">Go back to where you were', page)
    assert back and back.group(1).startswith("/check/result?"), page
    result = client.get(back.group(1).replace("&amp;", "&"))
    assert result.status_code == 200
    assert 'id="contact"' in result.get_data(as_text=True)  # the result, with its contact form


def test_an_oversized_body_past_the_limit_is_refused_not_crashed(app_factory):
    app = app_factory(RATELIMIT_CONTACT="1 per minute")
    client = app.test_client()
    client.post("/check/contact", data={"s": "x"})
    huge = client.post("/check/contact", data={"s": "x", "message": "m" * 200_000})
    assert huge.status_code in (413, 429)


def test_wizard_step_posts_are_limited_too(app_factory):
    app = app_factory(RATELIMIT_PUBLIC_POST="3 per minute")
    client = app.test_client()
    location = client.get("/check/start").headers["Location"]
    token = token_of(location)
    codes = [client.post("/check/scars", data={"s": token}).status_code for _ in range(4)]
    assert codes == [422, 422, 422, 429]


def test_sign_in_is_rate_limited(app_factory):
    app = app_factory(RATELIMIT_SIGN_IN="2 per minute")
    make_staff(app)
    client = app.test_client()
    codes = [sign_in(client, password="wrong!").status_code for _ in range(3)]
    assert codes == [401, 401, 429]
