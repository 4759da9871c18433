"""The console at a group of clinics' size: every page and export, timed, its queries counted.

    python bench/console_scale.py [--leads 100000] [--database postgresql|sqlite|both]
                                  [--repeats 7] [--export-repeats 1] [--skip-exports]

Stores ``--leads`` leads straight into a fresh database (a SQLite file in a
temporary folder, or a schema of its own on TEST_DATABASE_URL's server, dropped at
the end), in batches through the models' tables (``insert(Lead)``), with the
mixture a busy clinic has: answers varied and decided by the shipped rules (so
outcomes and reasons are real), every status, four members of staff and nobody
as assignees, follow-ups overdue, due today and coming, notes, calls and
appointments, and one person in fifty asking twice (a possible duplicate).

Then fetches, in this process through Flask's test client as a signed-in admin,
every console page a coordinator or clinician opens, the API's lead list, and
the two exports, and prints one Markdown row per page:

- median and p95 of ``--repeats`` fetches (wall clock; on a shared machine it also
  counts other tenants' work);
- queries per request: SQL statements sent, counted with SQLAlchemy's
  ``before_cursor_execute`` event;
- peak memory: tracemalloc's peak over one more fetch (tracemalloc slows Python, so
  the times come from the fetches without it).

On PostgreSQL it prints the plans of the search box's conditions and of the dashboard's
figures per person (which indexes serve them at this size). The replay of every stored
lead by the shipped rules (what the rule book shows before a sign-off) is also timed by
itself. It prints figures; it is not a test (tests/staff/test_query_counts.py is).
"""

from __future__ import annotations

import argparse
import logging
import os
import random
import statistics
import sys
import tempfile
import time
import tracemalloc
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT)]

import sqlalchemy  # noqa: E402
from sqlalchemy import event, insert, select  # noqa: E402

import rules  # noqa: E402
from app import create_app  # noqa: E402
from core.database import refresh_sqlite_statistics  # noqa: E402
from core.dbtypes import utcnow  # noqa: E402
from core.extensions import db  # noqa: E402
from leads.models import CALL_OUTCOMES, Appointment, Lead, LeadNote  # noqa: E402
from leads.replay import replay  # noqa: E402
from questionnaire.reference import result_reference  # noqa: E402
from staff.leads import keyset  # noqa: E402
from staff.leads.search import search_condition  # noqa: E402
from staff.leads.service import bounded_count_select, overdue  # noqa: E402
from tests.api_token_support import bearer, make_token  # noqa: E402
from tests.factories import make_staff, staff_client  # noqa: E402
from tests.support import HEALTHY  # noqa: E402

