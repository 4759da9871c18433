"""Slow clients are nginx's to hold: with more trickling connections open than the app has
workers, normal requests are still served at once, and nginx cuts the tricklers off.

Straight to gunicorn (sync workers), 8 such connections stopped the site: 0 of 12 normal
requests were served in 60 s. bench/stack_bench.py measures both ways.
"""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

from tests.deploy.deploy_support import closed_by_server, person, wait_for

NORMAL_REQUESTS = 12


def trickle(stack, sockets: dict, stop: threading.Event, bodies_too: threading.Event) -> None:
    """One byte every 0.3 s on every connection; a body trickler stops when told."""
    while not stop.is_set():
        for sock, (kind, closed_at) in list(sockets.items()):
            if closed_at is not None:
                continue
            if closed_by_server(sock):
                sockets[sock] = (kind, time.monotonic())
                continue
            if kind == "body" and not bodies_too.is_set():
                continue
            try:
                sock.send(b"X-Slow: y" if kind == "header" else b"a")
            except OSError:
                sockets[sock] = (kind, time.monotonic())
        time.sleep(0.3)


def test_trickling_clients_leave_normal_requests_served_and_are_cut_off(stack):
    workers = stack.workers * len(stack.instances)
    slow = 3 * workers  # of each kind: headers trickled, and a body after full headers
    sockets = {}
    opened = time.monotonic()
    attacker = person()
    for _ in range(slow):
        sock = stack.open_socket(attacker)
        sock.send(b"GET / HTTP/1.1\r\nHost: " + stack.host.encode() + b"\r\n")  # never ends
        sockets[sock] = ("header", None)
    for _ in range(slow):
        sock = stack.open_socket(attacker)
        sock.send(
            b"POST /check/contact HTTP/1.1\r\nHost: " + stack.host.encode() + b"\r\n"
            b"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 4000\r\n\r\ns="
        )
        sockets[sock] = ("body", None)
    stop, bodies_too = threading.Event(), threading.Event()
    bodies_too.set()
    trickler = threading.Thread(target=trickle, args=(stack, sockets, stop, bodies_too))
    trickler.start()
    try:
        time.sleep(1)  # every slow connection has sent something and waits for more

        started = time.monotonic()
        with ThreadPoolExecutor(4) as pool:
            statuses = list(
                pool.map(lambda _: stack.request("GET", "/", timeout=5).status,
                         range(NORMAL_REQUESTS))
            )  # fmt: skip
        served_in = time.monotonic() - started
        assert statuses == [200] * NORMAL_REQUESTS, stack.diagnostics()
        assert served_in < 5, f"{NORMAL_REQUESTS} normal requests took {served_in:.1f} s"
        still_open = [kind for kind, closed_at in sockets.values() if closed_at is None]
        assert len(still_open) == 2 * slow, "the slow connections closed before the requests"

        # client_header_timeout (10 s for the whole header) and client_body_timeout (10 s
        # without a byte) end them: the body tricklers now stop sending.
        bodies_too.clear()
        assert wait_for(lambda: all(c is not None for _, c in sockets.values()), timeout=15), (
            f"still open after {time.monotonic() - opened:.0f} s: "
            f"{[kind for kind, c in sockets.values() if c is None]}"
        )
        lasted = [closed_at - opened for _, closed_at in sockets.values()]
        assert min(lasted) > 9 and max(lasted) < 14, lasted
    finally:
        stop.set()
        trickler.join()
        for sock in sockets:
            sock.close()
