"""Workers starting together migrate the database once, on SQLite and on PostgreSQL.

Every gunicorn worker runs create_app, which migrates when AUTO_MIGRATE is on.
Before ``core.database.migration_lock``, four workers on an empty SQLite file
applied the same migration twice ("table already exists", "Worker failed to
boot"), and an upgrade left batch mode's ``_alembic_tmp_outbox`` behind. These
tests start four real workers on an empty database and on one a revision
behind, a few times over since a race shows only sometimes, and check that
every worker booted and the schema is at head, whole and clean.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask_migrate import upgrade

import core.database
from app import create_app
from core.database import MIGRATION_LOCK_KEY, MIGRATIONS, migration_lock
from core.extensions import db
from tests.services import PostgresSchema, free_port

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
WORKERS = 4
ROUNDS = 2  # each start of four workers takes about three seconds
OLDER = "0002_sharded_counts"  # the upgrade to head rebuilds outbox in batch mode on SQLite

# A gunicorn config file. The master imports the app's modules (a second of CPU each
# worker would spend on its own), so the workers fork together and run only create_app,
# migrations included, at the same moment; each says when create_app has returned.
GUNICORN_CONFIG = """
import app  # noqa: F401

def post_worker_init(worker):
    worker.log.info("worker %s ready", worker.pid)
"""


def app_environment(**settings: str) -> dict[str, str]:
    """The environment a real start gets: development, a secret, and only these settings."""
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DATABASE_URL", "AUTO_MIGRATE", "APP_ENV")
    }
    return {
        **environment,
        "APP_ENV": "development",
        "SECRET_KEY": "race-test-secret-key",
        "RATELIMIT_ENABLED": "0",
        **settings,
    }


def serve_with_four_workers(tmp_path: Path, app_spec: str, environment: dict[str, str]) -> None:
    """Start gunicorn, wait until every worker has booted, ask for ``/``, stop it, check the log.

    Stopped with SIGKILL to its process group: a graceful stop adds seconds of workers
    finalizing the interpreter, and only the start is under test.
    """
    hooks = tmp_path / "gunicorn_config.py"
    hooks.write_text(GUNICORN_CONFIG)
    port = free_port()
    log_path = tmp_path / f"gunicorn-{port}.log"
    command = [
        str(BIN / "gunicorn"),
        *("--workers", str(WORKERS), "--bind", f"127.0.0.1:{port}"),
        "--no-control-socket",  # its default path is shared by every gunicorn of the machine
        *("--config", str(hooks), app_spec),
    ]
    statuses: list[int] = []
    with log_path.open("w") as log:
        server = subprocess.Popen(
            command,
            cwd=ROOT,
            env=environment,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: the master and its workers
        )
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and server.poll() is None:
            if len(re.findall(r"worker \d+ ready", log_path.read_text())) >= WORKERS:
                break
            time.sleep(0.1)
        if server.poll() is None:
            for _ in range(2 * WORKERS):
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=10) as answer:
                    statuses.append(answer.status)
    finally:
        still_running = server.poll() is None
        with contextlib.suppress(ProcessLookupError):  # halted: master and workers are gone
            os.killpg(server.pid, signal.SIGKILL)
        server.wait()
    output = log_path.read_text()
    assert still_running, f"gunicorn halted:\n{output}"
    assert "Worker failed to boot" not in output, output
    assert "Traceback" not in output, output
    assert len(set(re.findall(r"worker (\d+) ready", output))) == WORKERS, output
    assert statuses == [200] * (2 * WORKERS), output


def assert_migrated_once(url: str) -> None:
    """At head with one version row, the models' exact schema, and no batch-mode leftover."""
    engine = sqlalchemy.create_engine(url)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(
                connection,
                opts={"compare_type": True, "include_name": core.database.declared_by_models},
            )
            head = ScriptDirectory(str(MIGRATIONS)).get_current_head()
            assert context.get_current_heads() == (head,)
            assert compare_metadata(context, db.metadata) == []
            tables = sqlalchemy.inspect(connection).get_table_names()
    finally:
        engine.dispose()
    assert [table for table in tables if table.startswith("_alembic_tmp_")] == []


def migrate_to(url: str, revision: str, tmp_path: Path) -> None:
    """Bring the database to an older revision, as a deploy of the previous release left it."""
    settings = {"TESTING": True, "SECRET_KEY": "k", "SQLALCHEMY_DATABASE_URI": url}
    app = create_app({**settings, "AUTO_MIGRATE": False}, instance_path=str(tmp_path))
    with app.app_context():
        upgrade(directory=str(MIGRATIONS), revision=revision)
        db.engine.dispose()


@pytest.fixture
def pg_schema_url() -> Iterator[str]:
    """A fresh schema of its own (fails, never skips, when PostgreSQL is unreachable)."""
    schema = PostgresSchema()
    url = schema.create()
    yield url
    schema.drop()


