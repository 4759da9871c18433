"""One console page fetched many times on leads stored earlier: its time, and its SQL's.

    python bench/console_page_sql.py DATABASE_URL [--page /staff/dashboard] [--fetches 40]

DATABASE_URL is what ``bench/console_scale.py`` left: its SQLite file (it prints the
path) or, run with ``--keep``, its PostgreSQL schema
(``postgresql+psycopg://…/test?options=-csearch_path%3D<schema>``). Signs in as its
admin, fetches the page 3 times to warm up, then ``--fetches`` times, and prints the
median and best of those in process (Flask's test client), and the SQL time per fetch,
statement by statement (SQLAlchemy's cursor events), largest first. Run it in turn
with two checkouts on the same leads to compare them on a shared machine: fetches
interleaved within minutes see the same load, where whole runs of console_scale do not.
"""

from __future__ import annotations

import argparse
import logging
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT)]

from sqlalchemy import event  # noqa: E402

from app import create_app  # noqa: E402
from core.extensions import db  # noqa: E402
from tests.factories import staff_client  # noqa: E402

ADMIN = "bench-admin@clinic.test"  # console_scale's


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("database_url")
    parser.add_argument("--page", default="/staff/dashboard")
    parser.add_argument("--fetches", type=int, default=40)
    options = parser.parse_args()
    app = create_app(
        {"SECRET_KEY": "bench-" + "x" * 40, "SQLALCHEMY_DATABASE_URI": options.database_url,
         "AUTO_MIGRATE": True, "RATELIMIT_ENABLED": False,
         "PUBLIC_BASE_URL": "http://console.test"},
        instance_path=tempfile.mkdtemp(prefix="console-page-sql-"),
    )  # fmt: skip
    logging.getLogger("screening").setLevel(logging.WARNING)
    client = staff_client(app, ADMIN)
    spent: Counter[str] = Counter()
    with app.app_context():

        def began(connection, _cursor, _statement, *_args) -> None:
            connection.info["began"] = time.perf_counter()

        def ended(connection, _cursor, statement, *_args) -> None:
            spent[" ".join(statement.split())[:100]] += (
                time.perf_counter() - connection.info["began"]
            )

        event.listen(db.engine, "before_cursor_execute", began)
        event.listen(db.engine, "after_cursor_execute", ended)
        for _ in range(3):
            assert client.get(options.page).status_code == 200
        spent.clear()
        times = []
        for _ in range(options.fetches):
            start = time.perf_counter()
            client.get(options.page).get_data()
            times.append(time.perf_counter() - start)
    print(
        f"{options.page}: median {statistics.median(times) * 1000:.1f} ms, "
        f"best {min(times) * 1000:.1f} ms over {options.fetches} fetches; "
        f"SQL {sum(spent.values()) / options.fetches * 1000:.1f} ms a fetch"
    )
    for statement, seconds in spent.most_common(10):
        print(f"{seconds / options.fetches * 1000:7.2f} ms  {statement}")


if __name__ == "__main__":
    main()
