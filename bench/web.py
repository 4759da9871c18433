"""Web benchmark: the app under gunicorn, driven by wrk on loopback, against a "hello" ceiling.

    python bench/web.py [--seconds 10] [--connections 32] [--workers 4]

Starts gunicorn with the worker settings the README recommends, serving the app
with an extra bare ``/__bench/hello`` route (the ceiling for this stack on this
machine, measured in the same run), then runs wrk against each route and prints
requests per second, p50 and p99 latency, and the ratio to the ceiling. Also
prints the bytes a browser downloads for a step page. Needs Debian's ``wrk``.
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SECRET = "bench-secret-key-" + "x" * 32
HEALTHY = {
    "scar_types": ["rolling", "boxcar"],
    "scar_severity": "moderate",
    "active_acne": "none",
    "isotretinoin": "never",
    "pregnant_or_breastfeeding": False,
    "keloid_history": False,
    "bleeding_disorder_or_anticoagulants": False,
    "immunosuppressed": False,
    "active_skin_infection_in_area": False,
    "cold_sores_history": False,
    "skin_cancer_in_area": False,
    "radiation_to_area_within_year": False,
    "diabetes": "none",
    "eczema_psoriasis_rosacea_in_area": "none",
    "recent_sunburn_or_tan": False,
    "metal_allergy": False,
    "anaesthetic_allergy": False,
    "connective_tissue_disease": False,
    "recent_facial_procedure": False,
    "fitzpatrick": "II",
    "age": 28,
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(port: int, path: str) -> bytes:
    """GET a path from the server on loopback (no redirects, no other hosts)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        connection.request("GET", path)
        return connection.getresponse().read()
    finally:
        connection.close()


def wait_until_up(port: int, path: str, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            get(port, path)
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"gunicorn did not answer on port {port}")


def tokens() -> dict[str, str]:
    """Sealed state tokens at each point of the flow, made with the server's secret."""
    from questionnaire.catalogue import QUESTIONS
    from questionnaire.state import FlowState, StateCodec

    codec = StateCodec(SECRET, 3600)

    def upto(steps: set[str]) -> str:
        answers = {q.id: HEALTHY[q.id] for q in QUESTIONS if q.step in steps}
        return codec.dumps(FlowState("bench", answers))

    return {
        "after_scars": upto({"scars"}),
        "before_about": upto({"scars", "skin", "health"}),
        "complete": upto({"scars", "skin", "health", "about"}),
    }


def post_script(body: str) -> str:
    """A wrk Lua script that POSTs this form body."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(
            'wrk.method = "POST"\n'
            'wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"\n'
            f'wrk.body = "{body}"\n'
        )
    return script.name


def run_wrk(url: str, seconds: int, connections: int, script: str | None = None) -> dict:
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency"]
    if script:
        command += ["-s", script]
    output = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    latency = dict(re.findall(r"^\s+(50|99)%\s+([\d.]+\w+)", output, re.M))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return {
        "rps": rps,
        "p50": latency.get("50", "?"),
        "p99": latency.get("99", "?"),
        "bad": int(errors.group(1)) if errors else 0,
    }


def page_weight(port: int, path: str) -> tuple[int, list[tuple[str, int]]]:
    """Bytes of a page's HTML and the same-origin assets it links to."""
    html = get(port, path)
    parts = [(path.split("?")[0], len(html))]
    for asset in sorted(set(re.findall(rb'(?:href|src)="(/static/[^"]+)"', html))):
        url = asset.decode().replace("&amp;", "&")
        parts.append((url.split("?")[0], len(get(port, url))))
    return sum(size for _, size in parts), parts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=1)
    options = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed: apt-get install wrk")

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    environment = {**os.environ, "SECRET_KEY": SECRET, "BENCH_HELLO_ROUTE": "1"}
    gunicorn = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "--workers", str(options.workers),
            "--threads", str(options.threads),
            "--bind", f"127.0.0.1:{port}",
            "--log-level", "warning",
            "app:create_app()",
        ],
        cwd=ROOT,
        env=environment,
    )  # fmt: skip
    try:
        wait_until_up(port, "/__bench/hello")
        state = tokens()
        scars_body = "s={}&scar_types=rolling&scar_types=boxcar&scar_severity=moderate"
        last_body = "s={}&fitzpatrick=II&age=28"
        routes = [
            ("hello (ceiling)", "/__bench/hello", None),
            ("intro page", "/", None),
            ("step page", f"/check/skin?s={state['after_scars']}", None),
            ("step POST", "/check/scars", post_script(scars_body.format(state["after_scars"]))),
            (
                "last step POST",
                "/check/about",
                post_script(last_body.format(state["before_about"])),
            ),
            ("result page (decides)", f"/check/result?s={state['complete']}", None),
        ]
        print(
            f"gunicorn --workers {options.workers} --threads {options.threads}; "
            f"wrk -t2 -c{options.connections} -d{options.seconds}s; {os.cpu_count()} cores"
        )
        print(f"{'route':<24}{'req/s':>10}{'p50':>10}{'p99':>10}{'ratio':>8}{'non-2xx/3xx':>13}")
        ceiling = None
        for name, path, script in routes:
            figures = run_wrk(base + path, options.seconds, options.connections, script)
            ceiling = ceiling or figures["rps"]
            print(
                f"{name:<24}{figures['rps']:>10.0f}{figures['p50']:>10}{figures['p99']:>10}"
                f"{figures['rps'] / ceiling:>8.2f}{figures['bad']:>13}"
            )
        total, parts = page_weight(port, f"/check/skin?s={state['after_scars']}")
        print(f"\nstep page weight: {total} bytes uncompressed")
        for url, size in parts:
            print(f"  {url:<40}{size:>8}")
    finally:
        gunicorn.send_signal(signal.SIGTERM)
        gunicorn.wait(timeout=20)


if __name__ == "__main__":
    main()
