"""Recording the SQL an app sends, to check which queries a request makes (and which it spares)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event

from core.extensions import db


@contextmanager
def recorded_statements(app) -> Iterator[list[str]]:
    """Every statement the app's engine sends while the block runs, whitespace collapsed.

    Connection pings, BEGIN and COMMIT are the driver's own and are not recorded.
    """
    statements: list[str] = []

    def record(_conn, _cursor, statement, _parameters, _context, _executemany):
        statements.append(" ".join(statement.split()))

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)
