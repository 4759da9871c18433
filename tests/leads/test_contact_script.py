"""A script that fills in the questionnaire and the contact form is slowed, and the person
whose address it types gets at most one confirmation an hour (review finding 7).

The finding: with the honeypot left empty, a script sent 8 complete questionnaires and
contact requests from one address in one second; 8 leads were stored and 8
confirmation emails went to addresses it chose. Now a contact request is accepted only
CONTACT_MIN_SECONDS after its questionnaire began (the start is sealed in the token, so a
script cannot claim an earlier one), and the outbox sends no confirmation to an address
that had one in the past hour. A person, with JavaScript or without, never meets the
floor; one who somehow does is told kindly and keeps everything they typed.
"""

from __future__ import annotations

import html
import re
import time

import pytest
from sqlalchemy import func, select

from core.extensions import db
from leads.models import Lead, OutboxMessage
from questionnaire.catalogue import STEPS
from tests.support import HEALTHY, Walker, form_fields, hidden_token, token_of

PERSON = {
    "name": "Zoë Example",
    "email": "zoe@example.com",
    "phone": "+44 20 7946 0958",
    "contact_time": "evening",
    "message": "Evenings are hard for me. <b>Really</b>.",
    "consent": "y",
}
TOO_QUICK = "You were quicker than we expected"
TOO_QUICK_ES = "Ha ido más rápido de lo que esperábamos"


def mail_app(app_factory, smtp, **overrides):
    return app_factory(
        SMTP_HOST="127.0.0.1",
        SMTP_PORT=smtp.port,
        SMTP_TLS="none",
        CLINIC_NOTIFY_EMAIL="leads@clinic.test",
        MAIL_FROM="screening@clinic.test",
        RATELIMIT_ENABLED=True,
        RATELIMIT_STORAGE_URI="memory://",
        RATELIMIT_CONFIRMATION_EMAIL="1 per hour",  # the default, which test apps leave off
        **overrides,
    )


def leads_stored(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Lead))


def confirmations_to(smtp, address: str) -> int:
    return sum(1 for m in smtp.messages if m["X-Envelope-To"] == address)


def started_checks(client, count: int) -> list[str]:
    """What a script does first: ``count`` questionnaires answered as fast as it can."""
    return [token_of(Walker(client).complete(HEALTHY)) for _ in range(count)]


def test_a_script_sending_eight_requests_in_a_second_stores_and_sends_nothing(app_factory, smtp):
    app = mail_app(app_factory, smtp, CONTACT_MIN_SECONDS=15)
    client = app.test_client()
    began = time.monotonic()
    tokens = started_checks(client, 8)
    answers = [
        client.post("/check/contact", data={"s": token, **PERSON, "email": f"v{n}@example.com"})
        for n, token in enumerate(tokens)
    ]
    assert time.monotonic() - began < 15
    assert [a.status_code for a in answers] == [422] * 8
    assert TOO_QUICK in answers[0].get_data(as_text=True)
    assert leads_stored(app) == 0
    time.sleep(0.3)  # anything sent after the answers would have arrived by now
    assert smtp.messages == []


def test_a_script_that_waits_out_the_floor_gets_the_per_address_limit_and_one_confirmation(
    app_factory, smtp
):
    """The same script, now paying the wait: at most RATELIMIT_CONTACT leads from its
    address, and the address it types gets one confirmation, however it is spelt."""
    app = mail_app(app_factory, smtp, CONTACT_MIN_SECONDS=1, RATELIMIT_CONTACT="3 per hour")
    client = app.test_client()
    tokens = started_checks(client, 8)
    time.sleep(2.1)
    spellings = ["victim@example.com", "Victim@Example.com", " victim@example.com "]
    answers = [
        client.post(
            "/check/contact", data={"s": token, **PERSON, "email": spellings[n % 3]}
        ).status_code
        for n, token in enumerate(tokens)
    ]
    assert answers == [303] * 3 + [429] * 5
    assert leads_stored(app) == 3
    smtp.wait_for(4)
    time.sleep(0.3)
    assert confirmations_to(smtp, "leads@clinic.test") == 3  # the clinic hears of each lead
    to_victim = [m for m in smtp.messages if "victim@" in m["X-Envelope-To"].lower()]
    assert len(to_victim) == 1
    with app.app_context():
        kept = dict(
            db.session.execute(
                select(OutboxMessage.status, func.count())
                .where(OutboxMessage.kind == "confirmation_email")
                .group_by(OutboxMessage.status)
            ).all()
        )
        reasons = set(
            db.session.scalars(
                select(OutboxMessage.last_error).where(OutboxMessage.status == "skipped")
            )
        )
    assert kept == {"sent": 1, "skipped": 2}  # the outbox page says why
    assert reasons == {"not sent: this address already had its confirmation emails (1 per hour)"}


