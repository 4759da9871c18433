"""A booking tool that sends ids only cannot be half set up: the app refuses to start."""

from __future__ import annotations

import pytest

from core.config import ConfigError, check_safe


@pytest.mark.parametrize(
    ("settings", "named"),
    [
        ({"ACUITY_API_KEY": "k", "ACUITY_API_BASE_URL": "https://a.example"}, "ACUITY_USER_ID"),
        ({"JANE_WEBHOOK_SECRET": "s", "JANE_API_BASE_URL": "https://j.example"}, "JANE_API_TOKEN"),
        ({"JANE_WEBHOOK_SECRET": "s", "JANE_API_TOKEN": "t"}, "JANE_API_BASE_URL"),
        (
            {"ACUITY_API_KEY": "k", "ACUITY_USER_ID": "1", "ACUITY_API_BASE_URL": "ftp://x"},
            "ACUITY_API_BASE_URL",
        ),
        (
            {
                "APP_ENV": "production",
                "SECRET_KEY": "x" * 40,
                "PUBLIC_BASE_URL": "https://c.example",
                "JANE_WEBHOOK_SECRET": "s",
                "JANE_API_TOKEN": "t",
                "JANE_API_BASE_URL": "http://j",
            },
            "JANE_API_BASE_URL",
        ),
        ({"ACUITY_LEAD_FIELD_ID": "reference"}, "ACUITY_LEAD_FIELD_ID"),
    ],
)
def test_a_half_set_up_booking_tool_is_refused_at_start_up(settings, named):
    from core.config import from_environment

    config = {**from_environment(), **settings}
    with pytest.raises(ConfigError, match=named):
        check_safe(config)


def test_a_whole_set_up_is_accepted():
    from core.config import from_environment

    check_safe(
        {
            **from_environment(),
            "ACUITY_API_KEY": "k",
            "ACUITY_USER_ID": "1",
            "ACUITY_LEAD_FIELD_ID": "77",
            "JANE_WEBHOOK_SECRET": "s",
            "JANE_API_TOKEN": "t",
            "JANE_API_BASE_URL": "https://jane.example/api",
        }
    )
