"""The database: SQLite in the instance folder by default, PostgreSQL via DATABASE_URL.

The embedded SQLite database is created and migrated on start-up, so a first
run needs no manual step. PostgreSQL is migrated by the deploy step
``flask db upgrade`` (or on start-up when AUTO_MIGRATE=1).

Every worker of every instance runs create_app, so several may find the same
database behind its migrations at once; each Alembic run (start-up or ``flask
db``) therefore holds ``migration_lock``: a PostgreSQL advisory lock, or an
exclusive lock on a file beside the SQLite database. The first process
migrates; the others wait, then find the schema at head and do nothing. A start
with nothing to migrate only compares the version table with the scripts' head.

SQLite runs in WAL mode: readers and the one writer no longer block each other,
and a commit appends to the ``-wal`` file beside the database instead of
rewriting pages through a rollback journal. ``synchronous=FULL`` keeps every
commit on disk before it returns (a lead is acknowledged only once it is
durable; only an anonymous count relaxes it, for its own statement, in
``counters.count_now``), and ``busy_timeout`` makes a worker wait for the write
lock instead of failing.

A pooled PostgreSQL connection is pinged before use only when it has sat idle
for DATABASE_PING_AFTER_IDLE seconds (SQLAlchemy's ``pool_pre_ping`` pings on
every checkout). A restarted server is found, and its dead connections replaced
without an error, whenever the app has been quiet; under load, connections are
reused within milliseconds, and the ping's round trip was a tenth of a contact
POST's cost. A server that dies under load fails the requests in flight (503),
and SQLAlchemy then discards every connection of the pool, so the next requests
reconnect.
"""

from __future__ import annotations

import fcntl
import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import Engine, event, text
from sqlalchemy.exc import InvalidatePoolError, SQLAlchemyError

from core.extensions import db, migrate

MIGRATIONS = Path(__file__).resolve().parents[1] / "migrations"
SQLITE_BUSY_TIMEOUT_MS = 15_000
# Every commit on disk when it returns; counters.count_now relaxes it for one statement.
SQLITE_SYNCHRONOUS = "FULL"
# The pg_advisory_lock key every process of this app takes around its migrations
# (advisory locks are per database; any constant no other code of the database uses).
MIGRATION_LOCK_KEY = 0x5C12_EE71_0000_0001

logger = logging.getLogger(__name__)


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    """Set on every new SQLite connection (journal_mode=WAL is kept in the file too)."""
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute(f"PRAGMA synchronous = {SQLITE_SYNCHRONOUS}")
    finally:
        cursor.close()


def ping_connections_left_idle(engine: Engine, idle_seconds: float) -> None:
    """Ping a connection at checkout when it has been idle that long; replace it if dead."""

    def mark_idle(_dbapi_connection, record) -> None:
        record.info["idle_since"] = time.monotonic()

    def ping_if_idle(dbapi_connection, record, _proxy) -> None:
        idle_since = record.info.get("idle_since")
        if idle_since is None or time.monotonic() - idle_since < idle_seconds:
            return  # just connected, or back in the pool a moment ago
        try:
            engine.dialect.do_ping(dbapi_connection)
        except Exception as error:
            # The server went away while the app was quiet: the pool discards every
            # connection made before now, as pool_pre_ping does, and connects again.
            raise InvalidatePoolError("a pooled connection was dead") from error

    event.listen(engine, "checkin", mark_idle)
    event.listen(engine, "checkout", ping_if_idle)


#: SQLite's search index (migration 0022_sqlite_search): an FTS5 table and its shadow
#: tables, made by the migration and unknown to the models.
SQLITE_SEARCH_INDEX = "leads_search"


def declared_by_models(name: str | None, type_: str, _parent_names: dict) -> bool:
    """Alembic's ``include_name``: whether comparing the schema with the models looks at a
    table (everything but the SQLite search index, which no model declares)."""
    return not (type_ == "table" and name is not None and name.startswith(SQLITE_SEARCH_INDEX))


def schema_at_head(engine: Engine) -> bool:
    """Whether the database is at the migrations' head: a start with nothing to do skips
    loading Alembic's environment and waiting for the lock."""
    heads = set(ScriptDirectory(str(MIGRATIONS)).get_heads())
    with engine.connect() as connection:
        current = MigrationContext.configure(connection).get_current_heads()
    return len(current) == len(heads) and set(current) == heads