def test_one_confirmation_an_hour_per_address_not_per_lead(app_factory, smtp):
    """Two people (or one, twice) at one address: the second gets no second email within
    the hour; a different address is not held back; no limit: every one is sent."""
    app = mail_app(app_factory, smtp, CONTACT_MIN_SECONDS=0)
    client = app.test_client()
    for email in ("ana@example.com", "ana@example.com", "ben@example.com"):
        token = token_of(Walker(client).complete(HEALTHY))
        sent = client.post("/check/contact", data={"s": token, **PERSON, "email": email})
        assert sent.status_code == 303
    smtp.wait_for(5)
    time.sleep(0.3)
    assert confirmations_to(smtp, "ana@example.com") == 1
    assert confirmations_to(smtp, "ben@example.com") == 1


def test_a_confirmation_that_failed_is_still_sent_on_its_retry(app_factory, smtp):
    """The hour's allowance is the message's, not each attempt's: a retry is not refused."""
    from datetime import timedelta

    from sqlalchemy import update

    from core.dbtypes import utcnow
    from leads.outbox import deliver_due

    app = mail_app(app_factory, smtp, CONTACT_MIN_SECONDS=0)
    client = app.test_client()
    smtp.stop()
    token = token_of(Walker(client).complete(HEALTHY))
    assert client.post("/check/contact", data={"s": token, **PERSON}).status_code == 303
    smtp.start()
    with app.app_context():
        db.session.execute(
            update(OutboxMessage).values(next_attempt_at=utcnow() - timedelta(seconds=1))
        )
        db.session.commit()
        assert len(deliver_due().sent) == 2
    assert confirmations_to(smtp, "zoe@example.com") == 1


CLINIC_SITE = "https://www.clinic.example"


def walk_to_result(client, where: str) -> str:
    """Answer every step as a browser without JavaScript does, following each form's own
    action (on the site or inside the clinic's iframe); returns the result's token."""
    if where == "/embed/check":
        intro = client.get(f"/embed/?origin={CLINIC_SITE}").get_data(as_text=True)
        start = html.unescape(re.search(r'href="([^"]*/embed/check/start[^"]*)"', intro)[1])
    else:
        start = "/check/start"
    location = client.get(start).headers["Location"]
    for step in STEPS:
        page = client.get(location).get_data(as_text=True)
        action = html.unescape(re.search(r'<form method="post" action="([^"]+)"', page)[1])
        assert action.startswith(f"{where}/{step.id}"), action
        response = client.post(
            action, data={"s": hidden_token(page), **form_fields(HEALTHY, step.id)}
        )
        assert response.status_code == 303
        location = response.headers["Location"]
    assert f"{where}/result" in location
    return token_of(location)


@pytest.mark.parametrize("where", ["/check", "/embed/check"])
def test_a_person_quicker_than_the_floor_is_told_kindly_keeps_everything_and_then_sends(
    app_factory, where
):
    """No JavaScript here (the test client runs none): the page itself says what to do."""
    app = app_factory(CONTACT_MIN_SECONDS=3, EMBED_ALLOWED_ORIGINS=CLINIC_SITE)
    client = app.test_client()
    token = walk_to_result(client, where)

    refused = client.post(f"{where}/contact", data={"s": token, **PERSON})
    assert refused.status_code == 422
    raw = refused.get_data(as_text=True)
    page = html.unescape(raw)
    assert TOO_QUICK in page
    for typed in ("Zoë Example", "zoe@example.com", "+44 20 7946 0958", PERSON["message"]):
        assert typed in page
    assert re.search(r'name="contact_time" value="evening" checked', raw)
    assert re.search(r'name="consent" value="y" checked', raw)
    if where == "/embed/check":
        assert f'data-embed-origin="{CLINIC_SITE}"' in raw  # still inside the iframe
    assert leads_stored(app) == 0

    spanish = client.post(
        f"{where}/contact", data={"s": token, **PERSON}, headers={"Accept-Language": "es"}
    )
    assert spanish.status_code == 422
    assert TOO_QUICK_ES in html.unescape(spanish.get_data(as_text=True))

    time.sleep(3.1)
    sent = client.post(f"{where}/contact", data={"s": token, **PERSON})
    assert sent.status_code == 303 and "/contact/done" in sent.headers["Location"]
    assert leads_stored(app) == 1


def test_the_floor_counts_from_the_start_of_the_check_not_from_the_result(app_factory):
    """Time spent on the steps counts: the result page seals a new token, not a new start."""
    app = app_factory(CONTACT_MIN_SECONDS=2)
    client = app.test_client()
    walker = Walker(client)
    location = walker.start()
    time.sleep(2.1)  # the person reads the first step slowly
    token = token_of(location)
    codec = app.extensions["state_codec"]
    state = codec.loads(token)
    state.answers = dict(HEALTHY)  # …and then answers every step at once
    finished = codec.dumps(state)
    assert client.post("/check/contact", data={"s": finished, **PERSON}).status_code == 303
