"""Load and faults: many people completing the check and asking to be contacted, at once.

    python bench/load.py [--clients 200] [--seconds 60] [--workers 4] [--threads 1]
                         [--kill-worker] [--stop-postgres SECONDS] [--stop-notifications]

Starts gunicorn (the README's settings) on a dedicated PostgreSQL database
(``loadtest``, dropped and created again, never the suite's ``test``), then runs
``--clients`` threads for ``--seconds``. Each walks the questionnaire like a
browser (following the redirects and the sealed token), then posts the contact
form with a unique name. At the end it counts, never assumes:

- acknowledged contact requests (303 to the confirmation) against leads stored:
  exactly equal; a request whose answer was lost (a killed worker) is in doubt
  and is posted again with the same token, as the person would, which the flow
  id makes idempotent; every request refused with 503 is absent from the database;
- no half-stored lead: the anonymous "lead" counter, written in the lead's own
  transaction, equals the number of leads (and with notifications, every lead
  has each of its outbox messages);
- zero 5xx other than the friendly 503 while PostgreSQL is stopped;
- with --stop-notifications, every email and webhook delivered exactly once.

It prints "nothing lost" or each discrepancy, and exits 1 on any loss.
Faults: --kill-worker sends SIGKILL to one gunicorn worker halfway through;
--stop-postgres stops the PostgreSQL cluster for that many seconds a third of
the way in (always started again, even on error); --stop-notifications stops
the SMTP server and the webhook receiver from a quarter to three quarters of
the run. Needs root (or the postgres user) for --stop-postgres.
"""

from __future__ import annotations

import argparse
import collections
import http.client
import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import psycopg

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from http_bench import HEALTHY, free_port, wait_until_up  # noqa: E402

from questionnaire.catalogue import QUESTIONS  # noqa: E402

SECRET = "load-secret-key-" + "x" * 32
ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
DATABASE = "loadtest"
TOKEN = re.compile(r'name="s" value="([^"]+)"')
CONTACT = {"email": "load@example.com", "contact_time": "any", "consent": "y"}


def step_fields(step_id: str) -> list[tuple[str, str]]:
    fields = []
    for question in QUESTIONS:
        if question.step != step_id or question.id not in HEALTHY:
            continue
        value = HEALTHY[question.id]
        if question.kind == "bool":
            fields.append((question.id, "yes" if value else "no"))
        elif isinstance(value, list):
            fields += [(question.id, item) for item in value]
        else:
            fields.append((question.id, str(value)))
    return fields


class Tally:
    """Everything the clients saw, counted under one lock."""

    def __init__(self):
        self.lock = threading.Lock()
        self.statuses: collections.Counter[int] = collections.Counter()
        self.acknowledged: dict[str, str] = {}  # name -> token
        self.refused_503: dict[str, str] = {}
        self.in_doubt: dict[str, str] = {}
        self.unfriendly_503 = 0
        self.connection_errors = 0
        self.flows_abandoned = 0
        self.acknowledged_at: list[float] = []

    def status(self, code: int) -> None:
        with self.lock:
            self.statuses[code] += 1


