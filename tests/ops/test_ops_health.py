"""Liveness and readiness: /healthz answers without a database; /readyz says, check by check,
whether the database answers, its migrations are at head and the rule file is proved."""

from __future__ import annotations

import time

import pytest
import sqlalchemy
from alembic.script import ScriptDirectory
from flask_migrate import upgrade

from app import create_app
from core.database import MIGRATIONS
from core.extensions import db, limiter
from tests.services import PostgresSchema, free_port
from tests.support import sqlite_app
from tests.tcp_proxy import TcpRelay

HEAD = ScriptDirectory(str(MIGRATIONS)).get_current_head()
ONE_BEHIND = ScriptDirectory(str(MIGRATIONS)).get_revision(HEAD).down_revision


def unreachable_app(tmp_path):
    """PostgreSQL on a port where nothing listens: every connection is refused at once."""
    return create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "k",
            "SQLALCHEMY_DATABASE_URI": f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/x",
            "AUTO_MIGRATE": False,
        },
        instance_path=str(tmp_path),
    )


def test_liveness_answers_without_a_database(tmp_path):
    response = unreachable_app(tmp_path).test_client().get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}
    assert response.headers["Cache-Control"] == "no-store"


def test_readiness_is_200_on_a_migrated_database(db_app):
    response = db_app.test_client().get("/readyz")
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["status"] == "ready" and body["failing"] == []
    checks = body["checks"]
    assert checks["database"] == {"ok": True, "status": "answers"}
    assert checks["migrations"] == {"ok": True, "status": "at_head"}
    rules_check = checks["rules"]
    # Outside production the unsigned shipped rules decide, and readiness says so.
    assert rules_check["ok"] is True and rules_check["status"] == "not_signed"
    assert rules_check["sha256"] == db_app.extensions["deployed_rules"].base.sha256
    assert rules_check["signed"] is False and rules_check["deployed"]["signed"] is False
    assert response.headers["Cache-Control"] == "no-store"


def test_readiness_is_503_naming_the_database_when_it_is_unreachable(tmp_path):
    client = unreachable_app(tmp_path).test_client()
    started = time.perf_counter()  # the answer's time, not the app's start-up
    response = client.get("/readyz")
    assert time.perf_counter() - started < 2
    assert response.status_code == 503
    body = response.get_json()
    assert body["status"] == "not_ready"
    assert body["failing"] == ["database"]
    assert body["checks"]["database"]["ok"] is False
    assert body["checks"]["migrations"]["status"] == "unknown"
    assert body["checks"]["rules"]["ok"] is True  # the rules do not need the database
    assert "127.0.0.1" not in response.get_data(as_text=True)  # no connection details
    assert response.headers["Cache-Control"] == "no-store"