# --- Four workers on one database -------------------------------------------------


@pytest.mark.parametrize("start", ["empty", "upgrade"])
@pytest.mark.parametrize("attempt", range(ROUNDS))
def test_four_workers_on_the_default_sqlite_migrate_it_once(tmp_path, start, attempt):
    instance = tmp_path / "instance"
    instance.mkdir()
    url = f"sqlite:///{instance / 'screening.sqlite3'}"  # where create_app puts it by default
    if start == "upgrade":
        migrate_to(url, OLDER, tmp_path)
    # No DATABASE_URL: the default SQLite in the instance folder, migrated on start-up.
    spec = f"app:create_app(instance_path={str(instance)!r})"
    serve_with_four_workers(tmp_path, spec, app_environment())
    assert_migrated_once(url)


@pytest.mark.parametrize("start", ["empty", "upgrade"])
@pytest.mark.parametrize("attempt", range(ROUNDS))
def test_four_workers_on_postgresql_migrate_it_once(tmp_path, pg_schema_url, start, attempt):
    if start == "upgrade":
        migrate_to(pg_schema_url, OLDER, tmp_path)
    environment = app_environment(DATABASE_URL=pg_schema_url, AUTO_MIGRATE="1")
    serve_with_four_workers(
        tmp_path, f"app:create_app(instance_path={str(tmp_path)!r})", environment
    )
    assert_migrated_once(pg_schema_url)


# --- The lock itself ----------------------------------------------------------------


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request, tmp_path) -> Iterator[sqlalchemy.Engine]:
    if request.param == "sqlite":
        made = sqlalchemy.create_engine(f"sqlite:///{tmp_path / 'lock.sqlite3'}")
    else:
        made = sqlalchemy.create_engine(request.getfixturevalue("pg_schema_url"))
    yield made
    made.dispose()


def test_a_second_holder_waits_until_the_first_lets_go(engine):
    entered = threading.Event()

    def second() -> None:
        with migration_lock(engine):
            entered.set()

    with migration_lock(engine):
        waiter = threading.Thread(target=second, daemon=True)
        waiter.start()
        assert not entered.wait(0.5), "a second migration ran while the first held the lock"
    assert entered.wait(10), "the second migration never got the lock"
    waiter.join(10)


def test_the_deploy_step_waits_for_a_migration_in_progress(pg_schema_url):
    """``flask db upgrade`` takes the same lock, so it never races a start with AUTO_MIGRATE=1."""
    name = f"deploy-step-{secrets.token_hex(4)}"
    url = sqlalchemy.engine.make_url(pg_schema_url).update_query_dict({"application_name": name})
    url_text = url.render_as_string(hide_password=False)
    engine = sqlalchemy.create_engine(pg_schema_url)
    waiting_on_the_lock = sqlalchemy.text(
        "SELECT count(*) FROM pg_locks JOIN pg_stat_activity USING (pid) "
        "WHERE locktype = 'advisory' AND NOT granted AND application_name = :name "
        "AND objid::text::bigint = :low"
    )
    try:
        with migration_lock(engine):
            deploy = subprocess.Popen(
                [str(BIN / "flask"), "--app", "app", "db", "upgrade"],
                cwd=ROOT,
                env=app_environment(DATABASE_URL=url_text),
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
            )
            deadline = time.monotonic() + 20
            low = MIGRATION_LOCK_KEY & 0xFFFFFFFF
            with engine.connect() as connection:
                while connection.scalar(waiting_on_the_lock, {"name": name, "low": low}) != 1:
                    assert deploy.poll() is None, deploy.communicate()[0]
                    assert time.monotonic() < deadline, "the deploy step never asked for the lock"
                    time.sleep(0.1)
                    connection.rollback()  # a fresh snapshot of pg_locks each time
                tables = sqlalchemy.inspect(connection).get_table_names()
            assert tables == [], "the deploy step migrated while another migration held the lock"
        output, _ = deploy.communicate(timeout=30)
        assert deploy.returncode == 0, output
    finally:
        engine.dispose()
    assert_migrated_once(pg_schema_url)


def test_a_start_with_nothing_to_migrate_skips_alembic(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'at-head.sqlite3'}"
    migrate_to(url, "head", tmp_path)

    def no_upgrade(**_options: object) -> None:
        raise AssertionError("a database at head was migrated again")

    monkeypatch.setattr(core.database, "upgrade", no_upgrade)
    settings = {"TESTING": True, "SECRET_KEY": "k", "SQLALCHEMY_DATABASE_URI": url}
    app = create_app({**settings, "AUTO_MIGRATE": True}, instance_path=str(tmp_path))
    with app.app_context():
        assert core.database.schema_at_head(db.engine)
        db.engine.dispose()