class Client(threading.Thread):
    def __init__(self, number: int, port: int, deadline: float, tally: Tally):
        super().__init__(daemon=True)
        self.number, self.port, self.deadline, self.tally = number, port, deadline, tally
        self.sent = 0

    def request(self, method: str, path: str, fields=None) -> tuple[int, str, str]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            body = urlencode(fields) if fields is not None else None
            headers = {"Content-Type": "application/x-www-form-urlencoded"} if body else {}
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            text = response.read().decode("utf-8", "replace")
            self.tally.status(response.status)
            return response.status, response.getheader("Location") or "", text
        finally:
            connection.close()

    def run(self) -> None:
        while time.monotonic() < self.deadline:
            try:
                self.one_flow()
            except (OSError, http.client.HTTPException):
                with self.tally.lock:
                    self.tally.connection_errors += 1
                time.sleep(0.2)

    def one_flow(self) -> None:
        status, location, _ = self.request("GET", "/check/start")
        while "/check/result" not in location:
            if status != 303:
                with self.tally.lock:
                    self.tally.flows_abandoned += 1
                return
            path = urlsplit(location)
            status, _, page = self.request("GET", f"{path.path}?{path.query}")
            token = TOKEN.search(page)
            if status != 200 or not token:
                with self.tally.lock:
                    self.tally.flows_abandoned += 1
                return
            step_id = path.path.rsplit("/", 1)[1]
            status, location, _ = self.request(
                "POST", path.path, [("s", token.group(1)), *step_fields(step_id)]
            )
        path = urlsplit(location)
        status, _, page = self.request("GET", f"{path.path}?{path.query}")
        token = TOKEN.search(page)
        if status != 200 or not token:
            with self.tally.lock:
                self.tally.flows_abandoned += 1
            return
        self.sent += 1
        name = f"Load client {self.number} request {self.sent}"
        self.contact(name, token.group(1))

    def contact(self, name: str, token: str) -> None:
        fields = [("s", token), ("name", name), *CONTACT.items()]
        try:
            status, location, page = self.request("POST", "/check/contact", fields)
        except (OSError, http.client.HTTPException):
            with self.tally.lock:
                self.tally.in_doubt[name] = token  # sent; the answer was lost
            raise
        with self.tally.lock:
            if status == 303 and "/check/contact/done" in location:
                self.tally.acknowledged[name] = token
                self.tally.acknowledged_at.append(time.monotonic())
            elif status == 503:
                self.tally.refused_503[name] = token
                if "We could not confirm your request" not in page:
                    self.tally.unfriendly_503 += 1


