"""The console's exports at a busy clinic's size: time to first byte, total, rows a second, memory.

    python bench/export_scale.py [--leads 100000] [--database sqlite|postgresql] [--batch 500]

Stores ``--leads`` leads (one in three with a status change and a call note by a
member of staff, one in ten with an appointment, answers varied per lead) straight
into a fresh database: a SQLite file in a temporary folder, or with ``--database
postgresql`` a schema of its own on TEST_DATABASE_URL's server (dropped at the end).
Then runs the CSV and the workbook export in this process (no server, no network),
as an admin of the console would get them, reading the file the way a server sends
it, chunk by chunk:

- first byte: from calling the export until its first chunk of the file;
- total: until its last chunk; rows a second from that; and the process's CPU time
  over the same span (on a shared machine the wall clock also counts other tenants);
- peak memory: tracemalloc's peak over a second run of the same export (tracemalloc
  slows Python down, so the times come from the first run, without it).

It prints figures; it is not a test (tests/staff/leads/test_exports_at_scale.py is).
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
import tracemalloc
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

import sqlalchemy  # noqa: E402
from flask_login import login_user  # noqa: E402
from sqlalchemy import insert, select  # noqa: E402
from support import HEALTHY  # noqa: E402 - the test suite's healthy answers, written once

from app import create_app  # noqa: E402
from core.extensions import db  # noqa: E402
from leads.models import Appointment, Lead, LeadNote  # noqa: E402
from staff.accounts.passwords import hash_password  # noqa: E402
from staff.leads import export_views  # noqa: E402
from staff.models import StaffUser  # noqa: E402

PG_URL = os.environ.get("TEST_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
STORED_AT_ONCE = 5_000
START = datetime(2024, 1, 1, tzinfo=UTC)


def varied_answers(rng: random.Random) -> dict:
    """HEALTHY with a few answers changed, so leads do not all read the same."""
    answers = dict(HEALTHY)
    for name in rng.sample(sorted(answers), 3):
        if isinstance(answers[name], bool):
            answers[name] = rng.random() < 0.5
    answers["age"] = rng.randint(18, 70)
    answers["fitzpatrick"] = rng.choice(["I", "II", "III", "IV", "V"])
    return answers


def store_leads(app, count: int) -> None:
    rng = random.Random(7)
    with app.app_context():
        staff = StaffUser(
            email="bench@clinic.test", role="admin", name="Bench Admin",
            password_hash=hash_password("bench password long enough"), can_export=True,
        )  # fmt: skip
        db.session.add(staff)
        db.session.commit()
        staff_id = staff.id
        stored = 0
        while stored < count:
            size = min(STORED_AT_ONCE, count - stored)
            rows = []
            for index in range(stored, stored + size):
                created = START + timedelta(minutes=7 * index)
                rows.append(
                    {
                        "flow_id": f"bench-{uuid.uuid4()}",
                        "created_at": created,
                        "updated_at": created,
                        "name": f"Person {index} Example",
                        "email": f"person{index}@example.com",
                        "phone": f"+4420794{index % 100000:05d}",
                        "contact_time": rng.choice(["morning", "afternoon", "evening", "any"]),
                        "message": rng.choice(["", "Evenings are hard for me.", "=1+1"]),
                        "lang": rng.choice(["en", "en", "es"]),
                        "consent_version": "2025-01",
                        "consented_at": created,
                        "source": "site",
                        "embed_origin": "",
                        "answers": varied_answers(rng),
                        "outcome": rng.choice(["book_consultation", "clinician_review"]),
                        "reasons": [],
                        "rulebase_version": "bench",
                        "rulebase_sha256": "0" * 64,
                        "status": "contacted" if index % 3 == 0 else "new",
                        "assigned_to_id": staff_id if index % 2 == 0 else None,
                    }
                )
            ids = db.session.scalars(insert(Lead).returning(Lead.id), rows).all()
            notes, appointments = [], []
            for position, lead_id in enumerate(ids):
                index = stored + position
                created = START + timedelta(minutes=7 * index)
                if index % 3 == 0:
                    notes.append(
                        {"lead_id": lead_id, "author_id": staff_id, "kind": "status",
                         "text": "new → contacted", "created_at": created + timedelta(hours=2)}
                    )  # fmt: skip
                    notes.append(
                        {"lead_id": lead_id, "author_id": staff_id, "kind": "note",
                         "call_outcome": "no_answer", "text": "Tried the mobile twice.",
                         "created_at": created + timedelta(hours=1)}
                    )  # fmt: skip
                if index % 10 == 0:
                    appointments.append(
                        {"lead_id": lead_id, "starts_at": created + timedelta(days=3),
                         "duration_minutes": 45, "kind": "consultation",
                         "created_by_id": staff_id, "created_at": created}
                    )  # fmt: skip
            if notes:
                db.session.execute(insert(LeadNote), notes)
            if appointments:
                db.session.execute(insert(Appointment), appointments)
            db.session.commit()
            stored += size


def run_export(app, file_format: str, traced: bool) -> dict:
    """One export read chunk by chunk, as a server sends it."""
    with app.test_request_context(f"/staff/leads.{file_format}"):
        login_user(db.session.scalar(select(StaffUser)))
        if traced:
            tracemalloc.start()
        began, cpu = time.perf_counter(), time.process_time()
        response = export_views._export(file_format)
        first = None
        size = 0
        for chunk in response.response:
            if first is None:
                first = time.perf_counter() - began
            size += len(chunk)
        response.close()
        total = time.perf_counter() - began
        cpu = time.process_time() - cpu
        peak = tracemalloc.get_traced_memory()[1] if traced else 0
        if traced:
            tracemalloc.stop()
    return {"first": first, "total": total, "cpu": cpu, "bytes": size, "peak": peak}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--leads", type=int, default=100_000)
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--batch", type=int, default=export_views.BATCH)
    options = parser.parse_args()
    export_views.BATCH = options.batch
    folder = tempfile.mkdtemp(prefix="export-bench-")
    schema = None
    if options.database == "postgresql":
        schema = f"export_bench_{os.getpid()}"
        engine = sqlalchemy.create_engine(PG_URL)
        with engine.begin() as connection:
            connection.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
        url = (
            sqlalchemy.engine.make_url(PG_URL)
            .update_query_dict({"options": f"-csearch_path={schema}"})
            .render_as_string(hide_password=False)
        )
    else:
        url = f"sqlite:///{folder}/export.sqlite3"
    try:
        app = create_app(
            {"SECRET_KEY": "bench-" + "x" * 40, "SQLALCHEMY_DATABASE_URI": url,
             "AUTO_MIGRATE": True, "RATELIMIT_ENABLED": False},
            instance_path=folder,
        )  # fmt: skip
        began = time.perf_counter()
        store_leads(app, options.leads)
        print(f"stored {options.leads:,} leads on {options.database} "
              f"in {time.perf_counter() - began:.1f} s; batch {options.batch}")  # fmt: skip
        print(
            "| export | leads | first byte | total | rows/s | CPU | rows per CPU second "
            "| file | peak memory (tracemalloc) |"
        )
        print("|---|---|---|---|---|---|---|---|---|")
        for file_format in ("csv", "xlsx"):
            timed = run_export(app, file_format, traced=False)
            traced = run_export(app, file_format, traced=True)
            print(
                f"| {file_format} | {options.leads:,} | {timed['first'] * 1000:.0f} ms "
                f"| {timed['total']:.1f} s | {options.leads / timed['total']:,.0f} "
                f"| {timed['cpu']:.1f} s | {options.leads / timed['cpu']:,.0f} "
                f"| {timed['bytes'] / 1e6:.1f} MB | {traced['peak'] / 1e6:.1f} MB |",
                flush=True,
            )
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
    finally:
        if schema is not None:
            with engine.begin() as connection:
                connection.exec_driver_sql(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
            engine.dispose()


if __name__ == "__main__":
    main()