@contextmanager
def migration_lock(engine: Engine) -> Iterator[None]:
    """Held around every Alembic run (migrations/env.py), so that workers and instances
    starting together, or a deploy step beside them, migrate one after the other.

    Alembic reads the database's revision only once the lock is held, so whoever
    waited finds the schema at head and applies nothing. An in-memory SQLite
    database belongs to one process and needs no lock.
    """
    if engine.dialect.name == "postgresql":
        with _advisory_lock(engine):
            yield
    elif engine.dialect.name == "sqlite" and engine.url.database not in (None, "", ":memory:"):
        with _file_lock(Path(f"{engine.url.database}-migrations.lock")):
            yield
    else:
        yield


@contextmanager
def _advisory_lock(engine: Engine) -> Iterator[None]:
    """A session-level advisory lock on a connection of its own, in autocommit so that it
    holds no transaction open while the migrations run on another connection."""
    key = {"key": MIGRATION_LOCK_KEY}
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        if not connection.scalar(text("SELECT pg_try_advisory_lock(:key)"), key):
            logger.info("waiting for another process to finish the database migrations")
            connection.execute(text("SELECT pg_advisory_lock(:key)"), key)
        try:
            yield
        finally:
            connection.execute(text("SELECT pg_advisory_unlock(:key)"), key)


@contextmanager
def _file_lock(path: Path) -> Iterator[None]:
    """An exclusive flock on a file beside the SQLite database: every process that opens
    that database sees it, and the kernel releases it if the holder dies."""
    with path.open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            logger.info("waiting for another process to finish the database migrations")
            fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def init_storage(app: Flask) -> None:
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        path = Path(app.instance_path) / "screening.sqlite3"
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{path}"
    app.config.setdefault("DATABASE_PING_AFTER_IDLE", 1.0)
    # A failed statement's exception, and so every log line and traceback made of it,
    # never shows the values it was sent with (health answers, names, emails): SQLAlchemy
    # writes "[SQL parameters hidden due to hide_parameters=True]" in their place. Always
    # on, whatever other engine options the configuration gives.
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {
        **app.config.get("SQLALCHEMY_ENGINE_OPTIONS", {}),
        "hide_parameters": True,
    }
    # Each model registers its table with db.metadata where it is defined; the factory
    # imports every feature before this runs, so the migrations see all of them.
    db.init_app(app)
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            event.listen(db.engine, "connect", _sqlite_pragmas)
        else:
            ping_connections_left_idle(db.engine, app.config["DATABASE_PING_AFTER_IDLE"])

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
            if not schema_at_head(db.engine):
                upgrade(directory=str(MIGRATIONS))  # under migration_lock (migrations/env.py)
            if db.engine.dialect.name == "sqlite":
                refresh_sqlite_statistics(db.engine)


#: SQLite's statistics are gathered from this many leads on: below it every plan is quick.
SQLITE_STATISTICS_FROM = 1_000


def refresh_sqlite_statistics(engine: Engine) -> None:
    """Give SQLite's query planner the tables' statistics when the app starts, once the
    leads are many and their number has doubled or halved since the last ones.

    Without them it guesses that ``merged_into_id IS NULL`` picks out a few leads (an
    equality on an indexed column), reads the list through that index and sorts every
    lead: the leads list took 240 ms at 20,000 leads, 50 ms with statistics. PostgreSQL
    keeps its own (autovacuum). A long-running process keeps the start's statistics; the
    shape they describe (almost every lead unmerged, follow-ups spread) changes slowly.

    A whole ANALYZE: 0.16 s at 100,000 leads, about 0.1 s even on an empty database
    (every table and index is visited and the result committed), hence only when due.
    Not ``analysis_limit``, whose estimates cap every index's rows per value at the
    limit, so the merged_into_id index looked selective again."""
    with engine.begin() as connection:
        leads = connection.exec_driver_sql("SELECT count(*) FROM leads").scalar_one()
        if leads < SQLITE_STATISTICS_FROM:
            return
        kept = connection.exec_driver_sql(
            "SELECT name FROM sqlite_master WHERE name = 'sqlite_stat1'"
        ).first()
        if kept is not None:
            stat = connection.exec_driver_sql(
                "SELECT stat FROM sqlite_stat1 WHERE tbl = 'leads' LIMIT 1"
            ).scalar()
            analysed = int(stat.split()[0]) if stat else 0
            if analysed and analysed / 2 <= leads <= analysed * 2:
                return
        connection.exec_driver_sql("ANALYZE")