def recreate_database() -> str:
    with psycopg.connect(ADMIN_URL, autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
        connection.execute(f"CREATE DATABASE {DATABASE}")
    return f"postgresql://postgres@127.0.0.1:5432/{DATABASE}"


def worker_pids(master: int) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    return [int(pid) for pid in children]


def postgres_cluster() -> tuple[str, str]:
    versions = sorted(os.listdir("/etc/postgresql"), key=lambda v: int(v) if v.isdigit() else 0)
    return versions[-1], "main"


def stop_postgres_for(seconds: float, log: list[str]) -> None:
    version, cluster = postgres_cluster()
    command = ["pg_ctlcluster", "--skip-systemctl-redirect", version, cluster]
    try:
        subprocess.run([*command, "stop", "-m", "fast"], check=True)
        log.append(f"PostgreSQL {version}/{cluster} stopped at {time.strftime('%X')}")
        time.sleep(seconds)
    finally:
        subprocess.run([*command, "start"], check=True)
        subprocess.run(["pg_isready", "-h", "127.0.0.1", "-t", "30"], check=True)
        log.append(f"PostgreSQL started again at {time.strftime('%X')}")


def database_counts(url: str) -> dict[str, object]:
    with psycopg.connect(url) as connection:
        names = {row[0] for row in connection.execute("SELECT name FROM leads")}
        counter = connection.execute(
            "SELECT COALESCE(SUM(count), 0) FROM daily_counts WHERE event = 'lead'"
        ).fetchone()[0]
        outbox = connection.execute(
            "SELECT kind, status, COUNT(*) FROM outbox GROUP BY kind, status"
        ).fetchall()
        incomplete = connection.execute(
            "SELECT COUNT(*) FROM leads WHERE outcome IS NULL OR answers IS NULL "
            "OR rulebase_sha256 IS NULL OR rulebase_sha256 = ''"
        ).fetchone()[0]
        outbox_ids = connection.execute("SELECT id, lead_id, kind FROM outbox").fetchall()
    return {
        "names": names,
        "lead_counter": int(counter),
        "outbox": outbox,
        "incomplete": incomplete,
        "outbox_ids": outbox_ids,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--kill-worker", action="store_true")
    parser.add_argument("--stop-postgres", type=float, default=0, metavar="SECONDS")
    parser.add_argument("--stop-notifications", action="store_true")
    options = parser.parse_args()

    url = recreate_database()
    port = free_port()
    environment = {
        **os.environ,
        "SECRET_KEY": SECRET,
        "DATABASE_URL": url,
        "RATELIMIT_ENABLED": "0",
        "CONTACT_MIN_SECONDS": "0",  # simulated people answer in milliseconds
        "FLASK_APP": "app",
        "SQLALCHEMY_WARN_20": "0",
    }
    smtp = webhook = None
    if options.stop_notifications:
        from services import SmtpServer, WebhookReceiver

        smtp, webhook = SmtpServer(), WebhookReceiver()
        smtp.start()
        webhook.start()
        environment |= {
            "SMTP_HOST": "127.0.0.1",
            "SMTP_PORT": str(smtp.port),
            "SMTP_TLS": "none",
            "SMTP_TIMEOUT": "3",
            "CLINIC_NOTIFY_EMAIL": "leads@clinic.example",
            "WEBHOOK_URL": webhook.url,
            "WEBHOOK_SECRET": "load-webhook-secret",
            "WEBHOOK_TIMEOUT": "3",
            "OUTBOX_BACKOFF_SECONDS": "1",
            # A sender killed, or cut off from PostgreSQL, mid-send keeps its claim this long:
            # short enough for the drain below to see those messages sent.
            "OUTBOX_LEASE_SECONDS": "30",
        }
    bin_dir = Path(sys.executable).parent
    subprocess.run([str(bin_dir / "flask"), "db", "upgrade"], cwd=ROOT, env=environment, check=True,
                   capture_output=True)  # fmt: skip
    gunicorn = subprocess.Popen(
        [
            str(bin_dir / "gunicorn"),
            "--workers", str(options.workers),
            "--threads", str(options.threads),
            "--bind", f"127.0.0.1:{port}",
            "--backlog", "2048",
            "--log-level", "warning",
            "app:create_app()",
        ],
        cwd=ROOT,
        env=environment,
    )  # fmt: skip
    events: list[str] = []
    tally = Tally()
    stop_cron = threading.Event()
    try:
        wait_until_up(port, "/")
        start = time.monotonic()
        deadline = start + options.seconds
        clients = [Client(n, port, deadline, tally) for n in range(options.clients)]
        for client in clients:
            client.start()

        def cron() -> None:  # `flask outbox deliver` every few seconds, as cron would
            while not stop_cron.wait(5):
                subprocess.run([str(bin_dir / "flask"), "outbox", "deliver"], cwd=ROOT,
                               env=environment, capture_output=True)  # fmt: skip

        if options.stop_notifications:
            threading.Thread(target=cron, daemon=True).start()
        faults = sorted(
            [(options.seconds / 2, "kill")] * options.kill_worker
            + [(options.seconds / 3, "postgres")] * bool(options.stop_postgres)
            + [(options.seconds / 4, "notifications down")] * options.stop_notifications
            + [(options.seconds * 3 / 4, "notifications up")] * options.stop_notifications
        )
        for at, fault in faults:
            time.sleep(max(0.0, start + at - time.monotonic()))
            if fault == "kill":
                victim = worker_pids(gunicorn.pid)[0]
                os.kill(victim, signal.SIGKILL)
                events.append(f"killed gunicorn worker {victim} with SIGKILL at {at:.0f} s")
            elif fault == "postgres":
                outage_start = time.monotonic()
                stop_postgres_for(options.stop_postgres, events)
                outage_end = time.monotonic()
            elif fault == "notifications down":
                smtp.stop()
                webhook.stop()
                events.append(f"SMTP and webhook receiver stopped at {at:.0f} s")
            else:
                smtp.start()
                webhook.start()
                events.append(f"SMTP and webhook receiver back at {at:.0f} s")
        for client in clients:
            client.join()
        elapsed = time.monotonic() - start

        # The 503 page asks the person to try again: they do, once, now that it is over.
        # The flow id makes it idempotent, so a request whose commit went through while
        # its answer was lost is acknowledged now, and no request makes two leads.
        stored_before_retry = database_counts(url)["names"]
        refused_yet_stored = set(tally.refused_503) & stored_before_retry
        tally.in_doubt.update(tally.refused_503)
        retried = {}
        for name, token in sorted(tally.in_doubt.items()):
            status, _location, _ = Client(-1, port, 0, tally).request(
                "POST", "/check/contact", [("s", token), ("name", name), *CONTACT.items()]
            )
            retried[name] = status
            if status == 303:
                tally.acknowledged[name] = token

        if options.stop_notifications:
            stop_cron.set()
            drain_deadline = time.monotonic() + 180
            while time.monotonic() < drain_deadline:
                subprocess.run([str(bin_dir / "flask"), "outbox", "deliver"], cwd=ROOT,
                               env=environment, capture_output=True)  # fmt: skip
                pending = [row for row in database_counts(url)["outbox"] if row[1] == "pending"]
                if not pending:
                    break
                time.sleep(2)
        stored = database_counts(url)
    finally:
        stop_cron.set()
        gunicorn.send_signal(signal.SIGTERM)
        gunicorn.wait(timeout=30)
        if smtp:
            smtp.stop()
            webhook.stop()

    problems = []
    acknowledged = set(tally.acknowledged)
    names = stored["names"]
    five_xx = {code: n for code, n in tally.statuses.items() if code >= 500}
    if set(five_xx) - {503} or (503 in five_xx and not options.stop_postgres):
        problems.append(f"server errors: {five_xx}")
    if tally.unfriendly_503:
        problems.append(f"{tally.unfriendly_503} 503 answers without the friendly page")
    if acknowledged - names:
        problems.append(f"{len(acknowledged - names)} acknowledged requests are not stored")
    if names - acknowledged:
        problems.append(f"{len(names - acknowledged)} stored leads were never acknowledged")
    if stored["lead_counter"] != len(names) or stored["incomplete"]:
        problems.append(
            f"half-stored: {len(names)} leads, lead counter {stored['lead_counter']}, "
            f"{stored['incomplete']} incomplete rows"
        )
    delivery_lines = []
    if options.stop_notifications:
        expected_emails = {
            f"<outbox-{oid}-lead-{lid}@screening.invalid>"
            for oid, lid, kind in stored["outbox_ids"]
            if kind != "webhook"
        }
        expected_hooks = {str(oid) for oid, _lid, kind in stored["outbox_ids"] if kind == "webhook"}
        got_emails = collections.Counter(m["Message-ID"] for m in smtp.messages)
        got_hooks = collections.Counter(
            r["headers"].get("X-Screening-Delivery") for r in webhook.requests
        )
        if len(expected_emails) != 2 * len(names) or len(expected_hooks) != len(names):
            problems.append("a lead is missing some of its outbox messages")
        for what, expected, got in (
            ("emails", expected_emails, got_emails),
            ("webhooks", expected_hooks, got_hooks),
        ):
            duplicates = sum(n - 1 for n in got.values() if n > 1)
            missing = expected - set(got)
            delivery_lines.append(
                f"{what}: {len(expected)} expected, {len(set(got) & expected)} delivered, "
                f"{duplicates} duplicates, {len(missing)} missing"
            )
            if duplicates or missing or set(got) - expected:
                problems.append(f"{what} not delivered exactly once")
        delivery_lines.append(f"outbox rows (kind, status, count): {stored['outbox']}")

    print(
        f"gunicorn --workers {options.workers} --threads {options.threads}; "
        f"{options.clients} clients for {elapsed:.0f} s; {os.cpu_count()} cores"
    )
    for line in events:
        print("  " + line)
    total = sum(tally.statuses.values())
    print(
        f"requests: {total} ({total / elapsed:.0f}/s); "
        f"statuses: {dict(sorted(tally.statuses.items()))}"
    )
    print(
        f"contact requests acknowledged: {len(acknowledged)}; leads stored: {len(names)}; "
        f"refused with the friendly 503: {len(tally.refused_503)}; "
        f"posted again after a lost answer or a 503: {len(retried)} "
        f"{dict(collections.Counter(retried.values()))}"
    )
    print(
        f"connection errors: {tally.connection_errors}; flows abandoned on an error page: "
        f"{tally.flows_abandoned}; lead counter: {stored['lead_counter']}"
    )
    if options.stop_postgres and tally.acknowledged_at:
        after = sum(1 for t in tally.acknowledged_at if t > outage_end)
        during = sum(1 for t in tally.acknowledged_at if outage_start < t < outage_end)
        print(f"acknowledged during the outage: {during}; after PostgreSQL came back: {after}")
        print(
            f"refused with 503 although their commit had gone through (the server's reply "
            f"was lost as PostgreSQL stopped): {len(refused_yet_stored)}"
        )
        if after == 0:
            problems.append("no contact request was acknowledged after PostgreSQL came back")
    for line in delivery_lines:
        print(line)
    if problems:
        print("LOST OR BROKEN:\n  " + "\n  ".join(problems))
        return 1
    print("nothing lost")
    return 0


if __name__ == "__main__":
    sys.exit(main())
