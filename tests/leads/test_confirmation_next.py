"""The confirmation after a contact request says, in plain words, what happens next and
when (CLINIC_REPLY_TIME), and leads back to the person's result; the email says the same."""

from __future__ import annotations

import re
from html import unescape

import pytest

from core.config import ConfigError, from_environment
from tests.console_support import submit_contact
from tests.support import Walker, token_of


def confirmation(client, walker, outcome="clinician_review") -> tuple[str, str]:
    response, token = submit_contact(client, walker, outcome)
    assert response.status_code == 303
    page = client.get(response.headers["Location"])
    assert page.status_code == 200
    return page.get_data(as_text=True), token


def test_it_says_who_replies_and_when_with_no_technical_wording(db_client, db_walker):
    page, _token = confirmation(db_client, db_walker)
    text = unescape(re.sub(r"<[^>]+>", " ", page))
    assert "will contact you within one working day about your result" in " ".join(text.split())
    assert "They contact you within one working day" in text
    for technical in ("stored", "second request", "sending this again"):
        assert technical not in text.lower()


def test_it_links_back_to_the_same_result(db_client, db_walker):
    page, token = confirmation(db_client, db_walker, "see_dermatologist")
    link = re.search(r'<a class="back-link" href="([^"]+)">Back to your result</a>', page)
    assert link and token_of(unescape(link.group(1))) == token
    result = db_client.get(unescape(link.group(1)))
    assert result.status_code == 200
    assert "Please see a dermatologist first" in result.get_data(as_text=True)


@pytest.mark.parametrize(
    ("setting", "words"),
    [((4, "hours"), "within 4 hours"), ((1, "hours"), "within one hour"),
     ((2, "working_days"), "within 2 working days")],
)  # fmt: skip
def test_the_reply_time_is_the_clinics_setting(app_factory, setting, words):
    app = app_factory(CLINIC_REPLY_TIME=setting)
    client = app.test_client()
    page, _token = confirmation(client, Walker(client))
    assert f"will contact you {words} about your result" in page
    assert "within one working day" not in page  # not the default


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("", (1, "working_days")), ("4 hours", (4, "hours")), ("1 Working Day", (1, "working_days")),
     ("2  working days", (2, "working_days"))],
)  # fmt: skip
def test_the_reply_time_is_read_from_the_environment(monkeypatch, raw, expected):
    monkeypatch.setenv("CLINIC_REPLY_TIME", raw)
    assert from_environment()["CLINIC_REPLY_TIME"] == expected


@pytest.mark.parametrize("raw", ["soon", "0 hours", "2 weeks", "one working day", "-1 hours"])
def test_a_reply_time_it_cannot_say_stops_start_up(monkeypatch, raw):
    monkeypatch.setenv("CLINIC_REPLY_TIME", raw)
    with pytest.raises(ConfigError, match="CLINIC_REPLY_TIME"):
        from_environment()


def test_the_confirmation_email_says_the_same_reply_time(app_factory, smtp):
    app = app_factory(
        SMTP_TLS="none", SMTP_HOST="127.0.0.1", SMTP_PORT=smtp.port,
        MAIL_FROM="screening@clinic.test", CLINIC_REPLY_TIME=(3, "hours"),
    )  # fmt: skip
    client = app.test_client()
    submit_contact(client, Walker(client), "book_consultation")
    person = next(m for m in smtp.messages if m["X-Envelope-To"] == "zoe@example.com")
    body = person.get_payload(decode=True).decode(person.get_content_charset())
    assert "We will contact you within 3 hours." in body
    assert "We will try to reach you in the morning." in body
