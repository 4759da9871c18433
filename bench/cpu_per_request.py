"""Where a request's CPU goes, by process: gunicorn workers, PostgreSQL, the kernel.

    python bench/cpu_per_request.py [--seconds 8] [--connections 32] [--workers 4]

Starts bench/http_bench.py's server on a fresh PostgreSQL database ``benchweb``, runs
wrk against the hello route and then the contact POST, and reads every
process's CPU time from /proc before and after each run. Prints microseconds
of CPU per request for each kind of process, and the machine's user, system
and idle time per request. wrk itself starts after the first reading, so its
own CPU is not in the table (it is about the same for both routes).

A ratio to the ceiling is a ratio of these totals: for the contact POST to
reach a given ratio, its total must fall to the hello total divided by it.
"""

from __future__ import annotations

import argparse
import collections
import os
import signal
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import http_bench

TICKS = os.sysconf("SC_CLK_TCK")


def cpu_by_process() -> dict[str, tuple[str, int]]:
    """pid -> (command name, user + system ticks) for every process now running."""
    seen = {}
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/stat") as stat:
                line = stat.read()
        except OSError:  # gone since listed
            continue
        name = line[line.index("(") + 1 : line.rindex(")")]
        fields = line[line.rindex(")") + 2 :].split()
        seen[pid] = (name, int(fields[11]) + int(fields[12]))
    return seen


def machine_ticks() -> list[int]:
    with open("/proc/stat") as stat:
        return [int(value) for value in stat.readline().split()[1:8]]


def measure(url: str, options, script: str | None) -> None:
    http_bench.run_wrk(url, 2, options.connections, script)  # warm up every worker
    before, machine_before = cpu_by_process(), machine_ticks()
    result = http_bench.run_wrk(url, options.seconds, options.connections, script)
    after, machine_after = cpu_by_process(), machine_ticks()
    requests = result["rps"] * options.seconds
    by_name: collections.Counter[str] = collections.Counter()
    for pid, (name, ticks) in after.items():
        if pid in before:
            by_name[name] += ticks - before[pid][1]
    print(f"{url.split('/', 3)[3]}: {result['rps']:.0f} req/s")
    for name, ticks in by_name.most_common(4):
        print(f"  {name:<24}{ticks / TICKS / requests * 1e6:8.0f} µs per request")
    spent = [b - a for a, b in zip(machine_before, machine_after, strict=True)]
    user, _nice, system, idle, _iowait, _irq, softirq = (
        ticks / TICKS / requests * 1e6 for ticks in spent
    )
    print(
        f"  machine: user {user:.0f}, system {system + softirq:.0f}, idle {idle:.0f} "
        "µs per request (both cores)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=8)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--workers", type=int, default=4)
    options = parser.parse_args()
    options.threads = 1
    port = http_bench.free_port()
    server = http_bench.start_gunicorn(options, port, http_bench.recreate_postgres_database())
    try:
        measure(f"http://127.0.0.1:{port}/__bench/hello", options, None)
        contacts = http_bench.contact_script(options.seconds * 3000)
        measure(f"http://127.0.0.1:{port}/check/contact", options, contacts)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=20)


if __name__ == "__main__":
    main()
