"""The clinic's clock: typed times across the clocks' changes, its days, and where its zone
comes from (the admin's setting, else CLINIC_TIME_ZONE, also when the setting cannot be used)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy.exc import OperationalError

from core import clinic_settings, clinic_time
from core.extensions import db


def _set_zone(app, value: str) -> None:
    with app.app_context():
        clinic_settings.set_text("time_zone", value, by=None)
        db.session.commit()


@pytest.fixture
def london(app_factory):
    return app_factory(CLINIC_TIME_ZONE="Europe/London")


def test_a_typed_time_is_the_clinics_wall_clock_across_a_change_of_the_clocks(london):
    with london.test_request_context():
        # Summer: 10:00 in London is 09:00 UTC; winter: the same.
        assert clinic_time.from_clinic_clock(datetime(2026, 7, 1, 10)) == datetime(
            2026, 7, 1, 9, tzinfo=UTC
        )
        assert clinic_time.from_clinic_clock(datetime(2026, 12, 1, 10)) == datetime(
            2026, 12, 1, 10, tzinfo=UTC
        )
        # 29 March 2026: 01:00 becomes 02:00. A skipped 01:30 lands just after the change.
        skipped = clinic_time.from_clinic_clock(datetime(2026, 3, 29, 1, 30))
        assert skipped == datetime(2026, 3, 29, 1, 30, tzinfo=UTC)
        assert clinic_time.in_clinic_time(skipped).strftime("%H:%M %Z") == "02:30 BST"
        # 25 October 2026: 02:00 goes back to 01:00. A repeated 01:30 is the first one.
        repeated = clinic_time.from_clinic_clock(datetime(2026, 10, 25, 1, 30))
        assert repeated == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)
        # An hour later on the clock is two hours later in fact on that day.
        after = clinic_time.from_clinic_clock(datetime(2026, 10, 25, 2, 30))
        assert (after - repeated).total_seconds() == 2 * 3600


def test_the_clinics_day_is_23_or_25_hours_when_the_clocks_change(london):
    with london.test_request_context():
        spring = date(2026, 3, 29)
        assert clinic_time.start_of_day(spring) == datetime(2026, 3, 29, 0, tzinfo=UTC)
        assert clinic_time.end_of_day(spring) == datetime(2026, 3, 29, 23, tzinfo=UTC)
        autumn = date(2026, 10, 25)
        assert clinic_time.start_of_day(autumn) == datetime(2026, 10, 24, 23, tzinfo=UTC)
        assert clinic_time.end_of_day(autumn) == datetime(2026, 10, 26, 0, tzinfo=UTC)


def test_a_stored_time_shows_on_the_clinics_clock(london):
    _set_zone(london, "Pacific/Auckland")
    with london.test_request_context():
        moment = datetime(2026, 12, 3, 23, 30, tzinfo=UTC)
        assert clinic_time.in_clinic_time(moment) == datetime(
            2026, 12, 4, 12, 30, tzinfo=clinic_time.clinic_zone()
        )
        naive = datetime(2026, 12, 3, 23, 30)  # read as UTC, never as the server's zone
        assert clinic_time.in_clinic_time(naive) == clinic_time.in_clinic_time(moment)
        assert clinic_time.clinic_now().tzinfo == clinic_time.clinic_zone()
        assert clinic_time.today() == clinic_time.clinic_now().date()


def test_the_admins_setting_wins_over_the_deployments_zone(london):
    with london.test_request_context():
        assert clinic_time.zone_name() == "Europe/London"  # nothing set yet
    _set_zone(london, "America/Los_Angeles")
    with london.test_request_context():
        assert clinic_time.zone_name() == "America/Los_Angeles"


@pytest.mark.parametrize("stored", ["Mars/Olympus_Mons", "localtime", "Factory", "../etc"])
def test_a_setting_that_is_no_zone_falls_back_to_the_deployments(london, stored):
    _set_zone(london, stored)
    with london.test_request_context():
        assert clinic_time.zone_name() == "Europe/London"
        assert str(clinic_time.clinic_zone()) == "Europe/London"


def test_a_database_that_cannot_be_read_falls_back_to_the_deployments_zone(london, monkeypatch):
    def unreadable(key):
        raise OperationalError("SELECT", {}, Exception("the database is down"))

    monkeypatch.setattr(clinic_settings, "text", unreadable)
    with london.test_request_context():
        assert clinic_time.zone_name() == "Europe/London"


def test_forget_reads_the_zone_again_within_a_request(london):
    with london.test_request_context():
        assert clinic_time.zone_name() == "Europe/London"
        clinic_settings.set_text("time_zone", "Asia/Tokyo", by=None)
        db.session.commit()
        assert clinic_time.zone_name() == "Europe/London"  # read once per request
        clinic_time.forget()
        assert clinic_time.zone_name() == "Asia/Tokyo"


def test_only_places_are_zones():
    assert clinic_time.valid_zone("Europe/Madrid") and clinic_time.valid_zone("UTC")
    for name in ("localtime", "Factory", "europe/madrid", "", "Europe/Atlantis"):
        assert not clinic_time.valid_zone(name)


@pytest.mark.parametrize("name", ["Mars/Olympus", "localtime", "Factory", "+05:30"])
def test_the_deployment_is_refused_a_zone_that_is_no_place(monkeypatch, name):
    from core.config import ConfigError, from_environment

    monkeypatch.setenv("CLINIC_TIME_ZONE", name)
    with pytest.raises(ConfigError, match="CLINIC_TIME_ZONE"):
        from_environment()
