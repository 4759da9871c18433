"""The quick ways of writing phone numbers and times (for exports of 100,000 rows) give
exactly what the general ones give: a clinic's import must not see two spellings."""

from __future__ import annotations

import random
import re._parser as re_parser  # how a pattern is built, to make numbers it matches
from datetime import UTC, datetime, timedelta
from re._constants import BRANCH, IN, LITERAL, RANGE, SUBPATTERN

import hypothesis
import phonenumbers
import pytest
from flask_babel import force_locale
from hypothesis import given, settings
from hypothesis import strategies as st

from app import create_app
from core import clinic_time
from web.formatting import (
    _groupings,
    _international,
    _stored_parts,
    datetime_writer,
    local_datetime,
    phone_display,
)

INTERNATIONAL = phonenumbers.PhoneNumberFormat.INTERNATIONAL


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


def digits_matched(pattern: str, rng: random.Random) -> str:
    """Digits that ``pattern`` (a phone format's leading digits: digits, classes, groups,
    alternatives, repeats) matches at its start, picked at random."""

    def walk(items) -> str:
        out = ""
        for op, value in items:
            if op is LITERAL:
                out += chr(value)
            elif op is IN:
                allowed = set()
                for kind, item in value:
                    if kind is LITERAL:
                        allowed.add(chr(item))
                    elif kind is RANGE:
                        allowed.update(chr(c) for c in range(item[0], item[1] + 1))
                    else:  # \d
                        allowed.update(DIGITS)
                out += rng.choice(sorted(allowed & set(DIGITS)))
            elif op is BRANCH:
                out += walk(rng.choice(value[1]))
            elif op is SUBPATTERN:
                out += walk(value[-1])
            else:  # a repeat
                low, high, repeated = value
                out += "".join(walk(repeated) for _ in range(rng.randint(low, min(high, low + 2))))
        return out

    return walk(re_parser.parse(pattern))


DIGITS = "0123456789"


def as_parsed(code: int, national: str) -> phonenumbers.PhoneNumber:
    """The number ``phonenumbers.parse`` reads from ``+{code}{national}``: its national
    number's leading zeros kept only before another digit ("0" alone has none, "000" two)."""
    zeros = len(national[:-1]) - len(national[:-1].lstrip("0"))
    return phonenumbers.PhoneNumber(
        country_code=code,
        national_number=int(national),
        italian_leading_zero=True if zeros else None,
        number_of_leading_zeros=zeros if zeros > 1 else None,
    )


def test_numbers_are_grouped_as_format_number_groups_them_in_every_country():
    """``_international`` (each country's formats compiled once) against
    ``phonenumbers.format_number``: for every country, numbers that fit each of its
    formats (its leading digits, then any digits, at every length), and numbers of any
    digits, leading zeros too, valid or not."""
    rng = random.Random(11)
    fitted = set()
    compared = 0
    for code in phonenumbers.COUNTRY_CODE_TO_REGION_CODE:
        nationals = [
            "".join(rng.choice(DIGITS) for _ in range(rng.randint(2, 14))) for _ in range(60)
        ]
        for index, (leading, pattern, _rule, _groups) in enumerate(_groupings(code)):
            for _ in range(5):
                start = digits_matched(leading.pattern, rng) if leading else ""
                for size in range(len(start), 16):
                    national = start + "".join(rng.choice(DIGITS) for _ in range(size - len(start)))
                    nationals.append(national)
                    if pattern.fullmatch(national):
                        fitted.add((code, index))
        for national in nationals:
            if _stored_parts(f"+{code}{national}") != (code, national):  # too long for E.164
                continue
            expected = phonenumbers.format_number(as_parsed(code, national), INTERNATIONAL)
            assert _international(code, national) == expected, (code, national)
            compared += 1
    assert compared > 40_000
    assert len(fitted) == sum(
        len(_groupings(code)) for code in phonenumbers.COUNTRY_CODE_TO_REGION_CODE
    )


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
