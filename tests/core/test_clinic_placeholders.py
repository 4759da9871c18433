"""In production, every clinic detail a patient would see as a placeholder is named in a
start-up warning (core/clinic_details.py); real details start silently."""

from __future__ import annotations

import logging

import pytest

from app import create_app
from core.config import CLINIC_DEFAULTS

REAL = {
    "CLINIC_NAME": "Clínica Piel Sana",
    "CLINIC_URL": "https://www.pielsana.es/",
    "CLINIC_PHONE": "+34 912 345 678",
    "CLINIC_EMAIL": "privacidad@pielsana.es",
    "BOOKING_URL": "https://www.pielsana.es/cita/",
    "MEDICAL_REVIEW_URL": "https://www.pielsana.es/revision-medica/",
}


@pytest.fixture
def production(monkeypatch, tmp_path):
    """Start the app in production with the clinic settings unset, except ``overrides``."""
    monkeypatch.setenv("APP_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "a" * 64)
    monkeypatch.setenv("PUBLIC_BASE_URL", "https://check.pielsana.es")
    for name in CLINIC_DEFAULTS:
        monkeypatch.delenv(name, raising=False)

    def start(**overrides):
        database = f"sqlite:///{tmp_path / 'clinic.sqlite3'}"
        settings = {"SQLALCHEMY_DATABASE_URI": database, "AUTO_MIGRATE": True, **overrides}
        return create_app(settings, instance_path=str(tmp_path))

    return start


def warnings_of(caplog) -> dict[str, str]:
    """The clinic-detail warnings logged, by the setting each one names first."""
    found = {}
    for record in caplog.records:
        if record.name == "core.clinic_details":
            assert record.levelno == logging.WARNING
            message = record.getMessage()
            found[message.split()[0]] = message
    return found


def test_the_defaults_are_each_named_in_a_warning(production, caplog):
    with caplog.at_level(logging.WARNING):
        production()
    warned = warnings_of(caplog)
    assert set(warned) == set(CLINIC_DEFAULTS)
    assert "'+1 (555) 010-0199' is a fictitious number" in warned["CLINIC_PHONE"]
    assert "Trilogy Medical Center" in warned["CLINIC_NAME"]
    assert "CLINIC_EMAIL is not set" in warned["CLINIC_EMAIL"]
    for name, message in warned.items():
        assert f"set {name} to the clinic's own" in message


@pytest.mark.parametrize(
    ("name", "value", "why"),
    [
        ("CLINIC_PHONE", "+1 212 555 0142", "fictitious number"),
        ("CLINIC_PHONE", "(555) 867-5309", "fictitious number"),
        ("CLINIC_EMAIL", "privacy@example.com", "example address"),
        ("CLINIC_EMAIL", "front-desk@example-clinic.com", "example address"),
        ("CLINIC_URL", "https://www.example-clinic.com/", "example address"),
        ("BOOKING_URL", "https://clinic.test/book", "example address"),
        ("CLINIC_NAME", "", "is not set"),
    ],
)
def test_example_addresses_and_fictitious_numbers_are_placeholders(
    production, caplog, name, value, why
):
    with caplog.at_level(logging.WARNING):
        production(**{**REAL, name: value})
    warned = warnings_of(caplog)
    assert list(warned) == [name]
    assert why in warned[name]
    if value:
        assert repr(value) in warned[name]


def test_real_clinic_details_start_silently(production, caplog):
    with caplog.at_level(logging.WARNING):
        app = production(**REAL)
    assert warnings_of(caplog) == {}
    assert app.config["CLINIC_PHONE"] == "+34 912 345 678"


def test_a_default_set_in_the_environment_is_confirmed(production, monkeypatch, caplog):
    """The seed clinic itself sets its own name and addresses: they are no placeholders."""
    for name in ("CLINIC_NAME", "CLINIC_URL", "BOOKING_URL", "MEDICAL_REVIEW_URL"):
        monkeypatch.setenv(name, CLINIC_DEFAULTS[name])
    monkeypatch.setenv("CLINIC_PHONE", "+1 212 736 5000")
    monkeypatch.setenv("CLINIC_EMAIL", "privacy@trilogymedicalcenter.com")
    with caplog.at_level(logging.WARNING):
        production()
    assert warnings_of(caplog) == {}


def test_outside_production_the_defaults_are_not_warned_about(monkeypatch, caplog, tmp_path):
    monkeypatch.delenv("APP_ENV", raising=False)
    with caplog.at_level(logging.WARNING):
        create_app({"TESTING": True}, instance_path=str(tmp_path))
    assert warnings_of(caplog) == {}