PG_URL = os.environ.get("TEST_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
STORED_AT_ONCE = 5_000
ADMIN = "bench-admin@clinic.test"
STATUS_MIX = ("new",) * 4 + ("contacted",) * 3 + ("booked", "not_a_fit", "closed")


def varied_answers(rng: random.Random) -> dict:
    """HEALTHY with a few answers changed, so leads do not all read (or decide) the same."""
    answers = dict(HEALTHY)
    for name in rng.sample(sorted(answers), 3):
        if isinstance(answers[name], bool):
            answers[name] = rng.random() < 0.3
    answers["age"] = rng.randint(18, 70)
    answers["fitzpatrick"] = rng.choice(["I", "II", "III", "IV", "V", "VI"])
    return answers


def decided(answers: dict) -> dict:
    """The shipped rules' decision for these answers, as a lead stores it."""
    try:
        decision = rules.evaluate(answers).to_dict()
    except rules.AnswersError:
        answers.update(HEALTHY)
        decision = rules.evaluate(answers).to_dict()
    return {
        "outcome": decision["outcome"],
        "reasons": decision["reasons"],
        "rulebase_version": decision["rulebase"]["version"],
        "rulebase_sha256": decision["rulebase"]["sha256"],
    }


def store_leads(app, count: int) -> list[int]:
    """``count`` leads with their notes, calls and appointments; the staff ids."""
    rng = random.Random(27)
    staff_ids = [make_staff(app, ADMIN, "admin", name="Bench Admin", may_export=True)]
    staff_ids += [
        make_staff(app, f"coordinator{n}@clinic.test", "staff", name=f"Coordinator {n}")
        for n in range(1, 4)
    ]
    now = utcnow()
    start = now - timedelta(days=365)
    step = timedelta(days=365) / max(count, 1)
    with app.app_context():
        stored = 0
        while stored < count:
            size = min(STORED_AT_ONCE, count - stored)
            rows = []
            for index in range(stored, stored + size):
                created = start + step * index
                status = rng.choice(STATUS_MIX)
                person = index - 1 if index % 50 == 1 else index  # one in fifty asks twice
                answers = varied_answers(rng)
                follow = rng.random()
                follow_up = (
                    None
                    if follow < 0.6
                    else now - timedelta(hours=rng.randint(1, 500))
                    if follow < 0.75
                    else now + timedelta(hours=rng.randint(0, 6))
                    if follow < 0.8
                    else now + timedelta(days=rng.randint(1, 30))
                )
                worked = status != "new" or rng.random() < 0.5
                flow_id = f"bench-{uuid.uuid4()}"
                rows.append(
                    {
                        "flow_id": flow_id,
                        "result_reference": result_reference(flow_id),  # as capture_lead does
                        "created_at": created,
                        "updated_at": created + timedelta(hours=3 if worked else 0),
                        "name": f"Person {person} Example",
                        "email": f"person{person}@example.com" if index % 20 else "",
                        "phone": f"+4420794{person % 100000:05d}",
                        "contact_time": rng.choice(["morning", "afternoon", "evening", "any"]),
                        "message": rng.choice(["", "Evenings are hard for me.", "=1+1"]),
                        "lang": rng.choice(["en", "en", "es"]),
                        "consent_version": "2025-01",
                        "consented_at": created,
                        "source": rng.choice(["site", "site", "embed", "staff_intake"]),
                        "embed_origin": "",
                        "answers": answers,
                        **decided(answers),
                        "status": status,
                        "status_changed_at": created + timedelta(hours=2) if worked else None,
                        "first_contacted_at": created + timedelta(hours=1) if worked else None,
                        "assigned_to_id": rng.choice([*staff_ids, None, None]),
                        "follow_up_at": follow_up,
                    }
                )
            ids = db.session.scalars(insert(Lead).returning(Lead.id), rows).all()
            notes, appointments = [], []
            for lead_id, row in zip(ids, rows, strict=True):
                if row["first_contacted_at"] is None:
                    continue
                created = row["created_at"]
                author = rng.choice(staff_ids)
                notes.append(
                    {"lead_id": lead_id, "author_id": author, "kind": "note",
                     "call_outcome": rng.choice(CALL_OUTCOMES), "text": "Called about it.",
                     "created_at": created + timedelta(hours=1)}
                )  # fmt: skip
                if row["status"] != "new":
                    notes.append(
                        {"lead_id": lead_id, "author_id": author, "kind": "status",
                         "text": f"new → {row['status']}",
                         "created_at": created + timedelta(hours=2)}
                    )  # fmt: skip
                if rng.random() < 0.3:
                    notes.append(
                        {"lead_id": lead_id, "author_id": author, "kind": "note",
                         "text": "Prefers a morning slot.",
                         "created_at": created + timedelta(hours=3)}
                    )  # fmt: skip
                if row["status"] == "booked" or rng.random() < 0.05:
                    appointments.append(
                        {"lead_id": lead_id,
                         "starts_at": created + timedelta(days=rng.randint(2, 20)),
                         "duration_minutes": 45, "kind": "consultation",
                         "created_by_id": author, "created_at": created + timedelta(hours=2)}
                    )  # fmt: skip
            if notes:
                db.session.execute(insert(LeadNote), notes)
            if appointments:
                db.session.execute(insert(Appointment), appointments)
            db.session.commit()
            stored += size
    return staff_ids


class QueryCounter:
    """SQL statements sent through the app's engine while ``counting`` is on."""

    def __init__(self, engine) -> None:
        self.count = 0
        event.listen(engine, "before_cursor_execute", self._seen)

    def _seen(self, *_args) -> None:
        self.count += 1


#: When the last fetch's first byte came, in seconds after its request (an export streams).
FIRST_BYTE: list[float] = []


def fetch(client, url: str, headers: dict | None = None) -> int:
    """One request read to its last byte (an export streams); its size."""
    began = time.perf_counter()
    response = client.get(url, headers=headers or {}, buffered=False)
    assert response.status_code == 200, (url, response.status_code)
    size = 0
    for chunk in response.response:
        if not size:
            FIRST_BYTE.append(time.perf_counter() - began)
        size += len(chunk)
    response.close()
    return size


def measure(client, url, counter, repeats, headers=None) -> dict:
    times, queries = [], []
    size = 0
    for _ in range(repeats):
        counter.count = 0
        began = time.perf_counter()
        size = fetch(client, url, headers)
        times.append(time.perf_counter() - began)
        queries.append(counter.count)
    tracemalloc.start()
    fetch(client, url, headers)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    times.sort()
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    return {
        "median": statistics.median(times),
        "p95": p95,
        "queries": max(queries),
        "peak": peak,
        "bytes": size,
        "first_byte": statistics.median(FIRST_BYTE[-repeats:]) if FIRST_BYTE else 0.0,
    }


def pages(app) -> list[tuple[str, str]]:
    with app.app_context():
        some_lead = db.session.scalar(
            select(Lead.id).where(Lead.email != "").order_by(Lead.id.desc()).offset(10).limit(1)
        )
        email = db.session.scalar(select(Lead.email).where(Lead.id == some_lead))
        # A name and a phone typed as a coordinator would, finding as many leads at every
        # size: "Person 5000" at 100,000 (5000 and 50000 to 50009, with those who asked
        # twice), "Person 50" at 1,000; the phone of the person in the middle, "7945 0000".
        middle = options_leads(app) // 2
        name = f"Person {middle // 10}"
        phone = f"+4420794{middle % 100000:05d}"[-8:]
        # The 1,000th lead newest first: the list's "page 40" (25 a page), reached by its key.
        thousandth = db.session.execute(
            select(Lead.created_at, Lead.id)
            .where(Lead.merged_into_id.is_(None))
            .order_by(Lead.created_at.desc(), Lead.id.desc())
            .offset(min(1000, options_leads(app) // 2))
            .limit(1)
        ).one()
    return [
        ("leads list", "/staff/leads"),
        ("leads list, page 40 (by key)", f"/staff/leads?after={keyset.encode(*thousandth)}"),
        ("leads list by due time", "/staff/leads?sort=due"),
        ("view: due today", "/staff/leads?follow_up=today"),
        ("view: overdue", "/staff/leads?follow_up=overdue"),
        ("view: untouched", "/staff/leads?status=untouched"),
        ("view: mine", "/staff/leads?assigned=me"),
        ("search by email", f"/staff/leads?q={email}"),
        ("search by name", f"/staff/leads?q={name.replace(' ', '+')}"),
        ("search by phone", f"/staff/leads?q={phone[:4]}+{phone[4:]}"),
        ("one lead's page", f"/staff/leads/{some_lead}"),
        ("one lead's page from a view", f"/staff/leads/{some_lead}?status=new&assigned=me"),
        ("dashboard", "/staff/dashboard"),
        ("call list", "/staff/calls"),
        ("consultations (verdicts)", "/staff/consultations"),
        ("bookings to match", "/staff/leads/bookings"),
        ("rule book (replay)", "/staff/rules"),
        ("scorecard", "/staff/rules/scorecard"),
        ("rule drafts", "/staff/rules/drafts"),
        ("data requests", "/staff/admin/data-requests"),
        ("outbox", "/staff/admin/outbox"),
        ("audit log", "/staff/admin/audit"),
        ("API lead list", "/api/v1/leads"),
    ]


def options_leads(app) -> int:
    return db.session.scalar(
        select(sqlalchemy.func.count()).select_from(Lead).where(Lead.merged_into_id.is_(None))
    )


def print_search_plans(app) -> None:
    """PostgreSQL's plan for the search box's conditions at this size: which indexes."""
    for typed in ("person42@example.com", "Person 4242", "7946 0958"):
        with app.test_request_context():
            statement = (
                select(Lead.id)
                .where(Lead.merged_into_id.is_(None), search_condition(typed))
                .order_by(*keyset.forward(keyset.RECEIVED))
                .limit(26)
            )
            compiled = statement.compile(db.engine, compile_kwargs={"literal_binds": True})
            rows = db.session.execute(sqlalchemy.text(f"EXPLAIN {compiled}")).all()
            scans = [row[0].strip() for row in rows if "Scan" in row[0]]
            print(f"search {typed!r}: " + "; ".join(scans), flush=True)
        db.session.rollback()


def print_dashboard_plans(app) -> None:
    """PostgreSQL's plan at this size for the dashboard's figures per person (one person's
    overdue calls, nobody's new leads; ``staff.dashboard.people``): which indexes."""
    with app.test_request_context():
        someone = db.session.scalar(select(sqlalchemy.func.min(Lead.assigned_to_id)))
        counts = {
            "one person's overdue calls": [Lead.assigned_to_id == someone, overdue(utcnow())],
            "nobody's new leads": [Lead.assigned_to_id.is_(None), Lead.status == "new"],
        }
        for name, conditions in counts.items():
            statement = bounded_count_select([Lead.merged_into_id.is_(None), *conditions])
            compiled = statement.compile(db.engine, compile_kwargs={"literal_binds": True})
            rows = db.session.execute(sqlalchemy.text(f"EXPLAIN {compiled}")).all()
            scans = [row[0].strip() for row in rows if "Scan" in row[0]]
            print(f"dashboard, {name}: " + "; ".join(scans), flush=True)
        db.session.rollback()


def run(database: str, options) -> None:
    folder = tempfile.mkdtemp(prefix="console-bench-")
    schema = engine = None
    if database == "postgresql":
        schema = options.schema or f"console_bench_{os.getpid()}"
        engine = sqlalchemy.create_engine(PG_URL)
        if not options.schema:
            with engine.begin() as connection:
                connection.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
        url = (
            sqlalchemy.engine.make_url(PG_URL)
            .update_query_dict({"options": f"-csearch_path={schema}"})
            .render_as_string(hide_password=False)
        )
    else:
        url = f"sqlite:///{folder}/console.sqlite3"
    try:
        app = create_app(
            {"SECRET_KEY": "bench-" + "x" * 40, "SQLALCHEMY_DATABASE_URI": url,
             "AUTO_MIGRATE": True, "RATELIMIT_ENABLED": False, "WTF_CSRF_ENABLED": True,
             "PUBLIC_BASE_URL": "http://console.test"},
            instance_path=folder,
        )  # fmt: skip
        logging.getLogger("screening").setLevel(logging.WARNING)  # no access log per fetch
        began = time.perf_counter()
        if options.schema:
            with app.app_context():
                options.leads = db.session.scalar(select(sqlalchemy.func.count(Lead.id)))
            print(f"\n{options.leads:,} leads stored earlier in {schema}", flush=True)
        else:
            store_leads(app, options.leads)
            if database == "postgresql":
                # What autovacuum does within a minute of such a load in production: without
                # it PostgreSQL guessed 3 passed appointments (13,000) and Consultations
                # took 1.7 s, probing the wrong index for each.
                with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as done:
                    for table in ("leads", "lead_notes", "appointments"):
                        done.exec_driver_sql(f'VACUUM ANALYZE "{schema}".{table}')
            else:
                with app.app_context():  # what the app's next start does (core.database)
                    refresh_sqlite_statistics(db.engine)
            print(
                f"\nstored {options.leads:,} leads on {database} "
                f"in {time.perf_counter() - began:.0f} s"
                + ("" if schema else f" ({folder}/console.sqlite3)"),
                flush=True,
            )
        client = staff_client(app, ADMIN)
        token = bearer(make_token(app))
        with app.app_context():
            counter = QueryCounter(db.engine)
            print("| page | leads | median | p95 | queries | peak memory |")
            print("|---|---|---|---|---|---|")
            for name, path in pages(app):
                headers = token if path.startswith("/api/") else None
                got = measure(client, path, counter, options.repeats, headers)
                print(
                    f"| {name} | {options.leads:,} | {got['median'] * 1000:,.0f} ms "
                    f"| {got['p95'] * 1000:,.0f} ms | {got['queries']} "
                    f"| {got['peak'] / 1e6:.1f} MB |",
                    flush=True,
                )
            if not options.skip_exports:
                got = measure(client, "/staff/leads.csv", counter, options.export_repeats)
                print(
                    f"| export csv ({got['bytes'] / 1e6:.0f} MB, "
                    f"{options.leads / got['median']:,.0f} rows/s, first byte after "
                    f"{got['first_byte'] * 1000:,.0f} ms) | {options.leads:,} "
                    f"| {got['median']:,.1f} s | {got['p95']:,.1f} s | {got['queries']} "
                    f"| {got['peak'] / 1e6:.1f} MB |",
                    flush=True,
                )
                workbook = client.get("/staff/leads.xlsx")
                said = (
                    f"answered 303 to {workbook.headers['Location']}: built in the background"
                    if workbook.status_code == 303
                    else f"answered {workbook.status_code} with the file"
                )
                print(f"| export xlsx | {options.leads:,} | {said} | | | |", flush=True)
            if database == "postgresql":
                print_search_plans(app)
                print_dashboard_plans(app)
            began = time.perf_counter()
            replayed = replay(rules.default_rulebase())
            print(
                f"\nreplay of {replayed.leads:,} leads by the shipped rules: "
                f"{time.perf_counter() - began:.1f} s ({len(replayed.changed)} would change)",
                flush=True,
            )
            db.session.remove()
            db.engine.dispose()
    finally:
        if schema is not None and (options.keep or options.schema):
            print(f"kept schema {schema}")
        elif schema is not None:
            with engine.begin() as connection:
                connection.exec_driver_sql(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
            engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--leads", type=int, default=100_000)
    parser.add_argument(
        "--database", choices=["sqlite", "postgresql", "both"], default="postgresql"
    )
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--export-repeats", type=int, default=1)
    parser.add_argument("--skip-exports", action="store_true")
    parser.add_argument(
        "--keep", action="store_true", help="PostgreSQL: keep the schema (its name is printed)"
    )
    parser.add_argument(
        "--schema", help="PostgreSQL: measure the leads a --keep run stored in this schema"
    )
    options = parser.parse_args()
    print(f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {os.cpu_count()} CPUs (shared)")
    for database in ("postgresql", "sqlite") if options.database == "both" else (options.database,):
        run(database, options)


if __name__ == "__main__":
    main()