@pytest.fixture(params=["sqlite", "postgresql"])
def fresh_database_url(request, tmp_path):
    """A database of this test's own (its schema is migrated back and forth)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'own.sqlite3'}"
        return
    schema = PostgresSchema()
    yield schema.create()
    schema.drop()


def migrate_to(url: str, revision: str, tmp_path) -> None:
    """As tests/core/test_migrations_race.py does: the database at an older revision."""
    settings = {"TESTING": True, "SECRET_KEY": "k", "SQLALCHEMY_DATABASE_URI": url}
    app = create_app({**settings, "AUTO_MIGRATE": False}, instance_path=str(tmp_path))
    with app.app_context():
        upgrade(directory=str(MIGRATIONS), revision=revision)
        db.engine.dispose()


def app_on(url: str, tmp_path):
    return create_app(
        {"TESTING": True, "SECRET_KEY": "k", "SQLALCHEMY_DATABASE_URI": url, "AUTO_MIGRATE": False},
        instance_path=str(tmp_path),
    )


def test_readiness_is_503_naming_migrations_one_revision_behind(fresh_database_url, tmp_path):
    migrate_to(fresh_database_url, ONE_BEHIND, tmp_path)
    app = app_on(fresh_database_url, tmp_path)
    try:
        response = app.test_client().get("/readyz")
        assert response.status_code == 503
        body = response.get_json()
        assert body["failing"] == ["migrations"]
        assert body["checks"]["migrations"] == {
            "ok": False,
            "status": "behind",
            "head": HEAD,
            "current": ONE_BEHIND,
        }
        assert body["checks"]["database"]["ok"] is True
        # The deploy step runs: the same instance is ready, with no restart.
        migrate_to(fresh_database_url, "head", tmp_path)
        assert app.test_client().get("/readyz").status_code == 200
    finally:
        with app.app_context():
            db.engine.dispose()


def test_a_database_migrated_by_the_next_release_keeps_this_one_ready(fresh_database_url, tmp_path):
    """A rolling deploy migrates before the old instances restart (and a rollback leaves the
    schema ahead): each migration suits the release before it, so the old one stays ready."""
    migrate_to(fresh_database_url, "head", tmp_path)
    engine = sqlalchemy.create_engine(fresh_database_url)
    with engine.begin() as connection:
        connection.execute(sqlalchemy.text("UPDATE alembic_version SET version_num = '9999_next'"))
    engine.dispose()
    app = app_on(fresh_database_url, tmp_path)
    try:
        response = app.test_client().get("/readyz")
        assert response.status_code == 200, response.get_json()
        assert response.get_json()["checks"]["migrations"] == {
            "ok": True,
            "status": "ahead",
            "head": HEAD,
        }
    finally:
        with app.app_context():
            db.engine.dispose()


def test_readiness_follows_the_database_going_away_and_coming_back(tmp_path):
    schema = PostgresSchema()
    url = sqlalchemy.engine.make_url(schema.create())
    relay = TcpRelay(url.host or "127.0.0.1", url.port or 5432)
    relay.start()
    relayed = url.set(host="127.0.0.1", port=relay.port).render_as_string(False)
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "k",
            "SQLALCHEMY_DATABASE_URI": relayed,
            "AUTO_MIGRATE": True,
            "DATABASE_PING_AFTER_IDLE": 0,
        },
        instance_path=str(tmp_path),
    )
    try:
        client = app.test_client()
        assert client.get("/readyz").status_code == 200
        relay.cut()
        down = client.get("/readyz")
        assert down.status_code == 503 and down.get_json()["failing"] == ["database"]
        assert client.get("/healthz").status_code == 200  # alive all the same
        relay.restore()
        assert client.get("/readyz").status_code == 200
    finally:
        relay.cut()
        with app.app_context():
            db.engine.dispose()
        schema.drop()


def test_production_without_a_signed_rule_version_is_not_ready(app_factory):
    """Every other check passes; the rules name themselves, and the deployed version."""
    app = app_factory(APP_ENV="production", TRUSTED_HOSTS="localhost")
    response = app.test_client().get("/readyz")
    assert response.status_code == 503
    body = response.get_json()
    assert body["failing"] == ["rules"]
    rules_check = body["checks"]["rules"]
    assert rules_check["status"] == "no_signed_version" and rules_check["signed"] is False
    assert rules_check["deployed"] == {
        "version": app.extensions["deployed_rules"].base.version,
        "sha256": app.extensions["deployed_rules"].base.sha256,
        "signed": False,
    }


def test_both_answer_well_under_100_ms(tmp_path):
    app = sqlite_app(tmp_path, AUTO_MIGRATE=True)
    client = app.test_client()
    client.get("/readyz")  # the first check of a process proves the rule file once
    for path in ("/healthz", "/readyz"):
        timings = []
        for _ in range(5):
            started = time.perf_counter()
            assert client.get(path).status_code == 200
            timings.append(time.perf_counter() - started)
        assert min(timings) < 0.1, (path, timings)


def test_neither_is_rate_limited(tmp_path, monkeypatch):
    """Even with a default limit on every route (which the app does not set today)."""
    # The limiter is one object for every app and keeps the first default limits it is
    # given: put back what it had once this test is done.
    monkeypatch.setattr(limiter.limit_manager, "_default_limits", [])
    app = sqlite_app(
        tmp_path, AUTO_MIGRATE=True, RATELIMIT_ENABLED=True, RATELIMIT_DEFAULT="2 per minute"
    )
    client = app.test_client()
    statuses = {path: [client.get(path).status_code for _ in range(5)] for path in
                ("/healthz", "/readyz", "/internal/metrics", "/")}  # fmt: skip
    assert 429 in statuses["/"], statuses  # the default limit is in force
    assert statuses["/healthz"] == statuses["/readyz"] == [200] * 5, statuses
    assert statuses["/internal/metrics"] == [200] * 5, statuses


def test_they_call_no_other_host(app, monkeypatch):
    """The checks' only connections are the database's (SQLite here: a file, no socket)."""
    import socket

    def refuse(*args, **kwargs):
        raise AssertionError(f"a health check opened a connection: {args}")

    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    client = app.test_client()
    assert client.get("/healthz").status_code == 200
    assert client.get("/readyz").status_code == 200
