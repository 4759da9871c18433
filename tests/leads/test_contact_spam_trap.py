"""The contact form's spam trap: a robot that fills in the hidden field is told "stored",
while nothing is stored, nothing is sent, and the metrics count it; people never meet it."""

from __future__ import annotations

import re

from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import func, select

from core.extensions import db
from leads.models import Lead, OutboxMessage
from tests.console_support import CONTACT
from tests.support import HEALTHY, Walker, token_of

SPAM = {**CONTACT, "website": "https://cheap-pills.example"}


def counts(app) -> tuple[int, int]:
    with app.app_context():
        return (
            db.session.scalar(select(func.count()).select_from(Lead)),
            db.session.scalar(select(func.count()).select_from(OutboxMessage)),
        )


def caught_total(app) -> float:
    text = app.test_client().get("/internal/metrics").get_data(as_text=True)
    return sum(
        sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
        if sample.name == "screening_contact_spam_caught_total"
    )


def without_token(location: str) -> str:
    return re.sub(r"s=[^&]+", "s=TOKEN", location)


def test_a_filled_trap_is_answered_like_a_stored_request_and_stores_and_sends_nothing(
    app_factory, smtp
):
    app = app_factory(
        SMTP_HOST="127.0.0.1",
        SMTP_PORT=smtp.port,
        SMTP_TLS="none",
        CLINIC_NOTIFY_EMAIL="leads@clinic.test",
        MAIL_FROM="screening@clinic.test",
    )
    client = app.test_client()
    before = caught_total(app)

    robot = client.post(
        "/check/contact", data={"s": token_of(Walker(client).complete(HEALTHY)), **SPAM}
    )
    assert robot.status_code == 303
    assert counts(app) == (0, 0)
    assert smtp.messages == []
    assert caught_total(app) == before + 1

    # A person's request, for comparison: the robot got the very same answer.
    person = client.post(
        "/check/contact", data={"s": token_of(Walker(client).complete(HEALTHY)), **CONTACT}
    )
    assert person.status_code == 303
    assert without_token(robot.headers["Location"]) == without_token(person.headers["Location"])
    assert counts(app) == (1, 2)  # the person's lead and its two emails, nothing of the robot's
    assert sorted(m["X-Envelope-To"] for m in smtp.messages) == sorted(
        ["leads@clinic.test", CONTACT["email"]]
    )
    assert caught_total(app) == before + 1


def test_the_trap_is_hidden_from_people_and_their_screen_readers(app):
    client = app.test_client()
    page = client.get(Walker(client).complete(HEALTHY)).get_data(as_text=True)
    trap = re.search(r'<div class="off-screen" aria-hidden="true">(.*?)</div>', page, re.S)
    assert trap, "the contact form has no hidden spam trap"
    assert 'name="website"' in trap.group(1)
    assert 'tabindex="-1"' in trap.group(1) and 'autocomplete="off"' in trap.group(1)
    assert "Leave this field empty" in trap.group(1)
