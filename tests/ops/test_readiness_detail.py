"""Finding 9, in the app: /readyz answers in full only to the addresses /internal/metrics
answers (loopback and METRICS_ALLOWED_NETWORKS, judged after ProxyFix); anyone else, or a
request that asks for the brief answer (``?brief``, what nginx sends for strangers), gets
only ``{"status": "ready"}`` or ``{"status": "not_ready"}``, with the same status code."""

from __future__ import annotations

from app import create_app
from tests.services import free_port


def test_a_stranger_gets_ready_and_nothing_more(db_app):
    client = db_app.test_client()
    answer = client.get("/readyz", environ_base={"REMOTE_ADDR": "203.0.113.7"})
    assert answer.status_code == 200
    assert answer.get_json() == {"status": "ready"}
    assert answer.headers["Cache-Control"] == "no-store"
    brief = client.get("/readyz?brief", environ_base={"REMOTE_ADDR": "127.0.0.1"})
    assert brief.get_json() == {"status": "ready"}
    full = client.get("/readyz", environ_base={"REMOTE_ADDR": "127.0.0.1"})
    assert set(full.get_json()["checks"]) == {"database", "migrations", "rules"}


def test_a_network_allowed_to_read_metrics_reads_readiness_in_full(app_factory):
    app = app_factory(METRICS_ALLOWED_NETWORKS="10.1.0.0/16")
    client = app.test_client()
    inside = client.get("/readyz", environ_base={"REMOTE_ADDR": "10.1.2.3"})
    assert inside.get_json()["checks"]["rules"]["sha256"]
    outside = client.get("/readyz", environ_base={"REMOTE_ADDR": "10.2.2.3"})
    assert outside.get_json() == {"status": "ready"}


def test_behind_a_proxy_the_forwarded_address_decides(app_factory):
    app = app_factory(TRUSTED_PROXIES=1)
    client = app.test_client()
    public = client.get("/readyz", headers={"X-Forwarded-For": "198.51.100.9"})
    assert public.get_json() == {"status": "ready"}


def test_not_ready_is_a_503_that_names_nothing(tmp_path):
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "k",
            "SQLALCHEMY_DATABASE_URI": f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/x",
            "AUTO_MIGRATE": False,
        },
        instance_path=str(tmp_path),
    )
    answer = app.test_client().get("/readyz", environ_base={"REMOTE_ADDR": "203.0.113.7"})
    assert answer.status_code == 503
    assert answer.get_json() == {"status": "not_ready"}
