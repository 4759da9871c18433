"""Restarting one app instance under a stream of contact requests: every request is
answered (no 502/503), and every acknowledged request is exactly one lead.

The instance's socket stays open across the restart (systemd holds it, see
deploy/systemd/screening@.socket; here the stack does), so requests that reach it
meanwhile wait for the new gunicorn instead of failing; nginx never resends a POST.
"""

from __future__ import annotations

import threading
import time
from collections import Counter

import psycopg

from tests.deploy.deploy_support import FORM, contact_form, finished_questionnaire, person

CLIENTS = 4


def test_restarting_an_instance_under_traffic_loses_no_lead_and_shows_no_error(stack):
    results = []  # (started, finished, status or error, Location, flow id)
    stop = threading.Event()

    def client() -> None:
        while not stop.is_set():
            token, flow_id = finished_questionnaire(stack.secret_key)
            started = time.monotonic()
            try:
                answer = stack.request("POST", "/check/contact", body=contact_form(token),
                                       headers=FORM, source=person(), timeout=40)  # fmt: skip
                outcome, location = answer.status, answer.header("Location")
            except OSError as error:
                outcome, location = repr(error), ""
            results.append((started, time.monotonic(), outcome, location, flow_id))

    threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
    for thread in threads:
        thread.start()
    try:
        time.sleep(2)
        old_pid = stack.instances[0].process.pid
        down = time.monotonic()
        exit_code = stack.stop_instance(0)  # SIGTERM: in-flight requests finish first
        stack.start_instance(0)
        up = time.monotonic()
        time.sleep(2)
    finally:
        stop.set()
        for thread in threads:
            thread.join()

    assert exit_code == 0
    assert stack.instances[0].process.pid != old_pid
    outcomes = Counter(outcome for _, _, outcome, _, _ in results)
    assert set(outcomes) == {303}, f"{outcomes}\n{stack.diagnostics()}"
    acknowledged = [flow for *_, location, flow in results if "/check/contact/done" in location]
    assert len(acknowledged) == len(results)
    during = [r for r in results if r[0] < up and r[1] > down]
    assert during, "no request was in flight while the instance restarted"
    assert len(results) > 20, outcomes

    # The leads of every flow this test sent, acknowledged or not (other tests store theirs).
    sent = [flow for *_, flow in results]
    with psycopg.connect(stack.database_url) as connection:
        stored = [
            row[0]
            for row in connection.execute(
                "SELECT flow_id FROM leads WHERE flow_id = ANY(%s)", (sent,)
            )
        ]
    assert len(stored) == len(set(stored)) == len(acknowledged)
    assert set(stored) == set(acknowledged)
