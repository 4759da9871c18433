"""Anonymous daily counters: how many started, reached each step, completed, became leads.

One row per (day, event, detail) holding a count, incremented with an upsert. There
are no per-person rows and no flow ids, so these counts are never personal data
and survive every purge.
"""

from __future__ import annotations

import logging
from datetime import date

from sqlalchemy import Date, Integer, String, UniqueConstraint, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Mapped, mapped_column

from dbtypes import utcnow
from extensions import db

log = logging.getLogger(__name__)

EVENTS = ("started", "step", "completed", "lead")


class DailyCount(db.Model):
    __tablename__ = "daily_counts"
    __table_args__ = (UniqueConstraint("day", "event", "detail"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    day: Mapped[date] = mapped_column(Date, nullable=False)
    event: Mapped[str] = mapped_column(String(20), nullable=False)
    detail: Mapped[str] = mapped_column(String(40), nullable=False, default="")
    count: Mapped[int] = mapped_column(Integer, nullable=False, default=0)


def record(event: str, detail: str = "", day: date | None = None) -> None:
    """Add one to a counter inside the caller's transaction (the caller commits)."""
    if event not in EVENTS:
        raise ValueError(f"unknown event {event!r}")
    values = {"day": day or utcnow().date(), "event": event, "detail": detail, "count": 1}
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(DailyCount).values(**values)
    statement = statement.on_conflict_do_update(
        index_elements=["day", "event", "detail"],
        set_={"count": DailyCount.count + 1},
    )
    db.session.execute(statement)


def count_now(event: str, detail: str = "") -> None:
    """Record and commit at once; a counting failure never breaks the questionnaire."""
    try:
        record(event, detail)
        db.session.commit()
    except SQLAlchemyError:
        db.session.rollback()
        log.exception("could not record the anonymous %s counter", event)


def totals(start: date, end: date) -> dict[tuple[str, str], int]:
    """Sum of each (event, detail) counter between two days, both included."""
    rows = db.session.execute(
        select(DailyCount.event, DailyCount.detail, db.func.sum(DailyCount.count))
        .where(DailyCount.day >= start, DailyCount.day <= end)
        .group_by(DailyCount.event, DailyCount.detail)
    )
    return {(event, detail): int(total) for event, detail, total in rows}


def by_day(event: str, start: date, end: date) -> dict[date, int]:
    """One event's daily totals (all details summed) between two days."""
    rows = db.session.execute(
        select(DailyCount.day, db.func.sum(DailyCount.count))
        .where(DailyCount.event == event, DailyCount.day >= start, DailyCount.day <= end)
        .group_by(DailyCount.day)
    )
    return {day: int(total) for day, total in rows}
