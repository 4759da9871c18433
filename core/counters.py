"""Anonymous daily counters: how many started, reached each step, completed, became leads.

Each (day, event, detail) counter is spread over SHARDS rows, incremented with an
upsert into a shard chosen at random and summed on read. One row per counter
would be a hot spot: every concurrent writer would queue on its row lock until
the holder commits (with its WAL flush), so no two commits could share a flush.
There are no per-person rows and no flow ids, so these counts are never personal
data and survive every purge.
"""

from __future__ import annotations

import contextlib
import logging
import random
from datetime import date

from sqlalchemy import (
    Connection,
    Date,
    Integer,
    SmallInteger,
    String,
    UniqueConstraint,
    bindparam,
    select,
    text,
)
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Mapped, mapped_column

from core.database import SQLITE_SYNCHRONOUS
from core.dbtypes import utcnow
from core.extensions import db

log = logging.getLogger(__name__)

EVENTS = ("started", "step", "completed", "lead", "phone_lead")
# Rows per counter and day. 16 leaves two of the 8 writers a recommended server has
# (4 workers x 2 threads) on the same row rarely, and keeps a year of counters
# (13 counters x 16 x 366 rows) a quick sum for the dashboard.
SHARDS = 16


class DailyCount(db.Model):
    __tablename__ = "daily_counts"
    __table_args__ = (UniqueConstraint("day", "event", "detail", "shard"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    day: Mapped[date] = mapped_column(Date, nullable=False)
    event: Mapped[str] = mapped_column(String(20), nullable=False)
    detail: Mapped[str] = mapped_column(String(40), nullable=False, default="")
    shard: Mapped[int] = mapped_column(SmallInteger, nullable=False, default=0, server_default="0")
    count: Mapped[int] = mapped_column(Integer, nullable=False, default=0)


# The counter parameters typed, for the text statements below and those that embed them.
COUNTER_PARAMS = (
    bindparam("day", type_=Date()),
    bindparam("event", type_=String()),
    bindparam("detail", type_=String()),
    bindparam("shard", type_=SmallInteger()),
)


def upsert_from(source: str) -> str:
    """Add one to a counter's shard; ``source`` gives the row (VALUES or a SELECT).

    The same SQL on PostgreSQL and SQLite (3.24+), written as text because
    SQLAlchemy's dialect upserts (postgresql.insert, sqlite.insert) are not
    cacheable: they were compiled again on every execution, about a tenth of a
    contact POST's time. A text statement is compiled once.
    """
    return (
        f"INSERT INTO daily_counts (day, event, detail, shard, count) {source} "  # nosec B608
        "ON CONFLICT (day, event, detail, shard) DO UPDATE SET count = daily_counts.count + 1"
    )


# The source row of an upsert inside a larger PostgreSQL statement: the parameters
# cast, since a SELECT gives PostgreSQL no column to infer their types from.
PG_COUNTER_ROW = (
    "SELECT CAST(:day AS DATE), CAST(:event AS VARCHAR), CAST(:detail AS VARCHAR), "
    "CAST(:shard AS SMALLINT), 1"
)
UPSERT = text(upsert_from("VALUES (:day, :event, :detail, :shard, 1)")).bindparams(*COUNTER_PARAMS)
# The same, as a transaction of its own in one statement (autocommit) on PostgreSQL,
# whose commit does not wait for the WAL flush: set_config(..., true) is SET LOCAL,
# and synchronous_commit is read when the transaction commits. One round trip
# instead of four (BEGIN, SET LOCAL, INSERT, COMMIT).
_PG_UPSERT_ALONE = text(
    " ".join(
        (
            "WITH relaxed AS (SELECT set_config('synchronous_commit', 'off', true))",
            upsert_from(f"{PG_COUNTER_ROW} FROM relaxed"),
        )
    )
).bindparams(*COUNTER_PARAMS)


def increment(event: str, detail: str = "", day: date | None = None) -> dict[str, object]:
    """The upsert's values: this counter, in a shard chosen at random."""
    if event not in EVENTS:
        raise ValueError(f"unknown event {event!r}")
    return {
        "day": day or utcnow().date(),
        "event": event,
        "detail": detail,
        "shard": random.randrange(SHARDS),  # noqa: S311 - spreading writes, not a secret
    }


def record(event: str, detail: str = "", day: date | None = None) -> None:
    """Add one to a counter inside the caller's transaction (the caller commits).

    The lead counter goes this way, in the lead's own durable transaction, so the
    count of leads is exact: both are stored or neither.
    """
    db.session.execute(UPSERT, increment(event, detail, day))


def count_now(event: str, detail: str = "") -> None:
    """Add one to a counter and commit at once; a counting failure never breaks the questionnaire.

    When the request's session holds nothing else, the count is one autocommitted
    statement on a connection of the pool, whose commit does not wait for the disk:
    on PostgreSQL ``synchronous_commit`` is off for that transaction only, on SQLite
    (WAL mode) ``synchronous`` is NORMAL for that statement only. A crash of the
    server or the machine may lose the last fraction of a second of anonymous counts.
    Never a lead: its transaction keeps the synchronous commit. Work of the caller's
    already under way is committed with the count, durably, as before.
    """
    try:
        if _counter_only():
            with db.engine.connect() as connection:
                connection.execution_options(isolation_level="AUTOCOMMIT")
                if connection.dialect.name == "postgresql":
                    connection.execute(_PG_UPSERT_ALONE, increment(event, detail, None))
                else:
                    _sqlite_count_unsynced(connection, increment(event, detail, None))
        else:
            record(event, detail)
            db.session.commit()
    except SQLAlchemyError:
        with contextlib.suppress(SQLAlchemyError):
            db.session.rollback()
        log.exception("could not record the anonymous %s counter", event)


def _sqlite_count_unsynced(connection: Connection, values: dict[str, object]) -> None:
    """The upsert with its commit left to the next checkpoint's fsync, then FULL again.

    In WAL mode a NORMAL commit is appended to the log without an fsync; the next
    FULL commit (a lead's) or checkpoint syncs the log, and this count with it.
    """
    connection.exec_driver_sql("PRAGMA synchronous = NORMAL")
    try:
        connection.execute(UPSERT, values)
    finally:
        connection.exec_driver_sql(f"PRAGMA synchronous = {SQLITE_SYNCHRONOUS}")


def _counter_only() -> bool:
    """True when the session holds nothing else: no transaction under way, nothing to flush."""
    session = db.session()  # the request's Session (scoped_session proxies only part of it)
    return not (session.in_transaction() or session.new or session.dirty or session.deleted)


def totals(start: date, end: date) -> dict[tuple[str, str], int]:
    """Sum of each (event, detail) counter, all shards, between two days, both included."""
    rows = db.session.execute(
        select(DailyCount.event, DailyCount.detail, db.func.sum(DailyCount.count))
        .where(DailyCount.day >= start, DailyCount.day <= end)
        .group_by(DailyCount.event, DailyCount.detail)
    )
    return {(event, detail): int(total) for event, detail, total in rows}


def by_day(event: str, start: date, end: date) -> dict[date, int]:
    """One event's daily totals (all details and shards summed) between two days."""
    rows = db.session.execute(
        select(DailyCount.day, db.func.sum(DailyCount.count))
        .where(DailyCount.event == event, DailyCount.day >= start, DailyCount.day <= end)
        .group_by(DailyCount.day)
    )
    return {day: int(total) for day, total in rows}
