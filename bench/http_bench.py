"""Web benchmark: the app under gunicorn, driven by wrk on loopback, against a "hello" ceiling.

    python bench/http_bench.py [--seconds 5] [--rounds 3] [--connections 32] [--workers 4]
                        [--threads 1] [--only "step page,contact POST"]

Starts gunicorn with the worker settings the README recommends, serving the app
with an extra bare ``/__bench/hello`` route (bench/hello_app.py) (the ceiling for this stack on this
machine, measured in the same run), then runs wrk against each route and prints
requests per second, p50 and p99 latency, and the ratio to the ceiling: the
medians of several rounds, each route run right after a hello run of its own,
so a machine that speeds up or slows down (shared cores) moves both. Also
prints the bytes a browser downloads for a step page. Needs Debian's ``wrk``.

Two servers run in turn, each with its own ceiling: one on a fresh SQLite file
(every route), one on a fresh PostgreSQL database ``benchweb`` (the routes that
write). Every contact POST carries a questionnaire of its own, so each one
stores a lead. Rate limits are off (RATELIMIT_ENABLED=0).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from support import HEALTHY  # noqa: E402 - the test suite's healthy answers, written once

from bench.hello_app import GUNICORN_APP  # noqa: E402

SECRET = "bench-secret-key-" + "x" * 32
ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"


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
    from questionnaire.catalogue import QUESTIONS, STEPS
    from questionnaire.state import FlowState, StateCodec

    codec = StateCodec(SECRET, 3600)
    every = {step.id for step in STEPS}

    def upto(steps: set[str]) -> str:
        answers = {q.id: HEALTHY[q.id] for q in QUESTIONS if q.step in steps}
        return codec.dumps(FlowState("bench", answers))

    return {
        "after_scars": upto({"scars"}),
        "before_about": upto(every - {"about"}),
        "complete": upto(every),
    }


def unique_tokens(count: int, secret_key: str = SECRET) -> list[str]:
    """Finished questionnaires, each with its own flow id: every contact POST writes a lead."""
    from questionnaire.state import StateCodec

    codec = StateCodec(secret_key, 3600)
    tokens = []
    for _ in range(count):
        state = codec.new()
        state.answers = dict(HEALTHY)
        tokens.append(codec.dumps(state))
    return tokens


def contact_script(count: int, secret_key: str = SECRET, threads: int = 2) -> str:
    """A wrk Lua script whose every request posts the contact form for a new questionnaire.

    The bodies sit one per line in a file; each of wrk's ``threads`` takes its own share
    of the lines. A new script (new flows) for every wrk run.
    """
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as bodies:
        for n, token in enumerate(unique_tokens(count, secret_key)):
            bodies.write(
                f"s={token}&name=Bench+{n}&email=bench%40example.com&contact_time=any&consent=y\n"
            )
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(
            f"""
local threads = 0
function setup(thread)
  thread:set("number", threads)
  threads = threads + 1
end
function init(args)
  bodies = {{}}
  local n = 0
  for line in io.lines("{bodies.name}") do
    if n % {threads} == number then bodies[#bodies + 1] = line end
    n = n + 1
  end
  next_body = 1
end
function request()
  local body = bodies[next_body]
  next_body = next_body % #bodies + 1
  return wrk.format("POST", nil,
    {{["Content-Type"] = "application/x-www-form-urlencoded"}}, body)
end
"""
        )
    return script.name


def json_script(body: str) -> str:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(
            'wrk.method = "POST"\n'
            'wrk.headers["Content-Type"] = "application/json"\n'
            f"wrk.body = {json.dumps(body)}\n"
        )
    return script.name


def post_script(body: str) -> str:
    """A wrk Lua script that POSTs this form body."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(
            'wrk.method = "POST"\n'
            'wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"\n'
            f'wrk.body = "{body}"\n'
        )
    return script.name


def milliseconds(text: str) -> float:
    """wrk's latency ("850.00us", "16.43ms", "1.20s") in milliseconds."""
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(number) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[unit]


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
        "p50": milliseconds(latency["50"]),
        "p99": milliseconds(latency["99"]),
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


def start_gunicorn(options, port: int, database_url: str) -> subprocess.Popen:
    environment = {
        **os.environ,
        "SECRET_KEY": SECRET,
        "RATELIMIT_ENABLED": "0",
        "CONTACT_MIN_SECONDS": "0",  # the tokens are made here, a moment before they are sent
        "DATABASE_URL": database_url,
        "AUTO_MIGRATE": "0",  # migrated once here: workers migrating at once would race
        "FLASK_APP": "app",
    }
    subprocess.run([str(Path(sys.executable).with_name("flask")), "db", "upgrade"], cwd=ROOT,
                   env=environment, check=True, capture_output=True)  # fmt: skip
    server = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "--workers", str(options.workers),
            "--threads", str(options.threads),
            "--bind", f"127.0.0.1:{port}",
            "--log-level", "warning",
            GUNICORN_APP,  # the app with the hello route (bench/hello_app.py)
        ],
        cwd=ROOT,
        env=environment,
    )  # fmt: skip
    wait_until_up(port, "/__bench/hello")
    return server


