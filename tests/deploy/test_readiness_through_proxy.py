"""Finding 9: readiness through nginx says ready or not ready, and nothing else, to anyone
but this machine. Its full answer names the release, the rule file's sha256 and whether a
clinician signed it; only the machine itself (127.0.0.1, as for a monitor beside nginx) and
the app's own /internal/ rule (loopback and METRICS_ALLOWED_NETWORKS, straight to an
instance) read that. The stack's people come from 127.x.y.z (deploy_support.person)."""

from __future__ import annotations

import http.client
import json

import pytest

from deploy.stack import HOST_NAME
from tests.deploy.deploy_support import person

# Ways of writing the same path that nginx folds into /readyz before it picks a location.
SPELLINGS = ["/readyz", "/readyz?verbose=1&brief=0", "//readyz", "/./readyz", "/ready%7a"]


@pytest.mark.parametrize("path", SPELLINGS)
def test_a_stranger_learns_only_whether_it_is_ready(stack, path):
    answer = stack.request("GET", path, source=person())
    assert answer.status == 200, answer.body[:300]
    assert json.loads(answer.body) == {"status": "ready"}
    assert answer.header("Cache-Control") == "no-store"
    for secret in (b"sha256", b"version", b"signed", b"checks", b"migrations"):
        assert secret not in answer.body


def test_this_machine_reads_every_check_through_nginx(stack):
    answer = stack.request("GET", "/readyz", source="127.0.0.1")
    assert answer.status == 200
    body = json.loads(answer.body)
    assert body["status"] == "ready" and body["failing"] == []
    assert body["checks"]["rules"]["status"] == "signed"
    assert len(body["checks"]["rules"]["sha256"]) == 64


def test_an_instance_asked_straight_from_the_machine_answers_in_full(stack):
    connection = http.client.HTTPConnection("127.0.0.1", stack.instance_ports[0], timeout=10)
    try:
        connection.request("GET", "/readyz", headers={"Host": HOST_NAME})
        response = connection.getresponse()
        status, body = response.status, json.loads(response.read())
    finally:
        connection.close()
    assert status == 200
    assert set(body["checks"]) == {"database", "migrations", "rules"}
