"""The production stack through nginx: throughput against a hello ceiling, and slow clients.

    python bench/stack_bench.py [--seconds 5] [--rounds 3] [--connections 32] [--workers 2]
                                [--slow 8] [--normal 12] [--window 10] [--probe-only]

Starts the loopback stack of deploy/stack.py (scripts/stack): nginx with the shipped
deploy/nginx/screening.conf (TLS) in front of two gunicorn instances of ``--workers``
sync workers each, on a fresh PostgreSQL database and Redis, with the bare
``/__bench/hello`` route (the app of bench/hello_app.py) and the rate limits off. Then:

1. wrk through nginx over HTTPS (keep-alive connections, as browsers use): the hello
   ceiling through the same nginx, the same hello straight to the instances (one wrk
   per instance at once, plain HTTP: what nginx costs), a static file nginx serves
   itself, the intro page, a step page and the contact POST (every request a new
   finished questionnaire, so each stores a lead), the last through nginx and straight
   to the instances; the medians of several rounds, each route right after a hello run
   through nginx of its own, and the ratio to it. Needs Debian's ``wrk``.
2. the slow-client probe: ``--slow`` connections trickle one byte at a time (half of
   them the request header, half a body after complete headers), then ``--normal``
   GETs of / are sent, four at a time; it prints how many were answered within
   ``--window`` seconds, through nginx and, for comparison, straight to one instance.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from http_bench import contact_script, milliseconds  # noqa: E402 - written once, for both
from support import HEALTHY  # noqa: E402 - the test suite's healthy answers, written once

from bench.hello_app import GUNICORN_APP  # noqa: E402
from deploy.stack import HOST_NAME, Stack, StackError, running  # noqa: E402


def step_token(secret_key: str) -> str:
    """A sealed state after the first step, made with the stack's secret: the skin step."""
    from questionnaire.catalogue import QUESTIONS
    from questionnaire.state import FlowState, StateCodec

    answers = {q.id: HEALTHY[q.id] for q in QUESTIONS if q.step == "scars"}
    return StateCodec(secret_key, 3600).dumps(FlowState("bench", answers))


def run_wrk(url: str | list[str], seconds: int, connections: int, script=None) -> dict:
    """One wrk run; for several URLs, one wrk per URL at once (connections shared out), summed.

    ``script``, when given, makes a wrk Lua script for ``threads`` threads: called
    once for every wrk started (each gets requests of its own).
    """
    if isinstance(url, list):
        share = max(1, connections // len(url))
        # One thread each; Host: the instances serve PUBLIC_BASE_URL's host name only.
        options = ["-t1", f"-c{share}", f"-d{seconds}s", "--latency", "-H", f"Host: {HOST_NAME}"]
        commands = [["wrk", *options, *(["-s", script(1)] if script else []), u] for u in url]
        runs = [subprocess.Popen(c, stdout=subprocess.PIPE, text=True) for c in commands]
        results = [parse_wrk(run.communicate()[0]) for run in runs]
        return {
            "rps": sum(r["rps"] for r in results),
            "requests": sum(r["requests"] for r in results),
            "p50": max(r["p50"] for r in results),
            "p99": max(r["p99"] for r in results),
            "bad": sum(r["bad"] for r in results),
            "socket_errors": "; ".join(r["socket_errors"] for r in results if r["socket_errors"]),
        }
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", url]
    if script:
        command[1:1] = ["-s", script(2)]
    return parse_wrk(subprocess.run(command, capture_output=True, text=True, check=True).stdout)


def parse_wrk(output: str) -> dict:
    latency = dict(re.findall(r"^\s+(50|99)%\s+([\d.]+\w+)", output, re.M))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    socket_errors = re.search(r"Socket errors: (.*)", output)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "requests": int(re.search(r"(\d+) requests in", output).group(1)),
        "p50": milliseconds(latency["50"]),
        "p99": milliseconds(latency["99"]),
        "bad": int(errors.group(1)) if errors else 0,
        "socket_errors": socket_errors.group(1) if socket_errors else "",
    }


