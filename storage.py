"""The database: SQLite in the instance folder by default, PostgreSQL via DATABASE_URL.

The embedded SQLite database is created and migrated on start-up, so a first
run needs no manual step. PostgreSQL is migrated by the deploy step
``flask db upgrade`` (or on start-up when AUTO_MIGRATE=1).

SQLite runs in WAL mode: readers and the one writer no longer block each other,
and a commit appends to the ``-wal`` file beside the database instead of
rewriting pages through a rollback journal. ``synchronous=FULL`` keeps every
commit on disk before it returns (a lead is acknowledged only once it is
durable; SQLite cannot relax that per transaction, so the counters pay it too),
and ``busy_timeout`` makes a worker wait for the write lock instead of failing.
"""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import event
from sqlalchemy.exc import SQLAlchemyError

from extensions import db, migrate

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
SQLITE_BUSY_TIMEOUT_MS = 15_000


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    """Set on every new SQLite connection (journal_mode=WAL is kept in the file too)."""
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = FULL")
    finally:
        cursor.close()


def init_storage(app: Flask) -> None:
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        path = Path(app.instance_path) / "screening.sqlite3"
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{path}"
    app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", {"pool_pre_ping": True})
    import leads.models  # noqa: F401 - register the tables with the metadata
    import metrics  # noqa: F401
    import staff.models  # noqa: F401

    db.init_app(app)
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            event.listen(db.engine, "connect", _sqlite_pragmas)

    @app.teardown_appcontext
    def close_session_quietly(_error: BaseException | None) -> None:
        """Runs before Flask-SQLAlchemy's own teardown (teardowns run last-registered first).

        When the database drops the connection after the response is made (a
        restart), closing the session raises; that must not turn a finished
        answer, such as a stored contact request, into a 500.
        """
        try:
            db.session.remove()
        except SQLAlchemyError:
            app.logger.warning("the database connection was lost while closing the session")
            db.session.registry.clear()

    migrate.init_app(app, db, directory=str(MIGRATIONS), render_as_batch=True)
    if app.config.get("AUTO_MIGRATE"):
        with app.app_context():
            upgrade(directory=str(MIGRATIONS))
