"""PostgreSQL going away: friendly 503s, nothing half-stored, and recovery without a restart.

The app talks to the real PostgreSQL through a relay (tests/tcp_proxy.py) that
the test cuts and restores, as a crash or a restart of the server would look
to the app, without stopping the server other test runs use.
"""

from __future__ import annotations

import time

import pytest
import sqlalchemy
from sqlalchemy import func, select

from app import create_app
from core import counters
from core.extensions import db
from leads.models import Lead, OutboxMessage
from tests.console_support import CONTACT
from tests.factories import make_staff, sign_in
from tests.services import PostgresSchema
from tests.support import completed_token
from tests.tcp_proxy import TcpRelay


@pytest.fixture(scope="module")
def relayed_database():
    """This module's own schema, migrated directly, then reached through a relay."""
    schema = PostgresSchema()
    direct_url = schema.create()
    migrated = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "k",
            "SQLALCHEMY_DATABASE_URI": direct_url,
            "AUTO_MIGRATE": True,
        }
    )
    with migrated.app_context():
        db.engine.dispose()
    url = sqlalchemy.engine.make_url(direct_url)
    relay = TcpRelay(url.host or "127.0.0.1", url.port or 5432)
    relay.start()
    yield relay, url.set(host="127.0.0.1", port=relay.port).render_as_string(False), schema
    relay.cut()
    schema.drop()


PING_AFTER_IDLE = 0.3  # seconds; the production default is 1


@pytest.fixture
def outage(relayed_database, tmp_path):
    relay, url, schema = relayed_database
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret-key",
            "SQLALCHEMY_DATABASE_URI": url,
            "SQLALCHEMY_ENGINE_OPTIONS": {"connect_args": {"connect_timeout": 2}},
            "DATABASE_PING_AFTER_IDLE": PING_AFTER_IDLE,
            "AUTO_MIGRATE": False,
            "RATELIMIT_ENABLED": False,
        },
        instance_path=str(tmp_path),
    )
    yield app, relay
    relay.restore() if relay.listener is None else None
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    schema.truncate()


def count(app, model, **where) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model).filter_by(**where))


def test_an_outage_answers_friendly_503s_and_the_app_recovers_by_itself(outage):
    app, relay = outage
    make_staff(app, "admin@clinic.test")
    public, console = app.test_client(), app.test_client()
    assert sign_in(console, "admin@clinic.test").status_code == 302
    before = completed_token(app)
    assert public.post("/check/contact", data={**CONTACT, "s": before}).status_code == 303

    relay.cut()
    token = completed_token(app)
    contact = public.post("/check/contact", data={**CONTACT, "s": token})
    assert contact.status_code == 503
    assert "We could not confirm your request" in contact.get_data(as_text=True)
    assert contact.headers["Retry-After"]
    for response in (console.get("/staff/leads"), console.get("/staff/dashboard")):
        assert response.status_code == 503
        assert "Please try again in a moment" in response.get_data(as_text=True)
    api = public.post("/api/v1/assessments", json={})
    assert api.status_code == 422  # the API needs no database and keeps answering
    # The questionnaire itself needs no database either: only the anonymous counts are lost.
    assert public.get("/check/start").status_code == 303
    assert public.get("/").status_code == 200

    relay.restore()
    assert public.post("/check/contact", data={**CONTACT, "s": token}).status_code == 303
    assert console.get("/staff/leads").status_code == 200
    assert count(app, Lead) == 2  # the one before, and the retried one: each exactly once


def test_a_connection_lost_as_the_lead_is_sent_stores_nothing(outage):
    """The connection drops as the statement storing the lead goes out: 503, nothing stored."""
    app, relay = outage
    with app.app_context():
        engine = db.engine

    def cut_before_the_lead(_conn, _cursor, statement, *_args):
        if "INSERT INTO leads" in statement:
            relay.cut()

    sqlalchemy.event.listen(engine, "before_cursor_execute", cut_before_the_lead)
    client = app.test_client()
    token = completed_token(app)
    try:
        response = client.post("/check/contact", data={**CONTACT, "s": token})
    finally:
        sqlalchemy.event.remove(engine, "before_cursor_execute", cut_before_the_lead)
    assert response.status_code == 503
    assert "We could not confirm your request" in response.get_data(as_text=True)

    relay.restore()
    assert count(app, Lead) == 0
    assert count(app, OutboxMessage) == 0
    with app.app_context():
        assert (
            counters.totals(*[counters.utcnow().date()] * 2).get(("lead", "book_consultation"))
            is None
        )
    assert client.post("/check/contact", data={**CONTACT, "s": token}).status_code == 303
    assert count(app, Lead) == 1


def _restart_while_idle(app, relay, idle: float) -> int:
    """A contact POST, then the server "restarts" while the app is quiet, then another."""
    client = app.test_client()
    first = client.post("/check/contact", data={**CONTACT, "s": completed_token(app)})
    assert first.status_code == 303
    relay.cut()  # every pooled connection is now dead
    relay.restore()
    time.sleep(idle)
    return client.post("/check/contact", data={**CONTACT, "s": completed_token(app)}).status_code


def test_a_restart_while_the_app_was_quiet_costs_nobody_an_error(outage):
    """A connection idle past DATABASE_PING_AFTER_IDLE is pinged, found dead and replaced."""
    app, relay = outage
    assert _restart_while_idle(app, relay, idle=PING_AFTER_IDLE + 0.2) == 303
    assert count(app, Lead) == 2


def test_a_connection_reused_at_once_is_not_pinged(outage):
    """Within the idle time no ping is sent: a dead connection fails that one request (503).

    The failure discards the pool's connections, so the next request reconnects.
    """
    app, relay = outage
    assert _restart_while_idle(app, relay, idle=0) == 503
    assert (
        app.test_client()
        .post("/check/contact", data={**CONTACT, "s": completed_token(app)})
        .status_code
        == 303
    )
    assert count(app, Lead) == 2


def test_a_connection_lost_after_the_commit_still_acknowledges_the_request(outage, monkeypatch):
    """The lead is committed; the database goes while the request finishes: 303, not 500."""
    from leads import views

    app, relay = outage
    real_deliver = views.deliver_after_response

    def deliver_then_lose_the_database(response, message_ids):
        db.session.execute(sqlalchemy.text("SELECT 1"))  # a connection is checked out
        relay.cut()  # closing the session at the end of the request now fails
        return real_deliver(response, message_ids)

    monkeypatch.setattr(views, "deliver_after_response", deliver_then_lose_the_database)
    response = app.test_client().post("/check/contact", data={**CONTACT, "s": completed_token(app)})
    assert response.status_code == 303
    relay.restore()
    assert count(app, Lead) == 1
