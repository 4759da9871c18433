"""Counting the SQL a request sends: the one helper every query-count test uses.

A page that shows a bounded number of rows must send the same number of queries
whatever the number of leads stored; ``count_queries`` counts the statements the
app's engine sends (SQLAlchemy's ``before_cursor_execute`` event), as
bench/console_scale.py does.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from sqlalchemy import event

from core.extensions import db


@dataclass
class Queries:
    """The statements seen so far (their SQL, to show when a count grows)."""

    statements: list[str] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.statements)


@contextmanager
def count_queries(app) -> Iterator[Queries]:
    """Every SQL statement ``app``'s engine sends inside the ``with`` block."""
    seen = Queries()

    def record(_conn, _cursor, statement, *_args) -> None:
        seen.statements.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


def queries_of(app, client, url: str, **kwargs) -> Queries:
    """The queries one GET of ``url`` sends (after one fetch to warm per-process caches)."""
    assert client.get(url, **kwargs).status_code == 200, url
    with count_queries(app) as seen:
        response = client.get(url, **kwargs)
        response.get_data()  # a streamed answer runs its queries as it is read
    assert response.status_code == 200, url
    return seen
