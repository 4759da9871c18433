"""Behind a load balancer (TRUSTED_PROXIES): the client's address and scheme come from it.

Rate limits must count each person, not the load balancer, and HSTS must be
sent when the person reached the proxy over HTTPS. Without the setting, the
forwarded headers are a client's say-so and are ignored: nobody gets a fresh
rate-limit budget by writing their own X-Forwarded-For.
"""

from __future__ import annotations

import pytest

from app import create_app
from tests.support import HEALTHY

PROXY = "10.0.0.5"
LIMIT = 2


def make_app(trusted_proxies: int):
    return create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret-key",
            "RATELIMIT_ENABLED": True,
            "RATELIMIT_API": f"{LIMIT} per minute",
            "TRUSTED_PROXIES": trusted_proxies,
        }
    )


def assess(client, person: str):
    return client.post(
        "/api/v1/assessments",
        json=HEALTHY,
        headers={"X-Forwarded-For": person, "X-Forwarded-Proto": "https"},
        environ_base={"REMOTE_ADDR": PROXY},
    )


def test_behind_a_trusted_proxy_each_person_has_their_own_rate_limit():
    client = make_app(trusted_proxies=1).test_client()
    first = [assess(client, "198.51.100.7").status_code for _ in range(LIMIT + 1)]
    second = [assess(client, "203.0.113.9").status_code for _ in range(LIMIT)]
    assert first == [200] * LIMIT + [429]
    assert second == [200] * LIMIT  # not refused because someone else used theirs


def test_without_trusting_a_proxy_a_forged_forwarded_address_buys_no_new_budget():
    client = make_app(trusted_proxies=0).test_client()
    codes = [assess(client, f"198.51.100.{n}").status_code for n in range(LIMIT + 1)]
    assert codes == [200] * LIMIT + [429]


@pytest.mark.parametrize(("trusted_proxies", "hsts"), [(1, True), (0, False)])
def test_hsts_follows_the_scheme_the_person_used_only_when_the_proxy_is_trusted(
    trusted_proxies, hsts
):
    client = make_app(trusted_proxies).test_client()
    response = client.get(
        "/", headers={"X-Forwarded-Proto": "https"}, environ_base={"REMOTE_ADDR": PROXY}
    )
    assert response.status_code == 200
    assert ("Strict-Transport-Security" in response.headers) is hsts
