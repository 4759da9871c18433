"""The contact POST's writes: only the inserts it needs, still one lead per questionnaire."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from core.dbtypes import utcnow
from core.extensions import db
from leads.models import Lead, OutboxMessage
from tests.console_support import CONTACT, submit_contact
from tests.statements import recorded_statements
from tests.support import Walker, completed_token


def lead_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Lead))


def tables_written(statements: list[str]) -> list[str]:
    return [" ".join(statement.split()[:3]) for statement in statements]


# What a new contact request sends: on PostgreSQL one statement (the lead, its
# messages and the counter), on SQLite its inserts in one transaction.
STORE_STATEMENTS = {
    "postgresql": ["WITH lead AS"],
    "sqlite": ["INSERT INTO leads", "INSERT INTO daily_counts"],
}


def test_a_new_request_sends_only_its_inserts(db_app):
    """No look-up before the insert, no read-back after the commit, no outbox query.

    The live rule version is read once per LIVE_RULES_TTL (signoff.service), so a
    page of the check before the POST has read it: this is every POST after that.
    """
    token = completed_token(db_app)
    assert db_app.test_client().get("/").status_code == 200
    with recorded_statements(db_app) as statements:
        response = db_app.test_client().post("/check/contact", data={"s": token, **CONTACT})
    assert response.status_code == 303
    assert response.headers["Location"].endswith("&sent=1")
    with db_app.app_context():
        dialect = db.engine.dialect.name
    assert tables_written(statements) == STORE_STATEMENTS[dialect]
    assert lead_count(db_app) == 1
    with db_app.app_context():
        from core.counters import totals

        assert totals(utcnow().date(), utcnow().date()) == {("lead", "book_consultation"): 1}


def test_notifications_go_at_once_and_only_this_requests(app_factory, webhook):
    app = app_factory(WEBHOOK_URL=webhook.url, WEBHOOK_SECRET="s")
    client = app.test_client()
    submit_contact(client, Walker(client))
    with app.app_context():  # an earlier lead's notification, due, waiting for the cron job
        earlier = db.session.scalars(select(OutboxMessage)).one()
        earlier.status, earlier.next_attempt_at = "pending", utcnow()
        db.session.commit()
        earlier_id = earlier.id
    webhook.requests.clear()

    with recorded_statements(app) as statements:
        response = client.post("/check/contact", data={"s": completed_token(app), **CONTACT})
    assert response.status_code == 303
    with app.app_context():
        dialect = db.engine.dialect.name
    stored = {
        "postgresql": ["WITH lead AS"],
        "sqlite": ["INSERT INTO leads", "INSERT INTO outbox", "INSERT INTO daily_counts"],
    }[dialect]
    assert tables_written(statements)[: len(stored)] == stored
    assert [payload["lead"]["id"] for payload in webhook.payloads()] == [2]
    with app.app_context():
        assert db.session.get(OutboxMessage, earlier_id).status == "pending"
        assert db.session.scalar(
            select(OutboxMessage.status).where(OutboxMessage.lead_id == 2)
        ) == ("sent")


def test_a_replay_with_an_invalid_form_still_reaches_the_confirmation(db_app):
    client = db_app.test_client()
    response, token = submit_contact(client, Walker(client))
    assert response.status_code == 303
    replay = client.post("/check/contact", data={"s": token, "name": "", "consent": ""})
    assert replay.status_code == 303
    assert replay.headers["Location"] == response.headers["Location"].removesuffix("&sent=1")
    assert lead_count(db_app) == 1
    fresh = client.post("/check/contact", data={"s": completed_token(db_app), "consent": ""})
    assert fresh.status_code == 422  # an invalid form for a questionnaire with no lead


@pytest.mark.parametrize("attempt", range(3))
def test_a_double_submit_at_the_same_moment_stores_one_lead(db_app, attempt):
    token = completed_token(db_app)
    barrier = threading.Barrier(2)
    locations: list[str] = []

    def submit() -> None:
        client = db_app.test_client()
        barrier.wait()
        response = client.post("/check/contact", data={"s": token, **CONTACT})
        assert response.status_code == 303, response.status_code
        locations.append(response.headers["Location"])

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(locations) == 2
    new, again = sorted(locations, key=len, reverse=True)
    assert new.endswith("&sent=1") and again == new.removesuffix("&sent=1")
    assert lead_count(db_app) == 1
    with db_app.app_context():
        from core.counters import totals

        assert totals(utcnow().date(), utcnow().date()) == {("lead", "book_consultation"): 1}
