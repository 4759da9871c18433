"""Prometheus metrics at /internal/metrics: for loopback and the allowed networks only,
requests labelled by route (never a path), leads counted, the outbox read at scrape time."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import select

from app import create_app
from core.config import ConfigError
from core.extensions import db
from leads.models import Lead, OutboxMessage
from tests.console_support import submit_contact
from tests.support import Walker, sqlite_app

ROOT = Path(__file__).resolve().parents[2]
OUTSIDE = {"REMOTE_ADDR": "203.0.113.5"}  # TEST-NET-3: some address on the internet


def scrape(app, **environ) -> str:
    response = app.test_client().get("/internal/metrics", environ_base=environ)
    assert response.status_code == 200, response.status_code
    assert response.headers["Content-Type"].startswith("text/plain")
    assert response.headers["Cache-Control"] == "no-store"
    return response.get_data(as_text=True)


def value(text: str, name: str, **labels: str) -> float:
    """The sum of the samples with these labels (0 when none exists yet): the counter is the
    process's, so other tests' series (another status class) may match too."""
    return sum(
        sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
        if sample.name == name and all(sample.labels.get(k) == v for k, v in labels.items())
    )


def test_refused_from_an_outside_address_with_the_unknown_page(app):
    client = app.test_client()
    refused = client.get("/internal/metrics", environ_base=OUTSIDE)
    unknown = client.get("/internal/nothing-here", environ_base=OUTSIDE)
    assert refused.status_code == unknown.status_code == 404
    assert refused.headers["Content-Type"] == unknown.headers["Content-Type"]
    assert "Page not found" in refused.get_data(as_text=True)
    assert "screening_" not in refused.get_data(as_text=True)


@pytest.mark.parametrize("address", ["127.0.0.1", "127.0.0.53", "::1", "::ffff:127.0.0.1"])
def test_served_to_loopback(app, address):
    assert "screening_http_requests_total" in scrape(app, REMOTE_ADDR=address)


@pytest.mark.parametrize("address", ["10.0.0.5", "192.168.1.9", "::ffff:203.0.113.5", "", "x"])
def test_refused_to_every_other_address_by_default(app, address):
    response = app.test_client().get("/internal/metrics", environ_base={"REMOTE_ADDR": address})
    assert response.status_code == 404


def test_allowed_networks_may_read_it_and_no_others(tmp_path):
    app = sqlite_app(tmp_path, METRICS_ALLOWED_NETWORKS="10.1.0.0/16, 2001:db8::/32")
    assert app.config["METRICS_ALLOWED_NETWORKS"] == ("10.1.0.0/16", "2001:db8::/32")
    client = app.test_client()
    for address, status in [("10.1.2.3", 200), ("2001:db8::7", 200), ("10.2.0.1", 404),
                            ("203.0.113.5", 404), ("127.0.0.1", 200)]:  # fmt: skip
        response = client.get("/internal/metrics", environ_base={"REMOTE_ADDR": address})
        assert response.status_code == status, address


def test_behind_the_proxy_the_clients_address_decides_not_the_proxys(tmp_path):
    """nginx connects from loopback; ProxyFix puts the client's address in remote_addr."""
    app = sqlite_app(tmp_path, TRUSTED_PROXIES=1)
    client = app.test_client()
    through_proxy = client.get(
        "/internal/metrics",
        environ_base={"REMOTE_ADDR": "127.0.0.1"},
        headers={"X-Forwarded-For": "203.0.113.5"},
    )
    assert through_proxy.status_code == 404
    assert (
        client.get("/internal/metrics", environ_base={"REMOTE_ADDR": "127.0.0.1"}).status_code
        == 200
    )


@pytest.mark.parametrize("bad", ["10.0.0.0/33", "10.0.0.1/8", "not-a-network", "10.0.0.0/8,;"])
def test_a_bad_network_stops_start_up(monkeypatch, tmp_path, bad):
    monkeypatch.setenv("METRICS_ALLOWED_NETWORKS", bad)
    with pytest.raises(ConfigError, match="METRICS_ALLOWED_NETWORKS"):
        create_app({"TESTING": True}, instance_path=str(tmp_path))
    monkeypatch.delenv("METRICS_ALLOWED_NETWORKS")
    with pytest.raises(ConfigError, match="METRICS_ALLOWED_NETWORKS"):
        sqlite_app(tmp_path, METRICS_ALLOWED_NETWORKS=bad)


def test_networks_come_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("METRICS_ALLOWED_NETWORKS", " 192.0.2.7 ,10.0.0.0/8,")
    app = create_app({"TESTING": True}, instance_path=str(tmp_path))
    assert app.config["METRICS_ALLOWED_NETWORKS"] == ("192.0.2.7/32", "10.0.0.0/8")


def test_requests_are_counted_by_route_method_and_status_class_never_by_path(app):
    client = app.test_client()
    before = scrape(app)
    route = "/check/<step_id>"
    counted = value(before, "screening_http_requests_total", route=route, method="GET")
    client.get("/check/skin?s=a-token-that-must-not-show")  # no valid token: sent to the start
    client.get("/check/health")
    client.get("/no/such/page/12345")
    client.open("/healthz", method="BREW")  # a made-up method: 405, labelled "other"
    after = scrape(app)
    assert value(after, "screening_http_requests_total", route=route, method="GET") == counted + 2
    assert value(after, "screening_http_requests_total", route="unmatched", status="4xx") >= 1
    assert value(after, "screening_http_requests_total", method="other", status="4xx") >= 1
    statuses = {
        sample.labels["status"]
        for family in text_string_to_metric_families(after)
        for sample in family.samples
        if sample.name == "screening_http_requests_total"
    }
    assert statuses <= {"1xx", "2xx", "3xx", "4xx", "5xx"}
    for raw in ("/check/skin", "/check/health", "12345", "a-token", "BREW"):
        assert raw not in after, raw
    assert value(after, "screening_http_request_duration_seconds_count", route=route) >= 2


