"""Each instance's /internal/metrics sums the counts of all its workers.

screening@.service gives every instance a folder of its own for prometheus_client's
multiprocess files (RuntimeDirectory=, PROMETHEUS_MULTIPROC_DIR), made empty at each
start; the stack makes the same folder under its prefix. Without it a scrape shows the
counts of whichever worker answered it.
"""

from __future__ import annotations

import http.client
import re
from concurrent.futures import ThreadPoolExecutor

from deploy.stack import HOST_NAME, SERVICE_UNIT, unit_values

REQUESTS = 60
SERIES = re.compile(
    r'^screening_http_requests_total\{(?=[^}]*method="GET")(?=[^}]*route="/healthz")'
    r'(?=[^}]*status="2xx")[^}]*\} ([\d.e+]+)$',
    re.M,
)


def get(port: int, path: str) -> tuple[int, str]:
    """One request straight to an instance, from the machine itself (as Prometheus scrapes)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", path, headers={"Host": HOST_NAME})
        response = connection.getresponse()
        return response.status, response.read().decode()
    finally:
        connection.close()


def healthz_count(port: int) -> float:
    status, text = get(port, "/internal/metrics")
    assert status == 200, text[:500]
    return sum(float(value) for value in SERIES.findall(text))


def test_the_service_unit_gives_each_instance_an_empty_metrics_folder():
    assert unit_values(SERVICE_UNIT, "RuntimeDirectory") == ["screening/%i"]
    assert "PROMETHEUS_MULTIPROC_DIR=/run/screening/%i" in unit_values(SERVICE_UNIT, "Environment")


def test_every_scrape_of_an_instance_sums_all_its_workers(stack):
    port = stack.instance_ports[0]
    (folder,) = stack.runtime_folders(0)
    before = healthz_count(port)
    with ThreadPoolExecutor(8) as pool:  # at once, so every worker takes some of them
        statuses = list(pool.map(lambda _n: get(port, "/healthz")[0], range(REQUESTS)))
    assert statuses == [200] * REQUESTS
    # Each worker writes its own files there; here the instance's workers did.
    writers = {path.stem.rpartition("_")[2] for path in folder.glob("counter_*.db")}
    assert len(writers) >= 2, sorted(folder.iterdir())
    # Whichever worker answers, it counts every worker's requests.
    scrapes = {healthz_count(port) for _ in range(12)}
    assert scrapes == {before + REQUESTS}
