"""CONTACT_MIN_SECONDS, the contact form's time floor (leads/spam.py): a whole number of
seconds, 0 turning it off; anything else stops start-up and names the setting. Apps
built for tests that do not set it have none (they walk the questionnaire in
milliseconds); the tests about it set it."""

from __future__ import annotations

import pytest

from app import create_app
from core.config import CONTACT_MIN_SECONDS, ConfigError, from_environment


def test_the_default_is_below_any_person_and_above_any_script(monkeypatch):
    monkeypatch.delenv("CONTACT_MIN_SECONDS", raising=False)
    assert from_environment()["CONTACT_MIN_SECONDS"] == CONTACT_MIN_SECONDS == 15


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("-1", "CONTACT_MIN_SECONDS must be 0 or more, got -1"),
        ("fifteen", "CONTACT_MIN_SECONDS must be a whole number, got 'fifteen'"),
        ("1.5", "CONTACT_MIN_SECONDS must be a whole number, got '1.5'"),
    ],
)
def test_a_bad_floor_stops_start_up(monkeypatch, value, message):
    monkeypatch.setenv("CONTACT_MIN_SECONDS", value)
    with pytest.raises(ConfigError, match=message):
        from_environment()


def test_zero_turns_the_floor_off_and_a_number_is_kept(monkeypatch):
    monkeypatch.setenv("CONTACT_MIN_SECONDS", "0")
    assert from_environment()["CONTACT_MIN_SECONDS"] == 0
    monkeypatch.setenv("CONTACT_MIN_SECONDS", "30")
    assert from_environment()["CONTACT_MIN_SECONDS"] == 30


def test_a_bad_floor_given_to_the_factory_stops_it_too(tmp_path):
    with pytest.raises(ConfigError, match="CONTACT_MIN_SECONDS"):
        create_app(
            {"TESTING": True, "SECRET_KEY": "k", "CONTACT_MIN_SECONDS": -5},
            instance_path=str(tmp_path),
        )


def test_test_apps_have_no_floor_unless_they_ask_for_one(monkeypatch, tmp_path):
    monkeypatch.delenv("CONTACT_MIN_SECONDS", raising=False)
    bare = create_app({"TESTING": True, "SECRET_KEY": "k"}, instance_path=str(tmp_path))
    assert bare.config["CONTACT_MIN_SECONDS"] == 0
    asked = create_app(
        {"TESTING": True, "SECRET_KEY": "k", "CONTACT_MIN_SECONDS": 20},
        instance_path=str(tmp_path),
    )
    assert asked.config["CONTACT_MIN_SECONDS"] == 20
    production_like = create_app({"SECRET_KEY": "k"}, instance_path=str(tmp_path))
    assert production_like.config["CONTACT_MIN_SECONDS"] == 15


def test_the_confirmations_limit_per_address_is_one_an_hour_and_checked(monkeypatch, tmp_path):
    monkeypatch.delenv("RATELIMIT_CONFIRMATION_EMAIL", raising=False)
    assert from_environment()["RATELIMIT_CONFIRMATION_EMAIL"] == "1 per hour"
    production_like = create_app({"SECRET_KEY": "k"}, instance_path=str(tmp_path))
    assert production_like.config["RATELIMIT_CONFIRMATION_EMAIL"] == "1 per hour"
    bare = create_app({"TESTING": True, "SECRET_KEY": "k"}, instance_path=str(tmp_path))
    assert bare.config["RATELIMIT_CONFIRMATION_EMAIL"] == ""  # tests that are about it set it
    monkeypatch.setenv("RATELIMIT_CONFIRMATION_EMAIL", "once an hour")
    with pytest.raises(ConfigError, match="RATELIMIT_CONFIRMATION_EMAIL must be a limit"):
        create_app({"SECRET_KEY": "k"}, instance_path=str(tmp_path))