def throughput(stack: Stack, options) -> None:
    base = f"https://{stack.host}"
    hello = ("hello (ceiling)", base + "/__bench/hello")
    direct = [f"http://127.0.0.1:{port}" for port in stack.instance_ports]
    # Enough new questionnaires for a run at the machine's best, each flow posted once.
    contacts = max(3000, options.seconds * 1500)

    def contacts_script(threads: int) -> str:
        return contact_script(contacts, stack.secret_key, threads)

    routes = [
        # what nginx costs: the same workers, straight
        ("hello, straight to the instances", [u + "/__bench/hello" for u in direct], None),
        ("static file (nginx alone)", base + "/static/app.css", None),
        ("intro page", base + "/", None),
        ("step page", f"{base}/check/skin?s={step_token(stack.secret_key)}", None),
        ("contact POST", base + "/check/contact", contacts_script),
        ("contact POST, straight", [u + "/check/contact" for u in direct], contacts_script),
    ]
    posted = 0  # contact POSTs answered, to compare with the leads stored
    for _name, url, script in [(*hello, None), *routes]:  # warm-up: imports and caches
        warm = run_wrk(url, 2, options.connections, script)
        posted += warm["requests"] if script else 0
    runs: dict[str, list[tuple[dict, dict]]] = {name: [] for name, _, _ in routes}
    for _round in range(options.rounds):
        for name, url, script in routes:
            ceiling = run_wrk(hello[1], options.seconds, options.connections)
            result = run_wrk(url, options.seconds, options.connections, script)
            runs[name].append((ceiling, result))
            posted += result["requests"] if script else 0
    ceilings = [ceiling for pairs in runs.values() for ceiling, _ in pairs]
    print(
        f"\nwrk -t2 -c{options.connections} -d{options.seconds}s over HTTPS through nginx, "
        f"{options.rounds} rounds (medians; each ratio against the hello run just before it)"
    )
    print(f"{'route':<34}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'ratio':>7}{'non-2xx/3xx':>13}")
    rows = [(hello[0], ceilings, [1.0])]
    rows += [
        (name, [r for _, r in pairs], [r["rps"] / c["rps"] for c, r in pairs])
        for name, pairs in runs.items()
    ]
    for name, results, ratios in rows:
        print(
            f"{name:<34}{statistics.median(r['rps'] for r in results):>9.0f}"
            f"{statistics.median(r['p50'] for r in results):>9.1f}"
            f"{statistics.median(r['p99'] for r in results):>9.1f}"
            f"{statistics.median(ratios):>7.2f}{sum(r['bad'] for r in results):>13}"
        )
        errors = {r["socket_errors"] for r in results} - {""}
        if errors:
            print(f"  socket errors: {'; '.join(sorted(errors))}")
    import psycopg

    with psycopg.connect(stack.database_url) as connection:
        (leads,) = connection.execute("SELECT count(*) FROM leads").fetchone()
    # wrk counts only the answers it read whole: a few POSTs in flight when a run stops
    # may be stored but not counted, never the other way round.
    print(f"contact POSTs answered: {posted}; leads stored: {leads} (each POST a new lead)")


def probe(connect, host: str, slow: int, normal: int, window: float) -> tuple[int, float]:
    """Normal GETs of / answered within ``window`` s while ``slow`` connections trickle."""
    tricklers = []
    for n in range(slow):
        sock = connect()
        if n % 2 == 0:
            sock.sendall(f"GET / HTTP/1.1\r\nHost: {host}\r\n".encode())  # never finished
        else:
            sock.sendall(
                f"POST /check/contact HTTP/1.1\r\nHost: {host}\r\nContent-Type: "
                "application/x-www-form-urlencoded\r\nContent-Length: 4000\r\n\r\ns=".encode()
            )
        tricklers.append((sock, n % 2 == 0))
    stop = threading.Event()

    def trickle() -> None:
        while not stop.wait(0.3):
            for sock, header in tricklers:
                with contextlib.suppress(OSError):
                    sock.send(b"X-Slow: y" if header else b"a")

    thread = threading.Thread(target=trickle, daemon=True)
    thread.start()
    time.sleep(1)
    started = time.monotonic()
    deadline = started + window
    answered: list[float] = []

    def get(_n: int) -> None:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return
        sock = connect()
        try:
            sock.settimeout(remaining)
            sock.sendall(f"GET / HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode())
            response = http.client.HTTPResponse(sock)
            response.begin()
            response.read()
            if response.status == 200:
                answered.append(time.monotonic() - started)
        except (OSError, http.client.HTTPException):
            pass
        finally:
            sock.close()

    with ThreadPoolExecutor(4) as pool:
        list(pool.map(get, range(normal)))
    stop.set()
    thread.join()
    for sock, _ in tricklers:
        sock.close()
    return len(answered), max(answered, default=0.0)


def slow_clients(stack: Stack, options) -> None:
    print(
        f"\nslow-client probe: {options.slow} connections trickling a byte every 0.3 s "
        f"(half headers, half bodies), then {options.normal} GETs of / (4 at a time), "
        f"{options.window:.0f} s to answer them"
    )
    port = stack.instance_ports[0]
    cases = [
        (
            f"through nginx ({len(stack.instances)} instances x {stack.workers} workers)",
            lambda: stack.open_socket(),
            stack.host,
        ),
        (
            f"straight to one instance ({stack.workers} workers)",
            lambda: socket.create_connection(("127.0.0.1", port), 10),
            HOST_NAME,
        ),
    ]
    for name, connect, host in cases:
        served, last = probe(connect, host, options.slow, options.normal, options.window)
        when = f", the last after {last:.2f} s" if served else ""
        print(f"  {name:<46} {served:>2} of {options.normal} answered{when}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers per instance")
    parser.add_argument("--slow", type=int, default=8, help="trickling connections")
    parser.add_argument("--normal", type=int, default=12, help="normal GETs during the probe")
    parser.add_argument("--window", type=float, default=10, help="seconds to answer them")
    parser.add_argument("--probe-only", action="store_true", help="skip the wrk runs")
    options = parser.parse_args()
    wrk = bool(shutil.which("wrk"))
    if not wrk:
        print("wrk is not installed: apt-get install wrk (Debian package); slow-client probe only")
    environment = {"RATELIMIT_ENABLED": "0", "CONTACT_MIN_SECONDS": "0"}
    try:
        with running(
            workers=options.workers, environment=environment, wsgi_app=GUNICORN_APP
        ) as stack:
            print(
                f"stack: nginx {stack.url} -> {len(stack.instances)} gunicorn instances x "
                f"{stack.workers} sync workers, PostgreSQL, Redis; {os.cpu_count()} cores"
            )
            if wrk and not options.probe_only:
                throughput(stack, options)
            slow_clients(stack, options)
    except StackError as error:
        raise SystemExit(f"stack: {error}") from None


if __name__ == "__main__":
    main()
