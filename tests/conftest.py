"""Shared fixtures: the app in test configuration, its client, and a wizard walker."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app import create_app
from core.extensions import db
from rules import RuleBase
from rules.engine import RULES_PATH
from rules.parser import load_rulebase
from tests.services import PostgresSchema, SmtpServer, WebhookReceiver
from tests.support import Walker, migrated_sqlite, sqlite_app


class ServerLikeClient(FlaskClient):
    """Reads and closes each response, as a WSGI server does (the test client's default is lazy).

    Work a view leaves for after its answer (``leads.after_response``: the
    notifications of a new lead) runs then, before the test goes on.
    """

    def open(self, *args, buffered: bool = True, **kwargs):
        return super().open(*args, buffered=buffered, **kwargs)


Flask.test_client_class = ServerLikeClient


@pytest.fixture
def app(tmp_path):
    return sqlite_app(tmp_path)


# --- Storage: every storage test runs on SQLite and on PostgreSQL -----------------


@pytest.fixture(scope="session")
def pg_schema():
    schema = PostgresSchema()
    url = schema.create()
    yield schema, url
    schema.drop()


def make_db_app(database: str, tmp_path, pg_schema=None, **overrides):
    """The app on a fresh SQLite file, or on this run's PostgreSQL schema (emptied after)."""
    if database == "sqlite":
        url = f"sqlite:///{migrated_sqlite(tmp_path / 'leads.sqlite3')}"
    else:
        url = pg_schema[1]
    return create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret-key",
            "SQLALCHEMY_DATABASE_URI": url,
            "AUTO_MIGRATE": True,
            "PUBLIC_BASE_URL": "http://console.test",
            **overrides,
        },
        instance_path=str(tmp_path),
    )


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request):
    return request.param


@pytest.fixture
def app_factory(database, tmp_path, request):
    """Builds the app on the parametrized database; cleans the database afterwards."""
    made = []

    def factory(**overrides):
        schema = request.getfixturevalue("pg_schema") if database == "postgresql" else None
        built = make_db_app(database, tmp_path, schema, **overrides)
        made.append((built, schema))
        return built

    yield factory
    for built, schema in made:
        with built.app_context():
            db.session.remove()
            db.engine.dispose()
        if schema is not None:
            schema[0].truncate()


@pytest.fixture
def db_app(app_factory):
    return app_factory()


@pytest.fixture
def smtp():
    server = SmtpServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def webhook():
    receiver = WebhookReceiver()
    receiver.start()
    yield receiver
    receiver.stop()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def walker(client):
    return Walker(client)


@pytest.fixture
def db_client(db_app):
    return db_app.test_client()


@pytest.fixture
def db_walker(db_client):
    return Walker(db_client)


@pytest.fixture(scope="module")
def shipped() -> RuleBase:
    """The shipped rule file, loaded (the rules' and the rule book's tests)."""
    return load_rulebase(RULES_PATH)


# --- Parallel runs (pytest-xdist, scripts/test's -n) ---------------------------------

#: Tests that share one outside resource run on one worker, one after another: the
#: production stack (one nginx and its instances, Redis database 14), the tests that
#: empty Redis database 15 between them, and the browser tests (two Chromiums on two
#: cores made no-JavaScript navigations race their checks; one runs them while the other
#: worker takes the rest). Everything else is free to spread: each worker has its own
#: PostgreSQL schema, SQLite files, live server and ports.
SERIAL_GROUPS = {
    "tests/browser/": "chromium",
    "tests/deploy/": "production-stack",
    "tests/leads/test_leads_cli_and_limits.py": "redis-15",
    "tests/leads/test_contact_fair_limits.py": "redis-15",
}


def serial_group(nodeid: str) -> str | None:
    """The outside resource a test shares with others, if any (by where the test lives)."""
    for prefix, group in SERIAL_GROUPS.items():
        if nodeid.startswith(prefix):
            return group
    return None


@pytest.hookimpl(optionalhook=True)  # the hook exists only when xdist is loaded
def pytest_xdist_make_scheduler(config, log):
    """xdist's "loadgroup", grouping by SERIAL_GROUPS rather than by xdist_group marks.

    Why not marks: pytest 9 keeps a node's id where xdist 3.8 no longer writes the
    group suffix, so marked tests were spread over every worker (seen in CI).
    """
    from xdist.scheduler import LoadGroupScheduling

    class SharedResourceScheduling(LoadGroupScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return serial_group(nodeid) or nodeid

    return SharedResourceScheduling(config, log)
