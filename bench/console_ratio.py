"""Every console page on two sets of stored leads, fetched in turn: the cost of 100,000 leads
against 1,000, as a ratio that the machine's other work does not move.

    python bench/console_ratio.py SMALL_DATABASE_URL LARGE_DATABASE_URL [--fetches 15]
                                  [--page "view: due today"]

Each URL is what ``bench/console_scale.py`` left: its SQLite file (it prints the path)
or, run with ``--keep``, its PostgreSQL schema
(``postgresql+psycopg://…/test?options=-csearch_path%3D<schema>``). Both apps live in
this one process, signed in as console_scale's admin; each page (console_scale's list,
with search words that find as many leads at either size) is fetched on one, then on
the other, 2 times to warm up and ``--fetches`` times measured. So a busy minute on
the shared machine slows both alike, where two whole runs of console_scale minutes
apart differed by a third. Prints, per page: median and best of each, their ratio
(the issue's aim: within 1.5), CPU time (``process_time``) and SQL time per fetch
(SQLAlchemy's cursor events). Figures, not a test.
"""

from __future__ import annotations

import argparse
import logging
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

from console_scale import ADMIN, pages  # noqa: E402
from sqlalchemy import event  # noqa: E402

from app import create_app  # noqa: E402
from core.extensions import db  # noqa: E402
from tests.api_token_support import bearer, make_token  # noqa: E402
from tests.factories import staff_client  # noqa: E402


class Stored:
    """One set of stored leads: its app, signed-in client, API token, pages, SQL clock."""

    def __init__(self, url: str) -> None:
        self.app = create_app(
            {"SECRET_KEY": "bench-" + "x" * 40, "SQLALCHEMY_DATABASE_URI": url,
             "AUTO_MIGRATE": True, "RATELIMIT_ENABLED": False,
             "PUBLIC_BASE_URL": "http://console.test"},
            instance_path=tempfile.mkdtemp(prefix="console-ratio-"),
        )  # fmt: skip
        logging.getLogger("screening").setLevel(logging.WARNING)
        self.client = staff_client(self.app, ADMIN)
        self.token = bearer(make_token(self.app))
        self.sql = 0.0
        with self.app.app_context():
            self.pages = dict(pages(self.app))
            event.listen(db.engine, "before_cursor_execute", self._began)
            event.listen(db.engine, "after_cursor_execute", self._ended)

    def _began(self, connection, *_args) -> None:
        connection.info["began"] = time.perf_counter()

    def _ended(self, connection, *_args) -> None:
        self.sql += time.perf_counter() - connection.info["began"]

    def fetch(self, name: str) -> tuple[float, float]:
        """One fetch of the page: wall and CPU seconds."""
        path = self.pages[name]
        headers = self.token if path.startswith("/api/") else {}
        began, cpu = time.perf_counter(), time.process_time()
        response = self.client.get(path, headers=headers)
        response.get_data()
        assert response.status_code == 200, (path, response.status_code)
        return time.perf_counter() - began, time.process_time() - cpu


def compared(small: Stored, large: Stored, name: str, fetches: int) -> str:
    """The page's Markdown row: both sizes fetched in turn."""
    wall: dict[Stored, list[float]] = {small: [], large: []}
    cpu: dict[Stored, list[float]] = {small: [], large: []}
    for fetched in range(fetches + 2):
        for stored in (small, large):
            if fetched == 2:
                stored.sql = 0.0
            seconds, used = stored.fetch(name)
            if fetched >= 2:
                wall[stored].append(seconds)
                cpu[stored].append(used)

    def ms(figure: Callable[[list[float]], float], stored: Stored) -> float:
        return figure(wall[stored]) * 1000

    median = statistics.median
    return (
        f"| {name} | {ms(median, small):.1f} ms | {ms(median, large):.1f} ms "
        f"| **{ms(median, large) / ms(median, small):.2f}** "
        f"| {ms(min, large) / ms(min, small):.2f} "
        f"| {median(cpu[small]) * 1000:.1f} / {median(cpu[large]) * 1000:.1f} ms "
        f"| {small.sql / fetches * 1000:.1f} / {large.sql / fetches * 1000:.1f} ms |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("small_database_url")
    parser.add_argument("large_database_url")
    parser.add_argument("--fetches", type=int, default=15)
    parser.add_argument("--page", help="only the pages whose name holds this")
    options = parser.parse_args()
    small, large = Stored(options.small_database_url), Stored(options.large_database_url)
    print("| page | small, median | large, median | ratio | ratio of best | CPU | SQL |")
    print("|---|---|---|---|---|---|---|")
    for name in small.pages:
        if options.page is None or options.page in name:
            print(compared(small, large, name, options.fetches), flush=True)


if __name__ == "__main__":
    main()
