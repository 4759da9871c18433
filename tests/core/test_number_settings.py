"""Number settings a deployment cannot get quietly wrong: a set-password link that
lasts 0 hours, or a sign-in lock after -1 failures, stops start-up and names the
setting; the two settings where 0 means something (no proxy, no caching) take it."""

from __future__ import annotations

import pytest

from core.config import ConfigError, from_environment


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("PASSWORD_LINK_HOURS", "0"),
        ("PASSWORD_LINK_HOURS", "-3"),
        ("SIGN_IN_LOCK_AFTER", "0"),
        ("STAFF_SESSION_MINUTES", "0"),
        ("OUTBOX_MAX_ATTEMPTS", "-1"),
        ("RETENTION_DAYS", "0"),
    ],
)
def test_a_number_below_one_stops_start_up(monkeypatch, name, value):
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError, match=f"{name} must be 1 or more, got {value}"):
        from_environment()


def test_a_number_that_is_no_number_is_named(monkeypatch):
    monkeypatch.setenv("PASSWORD_LINK_HOURS", "a day")
    with pytest.raises(ConfigError, match="PASSWORD_LINK_HOURS must be a whole number"):
        from_environment()


def test_zero_proxies_and_no_rule_caching_are_allowed(monkeypatch):
    monkeypatch.setenv("TRUSTED_PROXIES", "0")
    monkeypatch.setenv("LIVE_RULES_TTL", "0")
    monkeypatch.setenv("PASSWORD_LINK_HOURS", "2")
    config = from_environment()
    assert (config["TRUSTED_PROXIES"], config["LIVE_RULES_TTL"]) == (0, 0)
    assert config["PASSWORD_LINK_HOURS"] == 2
