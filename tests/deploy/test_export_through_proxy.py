"""A busy clinic's export through the production stack: nginx in front of gunicorn, with
gunicorn's worker timeout scaled down from its 30 s to 20 s.

The whole-in-memory export took longer than the worker timeout at about 20,000 leads,
and the worker was killed mid-export. Here 4,000 leads must come through nginx within
the scaled timeout, streamed (the first bytes long before the last), with today's
headers. A stack of its own (the timeout is an instance's setting), started here.
"""

from __future__ import annotations

import csv
import io
import re
import subprocess
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

import sqlalchemy
from sqlalchemy import insert

from deploy.stack import ROOT, running
from leads.consent import CONSENT_VERSION
from leads.models import Lead
from tests.deploy.deploy_support import FORM, person
from tests.support import BY_OUTCOME

EMAIL, PASSWORD = "exporter@clinic.example", "a long enough password"
LEADS = 4_000
# Seconds; the shipped unit leaves gunicorn's default, 30. Not lower: the workbook of
# 4,000 leads takes about 4 s on a quiet machine, and the suite shares its cores.
WORKER_TIMEOUT = 20


def cookies_of(answer) -> str:
    return "; ".join(c.split(";", 1)[0] for c in answer.headers.get_all("Set-Cookie") or [])


def store_leads(database_url: str) -> None:
    start = datetime(2026, 1, 1, tzinfo=UTC)
    rows = [
        {
            "flow_id": f"stack-{uuid.uuid4()}", "name": f"Person {index}",
            "email": f"person{index}@example.com", "phone": "+442079460958",
            "contact_time": "morning", "message": "Evenings are hard for me.", "lang": "en",
            "source": "site", "consent_version": CONSENT_VERSION,
            "consented_at": start + timedelta(minutes=index),
            "created_at": start + timedelta(minutes=index),
            "updated_at": start + timedelta(minutes=index),
            "answers": BY_OUTCOME["book_consultation"], "outcome": "book_consultation",
            "reasons": [], "rulebase_version": "test", "rulebase_sha256": "0" * 64,
        }
        for index in range(LEADS)
    ]  # fmt: skip
    engine = sqlalchemy.create_engine(
        database_url.replace("postgresql://", "postgresql+psycopg://")
    )
    try:
        with engine.begin() as connection:
            connection.execute(insert(Lead.__table__), rows)
    finally:
        engine.dispose()


def signed_in(stack, me: str) -> str:
    subprocess.run(
        [sys.executable, "-m", "flask", "--app", "app", "staff", "create", EMAIL, "--admin",
         "--name", "Exporter"],
        input=f"{PASSWORD}\n{PASSWORD}\n", text=True, cwd=ROOT, env=stack.environment,
        check=True, capture_output=True,
    )  # fmt: skip
    page = stack.request("GET", "/staff/sign-in", source=me)
    token = re.search(rb'name="csrf_token"[^>]*value="([^"]+)"', page.body).group(1).decode()
    answer = stack.request(
        "POST",
        "/staff/sign-in",
        body=urlencode({"csrf_token": token, "email": EMAIL, "password": PASSWORD}),
        headers={**FORM, "Cookie": cookies_of(page), "Referer": f"{stack.url}staff/sign-in"},
        source=me,
    )
    assert answer.status == 302, answer.body[:500]
    return cookies_of(answer)


def test_an_export_of_thousands_of_leads_streams_through_nginx_within_the_worker_timeout():
    environment = {"GUNICORN_CMD_ARGS": f"--timeout {WORKER_TIMEOUT}", "CONTACT_MIN_SECONDS": "0"}
    with running(instances=1, environment=environment) as stack:
        store_leads(stack.database_url)
        me = person()
        cookie = signed_in(stack, me)
        connection = stack.connection(me, timeout=2 * WORKER_TIMEOUT)
        try:
            began = time.monotonic()
            connection.request(
                "GET", "/staff/leads.csv", headers={"Host": stack.host, "Cookie": cookie}
            )
            response = connection.getresponse()
            first = response.read(1024)
            first_byte = time.monotonic() - began
            body = first + response.read()
            total = time.monotonic() - began
        finally:
            connection.close()
        assert response.status == 200, body[:500]
        assert response.getheader("Content-Type") == "text/csv; charset=utf-8"
        assert response.getheader("Cache-Control") == "no-store"
        assert re.fullmatch(
            r'attachment; filename="leads-\d{4}-\d{2}-\d{2}\.csv"',
            response.getheader("Content-Disposition"),
        )
        assert response.getheader("Transfer-Encoding") == "chunked"  # streamed, no length
        rows = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))
        assert len(rows) == LEADS
        assert [int(row["Lead number"]) for row in rows[:2]] == [LEADS, LEADS - 1]
        print(f"first byte {first_byte:.2f} s, all {LEADS} rows {total:.2f} s")
        assert total < WORKER_TIMEOUT, total
        # Within a second on a quiet machine (0.11 s); up to 1.3 s seen while sharing it.
        assert first_byte < 2 and first_byte < total / 2, (first_byte, total)

        workbook = stack.request(
            "GET", "/staff/leads.xlsx", headers={"Cookie": cookie}, source=me,
            timeout=2 * WORKER_TIMEOUT,
        )  # fmt: skip
        assert workbook.status == 200, workbook.body[:500]
        assert workbook.header("Content-Type").endswith("spreadsheetml.sheet")
        assert workbook.header("Content-Length") == str(len(workbook.body))
        assert workbook.body.startswith(b"PK")  # a finished zip
