"""A production stack whose rules nobody has signed yet starts, as a first install does.

Until a clinician signs a rule version, production answers 503 to the check (README,
"Signing the rules off"), so deploy/stack.py waits for liveness (/healthz), never for a
200 from ``/``: ``running(demo_sign_off=False)`` used to wait for ``/`` until it gave up.
A stack of its own (one instance, one worker), not the shared one, which is signed.
"""

from __future__ import annotations

import json

from deploy.stack import StackError, running


def test_a_stack_with_unsigned_rules_starts_and_says_why_it_is_not_ready():
    try:
        with running(instances=1, workers=1, demo_sign_off=False) as stack:
            check = stack.request("GET", "/")
            health = stack.request("GET", "/healthz")
            ready = stack.request("GET", "/readyz")  # from this machine: in full
    except StackError as error:
        raise AssertionError(f"the unsigned stack did not start: {error}") from None
    assert check.status == 503, check.body[:300]
    assert health.status == 200
    assert ready.status == 503
    rules = json.loads(ready.body)["checks"]["rules"]
    assert (rules["ok"], rules["status"]) == (False, "no_signed_version")