def recreate_postgres_database() -> str:
    import psycopg

    with psycopg.connect(ADMIN_URL, autocommit=True) as connection:
        connection.execute("DROP DATABASE IF EXISTS benchweb WITH (FORCE)")
        connection.execute("CREATE DATABASE benchweb")
    return "postgresql://postgres@127.0.0.1:5432/benchweb"


def script_of(route) -> str | None:
    """The route's wrk script; a callable makes a new one for every run (fresh contact requests)."""
    script = route[2]
    return script() if callable(script) else script


def measure(options, database: str, database_url: str, routes) -> list[tuple[str, dict]]:
    """Each route, paired with a hello run just before it, in several rounds; medians.

    The ceiling moves with whatever else the machine does, so each route's ratio is
    taken against the hello run next to it. A warm-up run of every route first lets
    every worker import the app, compile its templates and fill its caches.
    """
    port = free_port()
    server = start_gunicorn(options, port, database_url)
    hello, *others = routes
    runs: dict[str, list[tuple[dict, dict]]] = {route[0]: [] for route in others}
    figures = []
    try:
        for route in routes:
            run_wrk(f"http://127.0.0.1:{port}{route[1]}", 2, options.connections, script_of(route))
        for _round in range(options.rounds):
            for route in others:
                ceiling = run_wrk(f"http://127.0.0.1:{port}{hello[1]}", options.seconds,
                                  options.connections)  # fmt: skip
                result = run_wrk(f"http://127.0.0.1:{port}{route[1]}", options.seconds,
                                 options.connections, script_of(route))  # fmt: skip
                runs[route[0]].append((ceiling, result))
        ceilings = [ceiling for pairs in runs.values() for ceiling, _ in pairs]
        figures.append((f"{hello[0]} [{database}]", summary(ceilings, ratios=[1.0])))
        for name, pairs in runs.items():
            ratios = [result["rps"] / ceiling["rps"] for ceiling, result in pairs]
            figures.append((f"{name} [{database}]", summary([r for _, r in pairs], ratios)))
        if database == "sqlite":
            state = tokens()
            total, parts = page_weight(port, f"/check/skin?s={state['after_scars']}")
            figures.append(("__weight__", {"total": total, "parts": parts}))
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=20)
    return figures


def summary(results: list[dict], ratios: list[float]) -> dict:
    """Medians over the rounds; non-2xx/3xx answers summed."""
    return {
        "rps": statistics.median(r["rps"] for r in results),
        "p50": statistics.median(r["p50"] for r in results),
        "p99": statistics.median(r["p99"] for r in results),
        "ratio": statistics.median(ratios),
        "bad": sum(r["bad"] for r in results),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--rounds", type=int, default=3, help="paired hello/route runs per route")
    parser.add_argument("--only", help="comma-separated route names to run (hello always runs)")
    options = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed: apt-get install wrk (Debian package)")

    state = tokens()
    scars_body = "s={}&scar_types=rolling&scar_types=boxcar&scar_severity=moderate"
    last_body = "s={}&fitzpatrick=II&age=28"
    contacts = max(4000, options.seconds * 3000)
    hello = ("hello (ceiling)", "/__bench/hello", None)
    sqlite_routes = [
        hello,
        ("intro page", "/", None),
        ("step page", f"/check/skin?s={state['after_scars']}", None),
        ("step POST", "/check/scars", post_script(scars_body.format(state["after_scars"]))),
        ("last step POST", "/check/about", post_script(last_body.format(state["before_about"]))),
        ("result page (decides)", f"/check/result?s={state['complete']}", None),
        ("contact POST", "/check/contact", lambda: contact_script(contacts)),
        ("API assessment", "/api/v1/assessments", json_script(json.dumps(HEALTHY))),
    ]
    postgres_routes = [
        hello,
        ("step POST", "/check/scars", post_script(scars_body.format(state["after_scars"]))),
        ("contact POST", "/check/contact", lambda: contact_script(contacts)),
    ]
    if options.only:
        wanted = {name.strip() for name in options.only.split(",")}
        sqlite_routes = [hello] + [r for r in sqlite_routes[1:] if r[0] in wanted]
        postgres_routes = [hello] + [r for r in postgres_routes[1:] if r[0] in wanted]

    print(
        f"gunicorn --workers {options.workers} --threads {options.threads}; "
        f"wrk -t2 -c{options.connections} -d{options.seconds}s, {options.rounds} rounds "
        f"(medians; each ratio against the hello run just before it); {os.cpu_count()} cores"
    )
    print(f"{'route':<36}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'ratio':>7}{'non-2xx/3xx':>13}")
    with tempfile.TemporaryDirectory() as folder:
        runs = [("sqlite", f"sqlite:///{folder}/bench.sqlite3", sqlite_routes)]
        if len(postgres_routes) > 1:
            runs.append(("postgresql", recreate_postgres_database(), postgres_routes))
        weight = None
        for database, url, routes in runs:
            for name, figures in measure(options, database, url, routes):
                if name == "__weight__":
                    weight = figures
                    continue
                print(
                    f"{name:<36}{figures['rps']:>9.0f}{figures['p50']:>9.1f}{figures['p99']:>9.1f}"
                    f"{figures['ratio']:>7.2f}{figures['bad']:>13}"
                )
    if weight:
        print(f"\nstep page weight: {weight['total']} bytes uncompressed")
        for url, size in weight["parts"]:
            print(f"  {url:<40}{size:>8}")


if __name__ == "__main__":
    main()
