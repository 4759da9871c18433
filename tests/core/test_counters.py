"""The anonymous counters: exact under concurrent writers, spread over shards, cheap to commit."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import func, select, text

from core import counters
from core.counters import DailyCount
from core.database import MIGRATIONS
from core.dbtypes import utcnow
from core.extensions import db
from tests.statements import recorded_statements
from tests.support import HEALTHY


def _today():
    today = utcnow().date()
    return today, today


def _run_at_once(app, workers: int, work) -> None:
    """``work()`` in ``workers`` threads started together, each in an app context of its own."""
    barrier = threading.Barrier(workers)
    errors: list[BaseException] = []

    def run() -> None:
        with app.app_context():
            try:
                barrier.wait()
                work()
            except BaseException as error:  # reported by the test, not lost in the thread
                errors.append(error)

    threads = [threading.Thread(target=run) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []


def test_concurrent_counts_are_exact_and_spread_over_shards(db_app):
    workers, each = 8, 40

    def count() -> None:
        for _ in range(each):
            counters.count_now("step", "skin")

    _run_at_once(db_app, workers, count)
    with db_app.app_context():
        assert counters.totals(*_today()) == {("step", "skin"): workers * each}
        assert counters.by_day("step", *_today()) == {utcnow().date(): workers * each}
        shards = db.session.scalars(select(DailyCount.shard)).all()
    assert len(shards) == len(set(shards)) > 1  # one row per shard written, more than one
    assert all(0 <= shard < counters.SHARDS for shard in shards)


def test_concurrent_lead_counts_in_their_own_transactions_are_exact(db_app):
    """counters.record adds to the caller's transaction: counted when it commits, not before."""
    workers, each = 6, 20

    def count_in_transactions() -> None:
        for n in range(each):
            counters.record("lead", "book_consultation")
            if n % 2:
                db.session.commit()
            else:
                db.session.rollback()  # a lead that was not stored is not counted

    _run_at_once(db_app, workers, count_in_transactions)
    with db_app.app_context():
        assert counters.totals(*_today()) == {("lead", "book_consultation"): workers * each // 2}


def test_totals_and_the_dashboard_add_up_every_shard(db_app):
    from tests.factories import make_staff, sign_in

    today, _ = _today()
    with db_app.app_context():
        for shard, count in ((0, 2), (5, 3), (counters.SHARDS - 1, 1234)):
            db.session.add(DailyCount(day=today, event="started", shard=shard, count=count))
            db.session.add(
                DailyCount(
                    day=today, event="lead", detail="clinician_review", shard=shard, count=count
                )
            )
        db.session.add(DailyCount(day=today - timedelta(days=1), event="started", count=7))
        db.session.commit()
        assert counters.totals(today, today) == {
            ("started", ""): 1239,
            ("lead", "clinician_review"): 1239,
        }
        assert counters.by_day("started", today - timedelta(days=1), today) == {
            today - timedelta(days=1): 7,
            today: 1239,
        }
    make_staff(db_app, "admin@clinic.test", role="admin")
    console = db_app.test_client()
    assert sign_in(console, "admin@clinic.test").status_code == 302
    page = console.get("/staff/dashboard?days=1").get_data(as_text=True)
    started = page.split("Started</th>", 1)[1].split("</td>", 1)[0]
    assert started.endswith(">1,239")
    contacted = page.split("Asked to be contacted</th>", 1)[1].split("</td>", 1)[0]
    assert contacted.endswith(">1,239")


def test_step_counts_are_one_statement_that_skips_the_wal_flush_on_postgresql(db_app, database):
    """An anonymous count may be lost in a server crash; the setting never outlives it.

    (SQLite's counterpart, a NORMAL-sync statement, is in test_storage_sqlite.py.)
    """
    with recorded_statements(db_app) as statements, db_app.app_context():
        counters.count_now("started")
        assert counters.totals(*_today()) == {("started", ""): 1}  # committed by itself
    assert statements[-1].startswith("SELECT")  # the totals, after the count
    if database == "sqlite":
        return
    assert len(statements) == 2  # the count, the totals
    assert "set_config('synchronous_commit', 'off', true)" in statements[0]
    with db_app.app_context(), db.engine.connect() as connection:
        connection.execute(counters._PG_UPSERT_ALONE, counters.increment("started"))
        assert connection.exec_driver_sql("SHOW synchronous_commit").scalar() == "off"
        connection.commit()
        assert connection.exec_driver_sql("SHOW synchronous_commit").scalar() == "on"
        connection.commit()
        assert counters.totals(*_today()) == {("started", ""): 2}


def test_a_count_inside_other_work_keeps_the_synchronous_commit(db_app):
    """count_now completes a transaction under way (as it always did), durably."""
    with recorded_statements(db_app) as statements, db_app.app_context():
        counters.record("lead", "see_dermatologist")  # a statement already in the transaction
        counters.count_now("started")
        db.session.add(DailyCount(day=utcnow().date(), event="completed", shard=99, count=1))
        counters.count_now("started")  # an object waiting to be flushed
        db.session.rollback()
        assert counters.totals(*_today()) == {
            ("lead", "see_dermatologist"): 1,
            ("started", ""): 2,
            ("completed", ""): 1,
        }
    assert not any("synchronous_commit" in statement for statement in statements)


def test_a_counting_failure_never_breaks_the_questionnaire(tmp_path, caplog):
    from tests.support import Walker, sqlite_app

    app = sqlite_app(tmp_path, AUTO_MIGRATE=True)
    with app.app_context():
        db.session.execute(text("DROP TABLE daily_counts"))
        db.session.commit()
    client = app.test_client()
    result = Walker(client).complete(HEALTHY)  # every step POST answers 303
    assert client.get(result).status_code == 200
    assert "could not record the anonymous step counter" in caplog.text


@pytest.mark.parametrize("rows", [[(0, 2), (3, 5), (15, 1)], [(0, 4)]])
def test_the_shard_migration_keeps_every_count_both_ways(db_app, rows):
    today, _ = _today()
    with db_app.app_context():
        for shard, count in rows:
            db.session.add(
                DailyCount(day=today, event="completed", detail="x", shard=shard, count=count)
            )
        db.session.add(DailyCount(day=today, event="started", count=9))
        db.session.commit()
        db.session.remove()
        try:
            downgrade(directory=str(MIGRATIONS), revision="0001_leads")
            left = db.session.execute(
                text("SELECT event, detail, count FROM daily_counts ORDER BY event")
            ).all()
            db.session.remove()
        finally:
            upgrade(directory=str(MIGRATIONS))
        assert [tuple(row) for row in left] == [
            ("completed", "x", sum(count for _, count in rows)),
            ("started", "", 9),
        ]
        assert set(db.session.scalars(select(DailyCount.shard))) == {0}
        assert db.session.scalar(select(func.sum(DailyCount.count))) == 9 + sum(
            count for _, count in rows
        )
