"""The rate limits count each person, never the proxy: nginx overwrites X-Forwarded-For
with the address it sees, the app trusts that one hop (TRUSTED_PROXIES=1), and both
instances count in the same Redis."""

from __future__ import annotations

from tests.deploy.deploy_support import API_LIMIT, assess, person


def test_a_forged_x_forwarded_for_buys_no_new_budget(stack):
    me = person()
    codes = [
        assess(stack, me, {"X-Forwarded-For": f"198.51.100.{n}"}) for n in range(API_LIMIT + 1)
    ]
    # Spread over both instances by nginx, and still one budget: the counters are shared.
    assert codes == [200] * API_LIMIT + [429]


def test_two_people_behind_the_same_proxy_have_a_budget_each(stack):
    first, second = person(), person()
    assert [assess(stack, first) for _ in range(API_LIMIT + 1)] == [200] * API_LIMIT + [429]
    assert [assess(stack, second) for _ in range(API_LIMIT)] == [200] * API_LIMIT
    assert assess(stack, first) == 429
