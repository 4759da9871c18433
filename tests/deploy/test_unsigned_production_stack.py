"""A production stack whose rules nobody has signed yet starts, as a first install does,
and the deployment check names what is missing.

Until a clinician signs a rule version, production answers 503 to the check (README,
"Signing the rules off"), so deploy/stack.py waits for liveness (/healthz), never for a
200 from ``/``: ``running(demo_sign_off=False)`` used to wait for ``/`` until it gave up.
A stack of its own (one instance, one worker), not the shared one, which is signed.
"""

from __future__ import annotations

import json

import pytest

from deploy.deploy_check import findings_for
from deploy.stack import HOST_NAME, StackError, running
from tests.deploy.deploy_support import person, trusted_certificates


@pytest.fixture(scope="module")
def unsigned_stack(clinic_site):
    try:
        with running(
            instances=1, workers=1, demo_sign_off=False, environment=clinic_site.settings()
        ) as stack:
            yield stack
    except StackError as error:
        raise AssertionError(f"the unsigned stack did not start: {error}") from None


def test_a_stack_with_unsigned_rules_starts_and_says_why_it_is_not_ready(unsigned_stack):
    check = unsigned_stack.request("GET", "/")
    health = unsigned_stack.request("GET", "/healthz")
    ready = unsigned_stack.request("GET", "/readyz")  # from this machine: in full
    assert check.status == 503, check.body[:300]
    assert health.status == 200
    assert ready.status == 503
    rules = json.loads(ready.body)["checks"]["rules"]
    assert (rules["ok"], rules["status"]) == (False, "no_signed_version")


def test_the_deployment_check_names_the_unsigned_rules(unsigned_stack, clinic_site, tmp_path):
    """Every patient page answers 503 and the assessment API too: the rules finding says
    who signs, and where; the pages finding says they do not answer."""
    lines: list[str] = []
    cafile = trusted_certificates(tmp_path, unsigned_stack.certificate, clinic_site.certificate)
    findings = findings_for(
        f"https://{HOST_NAME}:{unsigned_stack.https_port}/",
        f"http://{HOST_NAME}:{unsigned_stack.http_port}",
        str(cafile),
        person(),
        out=lines.append,
    )
    found = {finding.check: finding for finding in findings}
    assert "rules" in found, "\n".join(lines)
    assert found["rules"].problem.startswith("no signed rule version decides")
    assert "signs the deployed rules off in the console's Rule book" in found["rules"].change
    assert "/ answered 503, not 200" in found["pages"].problem
    # What does not depend on the rules is still right: nginx, TLS, headers.
    assert not {"tls", "hsts", "redirect", "unknown-host", "internal", "readiness"} & set(found)