def test_a_new_lead_is_counted_once_by_source_and_outcome(db_app):
    client = db_app.test_client()
    labels = {"source": "site", "outcome": "clinician_review"}
    before = value(scrape(db_app), "screening_leads_created_total", **labels)
    response, token = submit_contact(client, Walker(client), outcome="clinician_review")
    assert response.status_code == 303
    again = client.post("/check/contact", data={"s": token, "name": "Zoë Example",
                        "email": "zoe@example.com", "consent": "y"})  # fmt: skip
    assert again.status_code == 303  # the same flow: the stored lead is found, not a new one
    with db_app.app_context():
        assert len(db.session.scalars(select(Lead.id)).all()) == 1
    after = scrape(db_app)
    assert value(after, "screening_leads_created_total", **labels) == before + 1


def test_the_outbox_gauges_count_the_rows_at_scrape_time(db_app):
    client = db_app.test_client()
    submit_contact(client, Walker(client))
    with db_app.app_context():
        lead_id = db.session.scalars(select(Lead.id)).one()
        for status in ["pending"] * 3 + ["dead"] * 2 + ["sent"]:
            db.session.add(OutboxMessage(lead_id=lead_id, kind="webhook", status=status))
        db.session.commit()
    text = scrape(db_app)
    assert value(text, "screening_outbox_pending_messages") == 3
    assert value(text, "screening_outbox_dead_messages") == 2
    assert value(text, "screening_database_up") == 1
    with db_app.app_context():
        message = db.session.scalars(
            select(OutboxMessage).where(OutboxMessage.status == "pending")
        ).first()
        message.status = "dead"
        db.session.commit()
    text = scrape(db_app)
    assert value(text, "screening_outbox_pending_messages") == 2
    assert value(text, "screening_outbox_dead_messages") == 3


def test_a_scrape_with_the_database_down_still_answers(tmp_path):
    from tests.services import free_port

    app = create_app(
        {"TESTING": True, "SECRET_KEY": "k", "AUTO_MIGRATE": False,
         "SQLALCHEMY_DATABASE_URI": f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/x"},
        instance_path=str(tmp_path),
    )  # fmt: skip
    text = scrape(app)
    assert value(text, "screening_database_up") == 0
    assert "screening_outbox_pending_messages" not in text  # absent rather than a false 0


# --- Several workers: prometheus_client's multiprocess mode ---------------------

WORKER = """
import json, sys
from app import create_app
app = create_app({"TESTING": True, "SECRET_KEY": "k", "AUTO_MIGRATE": True,
                  "SQLALCHEMY_DATABASE_URI": sys.argv[1]}, instance_path=sys.argv[2])
client = app.test_client()
for _ in range(int(sys.argv[3])):
    client.get("/healthz")
print(json.dumps(client.get("/internal/metrics").get_data(as_text=True)))
"""


def run_worker(tmp_path, multiproc_dir, requests: int) -> str:
    environment = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(multiproc_dir)}
    environment.pop("DATABASE_URL", None)
    completed = subprocess.run(
        [sys.executable, "-c", WORKER, f"sqlite:///{tmp_path / 'mp.sqlite3'}", str(tmp_path),
         str(requests)],
        cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert completed.returncode == 0, completed.stderr[-3000:]
    return json.loads(completed.stdout.strip().splitlines()[-1])


def test_with_a_multiprocess_dir_every_workers_counts_are_summed(tmp_path):
    folder = tmp_path / "prometheus"
    folder.mkdir()
    first = run_worker(tmp_path, folder, 3)
    assert value(first, "screening_http_requests_total", route="/healthz") == 3
    second = run_worker(tmp_path, folder, 2)  # another process: it reads the first's files
    assert value(second, "screening_http_requests_total", route="/healthz") == 5
    assert value(second, "screening_outbox_pending_messages") == 0  # from the database
    assert value(second, "screening_database_up") == 1


def test_a_multiprocess_dir_that_is_not_there_stops_start_up(tmp_path, monkeypatch):
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path / "missing"))
    with pytest.raises(ConfigError, match="PROMETHEUS_MULTIPROC_DIR"):
        sqlite_app(tmp_path)


@pytest.mark.parametrize("hosts", ["", "check.example-clinic.com,127.0.0.1"])
def test_in_production_a_direct_scrape_needs_loopback_in_trusted_hosts(
    monkeypatch, tmp_path, hosts
):
    """Prometheus sends the target's address as Host; production serves only TRUSTED_HOSTS."""
    monkeypatch.setenv("APP_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "a" * 64)
    monkeypatch.setenv("PUBLIC_BASE_URL", "https://check.example-clinic.com")
    monkeypatch.setenv("TRUSTED_PROXIES", "1")
    monkeypatch.setenv("TRUSTED_HOSTS", hosts)
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'p.sqlite3'}",
                      "AUTO_MIGRATE": True}, instance_path=str(tmp_path))  # fmt: skip
    client = app.test_client()
    direct = client.get("/internal/metrics", base_url="http://127.0.0.1:8001")
    assert direct.status_code == (200 if hosts else 400)
    # Through nginx (Host: the public name, X-Forwarded-For: the client): never served.
    through_nginx = client.get(
        "/internal/metrics",
        base_url="https://check.example-clinic.com",
        headers={"X-Forwarded-For": "203.0.113.5", "X-Forwarded-Proto": "https"},
    )
    assert through_nginx.status_code == 404
