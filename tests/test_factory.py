"""The application factory: configuration from the environment, safe defaults, loud failures."""

import pytest

from app import create_app
from core.config import DEV_SECRET_KEY, ConfigError
from tests.signoff_support import sign_as_clinician


def test_defaults_name_the_seed_clinic_and_its_free_consultation(monkeypatch, tmp_path):
    monkeypatch.delenv("CLINIC_NAME", raising=False)
    app = create_app({"TESTING": True})
    assert app.config["CLINIC_NAME"] == "Trilogy Medical Center"
    page = app.test_client().get("/").get_data(as_text=True)
    assert "Trilogy Medical Center" in page


def test_clinic_settings_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("CLINIC_NAME", "Clínica Piel Sana")
    monkeypatch.setenv("BOOKING_URL", "https://example.test/book")
    monkeypatch.setenv("FLOW_TOKEN_MAX_AGE", "60")
    app = create_app({"TESTING": True})
    assert app.config["CLINIC_NAME"] == "Clínica Piel Sana"
    assert app.config["BOOKING_URL"] == "https://example.test/book"
    assert app.config["FLOW_TOKEN_MAX_AGE"] == 60


def test_a_malformed_number_setting_stops_start_up(monkeypatch):
    monkeypatch.setenv("FLOW_TOKEN_MAX_AGE", "an hour")
    with pytest.raises(ConfigError, match="FLOW_TOKEN_MAX_AGE"):
        create_app({"TESTING": True})


@pytest.mark.parametrize("secret", [None, "", DEV_SECRET_KEY])
def test_production_refuses_the_development_secret_key(monkeypatch, secret):
    monkeypatch.setenv("APP_ENV", "production")
    if secret is None:
        monkeypatch.delenv("SECRET_KEY", raising=False)
    else:
        monkeypatch.setenv("SECRET_KEY", secret)
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        create_app()


def test_production_starts_with_a_real_secret_key(monkeypatch):
    monkeypatch.setenv("APP_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "a" * 64)
    monkeypatch.setenv("PUBLIC_BASE_URL", "https://check.example-clinic.com")
    assert create_app().config["APP_ENV"] == "production"


def test_production_refuses_to_guess_its_public_address(monkeypatch):
    monkeypatch.setenv("APP_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "a" * 64)
    monkeypatch.delenv("PUBLIC_BASE_URL", raising=False)
    with pytest.raises(ConfigError, match="PUBLIC_BASE_URL"):
        create_app()


def test_only_the_configured_host_names_are_served(monkeypatch, tmp_path):
    """A forged Host header gets a 400, never a page or a redirect naming it."""
    monkeypatch.setenv("APP_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "a" * 64)
    monkeypatch.setenv("PUBLIC_BASE_URL", "https://check.example-clinic.com")
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'h.sqlite3'}",
                      "AUTO_MIGRATE": True}, instance_path=str(tmp_path))  # fmt: skip
    assert app.config["TRUSTED_HOSTS"] == ["check.example-clinic.com"]
    sign_as_clinician(app)  # production serves the check only with signed rules
    client = app.test_client()
    served = client.get("/check/start", base_url="https://check.example-clinic.com")
    assert served.status_code == 303
    # Host names are case-insensitive: a client that keeps the capitals is served too.
    shouted = client.get(
        "/check/start",
        base_url="https://check.example-clinic.com",
        headers={"Host": "Check.Example-Clinic.COM"},  # base_url alone would be lowered
    )
    assert shouted.status_code == 303
    assert shouted.headers["Location"].startswith("/check/")
    for host in ("evil.example", "localhost", "check.example-clinic.com.evil.example"):
        for path in ("/check/start", "/staff/sign-in", "/api/v1/questionnaire", "/nowhere"):
            refused = client.get(path, base_url=f"https://{host}")
            assert refused.status_code == 400, (host, path)
            assert host not in refused.get_data(as_text=True)
            assert "Location" not in refused.headers


def test_trusted_hosts_can_be_listed(monkeypatch):
    monkeypatch.setenv("TRUSTED_HOSTS", "check.example.com, .example.org")
    assert create_app({"TESTING": True}).config["TRUSTED_HOSTS"] == [
        "check.example.com",
        ".example.org",
    ]


def test_instance_folder_is_created_on_first_run(tmp_path):
    instance = tmp_path / "fresh" / "instance"
    create_app({"TESTING": True}, instance_path=str(instance))
    assert instance.is_dir()


def test_a_webhook_that_is_not_http_stops_start_up(monkeypatch):
    monkeypatch.setenv("WEBHOOK_URL", "file:///etc/passwd")
    monkeypatch.setenv("WEBHOOK_SECRET", "s")
    with pytest.raises(ConfigError, match="WEBHOOK_URL"):
        create_app({"TESTING": True})


def test_a_lease_shorter_than_a_send_could_take_stops_start_up(monkeypatch):
    """A claim must outlast its sender's timeouts, or a second sender could send it again."""
    monkeypatch.setenv("WEBHOOK_TIMEOUT", "10")
    monkeypatch.setenv("OUTBOX_LEASE_SECONDS", "15")
    with pytest.raises(ConfigError, match="OUTBOX_LEASE_SECONDS"):
        create_app({"TESTING": True})
    monkeypatch.setenv("OUTBOX_LEASE_SECONDS", "21")
    assert create_app({"TESTING": True}).config["OUTBOX_LEASE_SECONDS"] == 21
