"""The embedded SQLite database: WAL, full sync, and waiting for the write lock."""

from __future__ import annotations

from sqlalchemy import text

from core.database import SQLITE_BUSY_TIMEOUT_MS
from core.extensions import db
from tests.support import sqlite_app


def test_sqlite_runs_in_wal_mode_with_full_sync_and_a_busy_timeout(tmp_path):
    app = sqlite_app(tmp_path, AUTO_MIGRATE=True)
    with app.app_context():
        pragma = {
            name: db.session.scalar(text(f"PRAGMA {name}"))
            for name in ("journal_mode", "synchronous", "busy_timeout")
        }
    assert pragma == {
        "journal_mode": "wal",  # readers and the writer do not block each other
        "synchronous": 2,  # FULL: a commit is on disk when it returns
        "busy_timeout": SQLITE_BUSY_TIMEOUT_MS,  # wait for the write lock, do not fail
    }
    assert (tmp_path / "test.sqlite3-wal").exists()


def _synchronous_of_every_pooled_connection(app) -> set[int]:
    with app.app_context():
        pool = db.engine.pool
        connections = [pool.connect() for _ in range(pool.checkedin())]
        try:
            return {c.cursor().execute("PRAGMA synchronous").fetchone()[0] for c in connections}
        finally:
            for connection in connections:
                connection.close()


def test_an_anonymous_count_skips_the_fsync_and_leaves_the_connection_at_full(tmp_path):
    """Step counts may wait for the next checkpoint's fsync; nothing after them may."""
    from core import counters
    from tests.statements import recorded_statements

    app = sqlite_app(tmp_path, AUTO_MIGRATE=True)
    with recorded_statements(app) as statements, app.app_context():
        counters.count_now("step", "skin")
    assert [statement.split(" (")[0] for statement in statements] == [
        "PRAGMA synchronous = NORMAL",
        "INSERT INTO daily_counts",
        "PRAGMA synchronous = FULL",
    ]
    assert _synchronous_of_every_pooled_connection(app) == {2}
    with app.app_context():
        today = counters.utcnow().date()
        assert counters.totals(today, today) == {("step", "skin"): 1}


def test_a_failed_count_still_leaves_the_connection_at_full(tmp_path, monkeypatch):
    from core import counters

    app = sqlite_app(tmp_path, AUTO_MIGRATE=True)
    monkeypatch.setattr(counters, "UPSERT", text("INSERT INTO no_such_table VALUES (1)"))
    with app.app_context():
        counters.count_now("step", "skin")  # logged, not raised
    assert _synchronous_of_every_pooled_connection(app) == {2}
