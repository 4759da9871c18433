"""Finding 6: lead events can carry a person's contact details (the opt-in), so production
sends them only over TLS. APP_ENV=production refuses to start with a plain http:// webhook,
except to this machine's own loopback (a receiver beside the app, as in the tests); outside
production a plain address is still taken (a developer's receiver)."""

from __future__ import annotations

import pytest

from core.config import ConfigError, check_safe, from_environment


def production(monkeypatch, url: str) -> dict:
    monkeypatch.setenv("APP_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "a" * 64)
    monkeypatch.setenv("PUBLIC_BASE_URL", "https://check.example-clinic.com")
    monkeypatch.setenv("WEBHOOK_URL", url)
    monkeypatch.setenv("WEBHOOK_SECRET", "s" * 32)
    return from_environment()


@pytest.mark.parametrize(
    "url",
    [
        "http://crm.example-clinic.com/hooks/screening",
        "http://203.0.113.7:8080/hook",
        "http://[2001:db8::1]/hook",
        "http://127.0.0.1.evil.example/hook",  # a name that only starts like loopback
        "http://localhost.evil.example/hook",
    ],
)
def test_production_refuses_a_plain_http_webhook(monkeypatch, url):
    config = production(monkeypatch, url)
    with pytest.raises(ConfigError, match=r"WEBHOOK_URL must be an https:// address") as refusal:
        check_safe(config)
    assert "APP_ENV=production" in str(refusal.value)


@pytest.mark.parametrize(
    "url",
    [
        "https://crm.example-clinic.com/hooks/screening",
        "http://127.0.0.1:8123/hook",
        "http://127.5.6.7/hook",
        "http://[::1]:8123/hook",
        "http://localhost:8123/hook",
    ],
)
def test_production_takes_https_or_a_loopback_receiver(monkeypatch, url):
    config = production(monkeypatch, url)
    check_safe(config)
    assert config["WEBHOOK_URL"] == url


def test_outside_production_a_plain_http_webhook_is_still_taken(monkeypatch):
    monkeypatch.delenv("APP_ENV", raising=False)
    monkeypatch.setenv("WEBHOOK_URL", "http://crm.example-clinic.com/hooks/screening")
    monkeypatch.setenv("WEBHOOK_SECRET", "s")
    check_safe(from_environment())
