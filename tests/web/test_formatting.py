"""The quick ways of writing phone numbers and times (for exports of 100,000 rows) give
exactly what the general ones give: a clinic's import must not see two spellings."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import hypothesis
import phonenumbers
import pytest
from flask_babel import force_locale
from hypothesis import given, settings
from hypothesis import strategies as st

from app import create_app
from core import clinic_time
from web.formatting import datetime_writer, local_datetime, phone_display


def parsed_display(phone: str) -> str:
    """The general way: whatever ``phonenumbers.parse`` makes of the text."""
    try:
        number = phonenumbers.parse(phone, None)
    except phonenumbers.NumberParseException:
        return phone
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def every_regions_examples() -> list[str]:
    numbers = set()
    for region in phonenumbers.SUPPORTED_REGIONS:
        for kind in phonenumbers.PhoneNumberType.values():
            example = phonenumbers.example_number_for_type(region, kind)
            if example is not None:
                numbers.add(
                    phonenumbers.format_number(example, phonenumbers.PhoneNumberFormat.E164)
                )
    return sorted(numbers)


def test_every_regions_example_numbers_read_as_parse_reads_them():
    examples = EXAMPLES
    assert len(examples) > 900  # every region, every kind of line
    assert any(phone_display(n).startswith("+39 0") for n in examples)  # Italy's leading zero
    differing = [n for n in examples if phone_display(n) != parsed_display(n)]
    assert differing == []


EXAMPLES = every_regions_examples()


@settings(max_examples=1000, deadline=None)
@given(st.sampled_from(EXAMPLES), st.integers(min_value=0, max_value=10**7 - 1))
def test_any_valid_number_reads_as_parse_reads_it(example, tail):
    """A stored number is a valid one written as E.164 (leads/forms.py stores only those):
    any such number made from an example by changing its last digits reads the same
    both ways."""
    digits = str(tail).zfill(7)
    phone = example[: max(4, len(example) - len(digits))] + digits[-(len(example) - 4) :]
    phone = phone[: len(example)]
    number = phonenumbers.parse(phone, None)
    stored = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    hypothesis.assume(phonenumbers.is_valid_number(number) and stored == phone)
    assert phone_display(phone) == parsed_display(phone)


def test_text_that_is_no_stored_number_is_left_as_it_is():
    assert phone_display("call me at work") == "call me at work"
    assert phone_display("") == ""
    assert phone_display("020 7946 0958") == "020 7946 0958"


@pytest.mark.parametrize("zone", ["Europe/London", "America/Toronto", "Asia/Kolkata", "UTC"])
@pytest.mark.parametrize("language", ["en", "es"])
def test_datetime_writer_writes_what_local_datetime_writes(zone, language):
    """Every hour of a year, clock changes included, naive (stored UTC) times too."""
    app = create_app({"SECRET_KEY": "x" * 48, "CLINIC_TIME_ZONE": zone, "TESTING": True})
    with app.test_request_context("/"), force_locale(language):
        clinic_time.forget()
        written = datetime_writer()
        start = datetime(2026, 1, 1, 0, 7, tzinfo=UTC)
        moments = [start + timedelta(hours=h, minutes=h % 53) for h in range(0, 365 * 24, 5)]
        moments.append(datetime(2026, 3, 29, 1, 30))  # naive: read as UTC
        assert [written(m) for m in moments] == [local_datetime(m) for m in moments]
