"""The embedded SQLite database: WAL, full sync, and waiting for the write lock."""

from __future__ import annotations

from sqlalchemy import text
from support import sqlite_app

from extensions import db
from storage import SQLITE_BUSY_TIMEOUT_MS


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
