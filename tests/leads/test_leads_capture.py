"""Asking to be contacted: consent, validation, one transaction, one lead per questionnaire."""

from __future__ import annotations

import html
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import func, select

import rules
from core import counters
from core.extensions import db
from leads.consent import CONSENT_VERSION
from leads.models import Lead, OutboxMessage
from tests.console_support import CONTACT, submit_contact
from tests.support import BY_OUTCOME, HEALTHY, Walker, token_of


def lead_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Lead))


@pytest.mark.parametrize("outcome", list(BY_OUTCOME))
def test_every_result_page_offers_the_contact_form_in_fitting_words(db_client, db_walker, outcome):
    page = db_client.get(db_walker.complete(BY_OUTCOME[outcome])).get_data(as_text=True)
    assert 'action="/check/contact"' in page
    assert 'name="consent"' in page
    assert "is deleted after" not in page  # sanity: the text names what is stored and why
    assert "stores my name, contact details and message, my answers" in page
    heading = re.search(r'<h2 id="contact-title">([^<]+)</h2>', page).group(1)
    if outcome == "not_suitable_now":
        assert "talk about it later" in heading
        assert "book" not in heading.lower()
    if outcome == "see_dermatologist":
        assert "book" not in heading.lower()


def test_a_lead_stores_answers_decision_rulebase_consent_and_source(db_app, db_client, db_walker):
    response, _token = submit_contact(db_client, db_walker, "clinician_review")
    assert response.status_code == 303
    assert "/check/contact/done" in response.headers["Location"]
    confirmation = db_client.get(response.headers["Location"])
    assert confirmation.status_code == 200
    assert "the clinic has your request" in confirmation.get_data(as_text=True)

    expected = rules.evaluate(BY_OUTCOME["clinician_review"])
    with db_app.app_context():
        lead = db.session.scalars(select(Lead)).one()
        assert lead.name == "Zoë Example"
        assert lead.email == "zoe@example.com"
        assert lead.phone == "+442079460958"  # stored in E.164
        assert lead.contact_time == "morning"
        # The catalogue's order for scar types, as the wizard stores them.
        assert lead.answers == {
            **BY_OUTCOME["clinician_review"],
            "scar_types": ["boxcar", "rolling"],
        }
        assert lead.outcome == "clinician_review"
        assert [(r["key"], r["rule"]) for r in lead.reasons] == [
            (r.key, r.rule) for r in expected.reasons
        ]
        assert lead.rulebase_version == expected.rulebase.version
        assert lead.rulebase_sha256 == expected.rulebase.sha256
        assert lead.consent_version == CONSENT_VERSION
        assert lead.consented_at is not None
        assert lead.lang == "en"
        assert (lead.source, lead.embed_origin, lead.status) == ("site", "", "new")


def test_without_consent_nothing_is_stored_and_the_form_says_why(db_app, db_client, db_walker):
    response, _token = submit_contact(db_client, db_walker, consent="")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'id="contact-error-summary"' in page and "autofocus" in page
    assert "Tick the box to agree" in page
    assert 'value="Zoë Example"' in page  # what was typed is kept
    assert lead_count(db_app) == 0


def test_bad_contact_details_name_every_error(db_app, db_client, db_walker):
    response, _ = submit_contact(
        db_client, db_walker, name="", email="not-an-email", phone="12", contact_time="noon"
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    for message in ("Enter your name.", "Enter an email address like", "Enter a phone number"):
        assert message in page
    assert "Not a valid choice" in page or "contact-time-0" in page
    assert lead_count(db_app) == 0


@pytest.mark.parametrize(
    "name", ["Zoë\r\nYou won a prize: http://evil.example", "Zoë\nExample", "Zoë\tExample",
             "Zoë\u2028Example", "Zo\x00ë", "Zoë \u202eelpmaxE"],
)  # fmt: skip
def test_a_name_is_one_line_of_plain_text(db_app, db_client, db_walker, name):
    """A line break in a name could pass for another field in the console, CSV or an email."""
    response, _ = submit_contact(db_client, db_walker, name=name)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Your name can only be one line, without special characters." in page
    assert 'value="zoe@example.com"' in page  # every other answer kept
    assert lead_count(db_app) == 0


def test_names_that_need_joiners_are_accepted(db_app, db_client, db_walker):
    response, _ = submit_contact(db_client, db_walker, name="مهر\u200cنوش")  # Mehrnoush
    assert response.status_code == 303
    assert lead_count(db_app) == 1


def test_email_or_phone_is_needed(db_app, db_client, db_walker):
    response, _ = submit_contact(db_client, db_walker, email="", phone="")
    assert response.status_code == 422
    assert "Enter an email address or a phone number" in response.get_data(as_text=True)
    response, _ = submit_contact(db_client, db_walker, email="", phone="(555) 010-0199")
    assert response.status_code in (303, 422)  # 555-01xx numbers are fictional in the US plan


def test_international_phone_formats_are_accepted(db_app, db_client, db_walker):
    response, _ = submit_contact(db_client, db_walker, phone="+1 212 555 0123")
    assert response.status_code == 303, response.get_data(as_text=True)[:500]
    with db_app.app_context():
        assert db.session.scalars(select(Lead.phone)).one() == "+12125550123"


@pytest.mark.parametrize("region", ["US", "GB", "ES"])
def test_the_phone_errors_examples_are_numbers_the_form_accepts(app_factory, region):
    """The clinic's region decides how a number without + is read; the example follows it."""
    app = app_factory(PHONE_DEFAULT_REGION=region)
    client = app.test_client()
    refused, _ = submit_contact(client, Walker(client), phone="12")
    assert refused.status_code == 422
    examples = re.search(r"Enter a phone number, like (.+?) or (\+.+?)\.<", refused.get_data(True))
    assert examples, "the error gives a local and an international example"
    for example in examples.groups():
        client = app.test_client()
        accepted, _ = submit_contact(client, Walker(client), phone=html.unescape(example))
        assert accepted.status_code == 303, (region, example)


def test_a_phone_number_longer_than_40_characters_is_refused(db_client, db_walker):
    padded = "+1" + " " * 30 + "212 555 0123"  # a real number, but 44 characters
    response, _ = submit_contact(db_client, db_walker, phone=padded)
    assert response.status_code == 422
    assert "Enter a phone number, like" in response.get_data(as_text=True)


def test_the_confirmation_says_how_to_change_it_with_a_number_that_dials(db_client, db_walker):
    response, _ = submit_contact(db_client, db_walker)
    page = db_client.get(response.headers["Location"]).get_data(as_text=True)
    dial = '<a class="phone" href="tel:+15550100199">'
    assert f"To change or delete what you sent, call {dial}" in page


def test_a_double_submit_or_replay_keeps_one_lead(db_app, db_client, db_walker):
    first, token = submit_contact(db_client, db_walker)
    again = db_client.post("/check/contact", data={"s": token, **CONTACT})
    assert again.status_code == 303
    # The same confirmation, without the "just sent" flag: no second contact_requested event.
    assert first.headers["Location"].endswith("&sent=1")
    assert again.headers["Location"] == first.headers["Location"].removesuffix("&sent=1")
    assert lead_count(db_app) == 1
    page = db_client.get(again.headers["Location"]).get_data(as_text=True)
    assert "Thank you: the clinic has your request" in page and "already sent a request" not in page
    assert "Zoë Example" not in page  # whoever holds the link sees no contact detail


def test_sending_other_details_again_says_they_were_not_saved(db_app, db_client, db_walker):
    """A corrected email sent after the first request must not vanish without a word."""
    _first, token = submit_contact(db_client, db_walker)
    corrected = {**CONTACT, "name": "Zoe Other", "email": "zoe.other@example.com"}
    again = db_client.post("/check/contact", data={"s": token, **corrected})
    assert again.status_code == 303 and "kept=1" in again.headers["Location"]
    page = db_client.get(again.headers["Location"]).get_data(as_text=True)
    assert "You had already sent a request from this check" in page
    assert 'call <a class="phone" href="tel:' in page
    # Neither the details kept nor the ones sent: whoever holds the link may not be the person.
    assert "The clinic has the ones you sent first" in page
    assert "zoe@example.com" not in page and "7946 0958" not in page
    assert "zoe.other@example.com" not in page
    with db_app.app_context():
        assert db.session.scalars(select(Lead.email)).all() == ["zoe@example.com"]


def test_posted_answers_are_never_trusted(db_app, db_client, db_walker):
    result_url = db_walker.complete(HEALTHY)
    db_client.post(
        "/check/contact",
        data={"s": token_of(result_url), **CONTACT, "pregnant_or_breastfeeding": "yes"},
    )
    with db_app.app_context():
        assert db.session.scalars(select(Lead.outcome)).one() == "book_consultation"


def test_a_forged_or_missing_token_stores_nothing(db_app, db_client):
    response = db_client.post("/check/contact", data={"s": "forged", **CONTACT})
    assert response.status_code == 303
    assert "notice=invalid" in response.headers["Location"]
    response = db_client.post("/check/contact", data=CONTACT)
    assert "notice=missing" in response.headers["Location"]
    assert lead_count(db_app) == 0


def test_a_failure_mid_transaction_stores_nothing_and_says_so(
    db_app, db_client, db_walker, monkeypatch
):
    """The lead is written, then its notification is refused (NOT NULL): none of it stays."""
    from leads import outbox

    monkeypatch.setattr(outbox, "kinds_for", lambda email: ["clinic_email", None])
    response, _ = submit_contact(db_client, db_walker)
    assert response.status_code == 503
    assert "We could not confirm your request" in response.get_data(as_text=True)
    assert lead_count(db_app) == 0
    with db_app.app_context():
        assert ("lead", "book_consultation") not in counters.totals(*_today())
        assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 0


def _today():
    from core.dbtypes import utcnow

    today = utcnow().date()
    return today, today


def test_anonymous_counts_follow_the_flow_without_personal_data(db_app, db_client, db_walker):
    submit_contact(db_client, db_walker, "not_suitable_now")
    with db_app.app_context():
        totals = counters.totals(*_today())
    assert totals[("started", "")] == 1
    assert totals[("step", "scars")] == 1 and totals[("step", "about")] == 1
    assert totals[("completed", "not_suitable_now")] == 1
    assert totals[("lead", "not_suitable_now")] == 1


def test_a_flow_started_in_an_allowed_embed_is_stored_as_embedded(app_factory):
    from questionnaire.catalogue import QUESTIONS
    from questionnaire.state import FlowState
    from tests.support import HEALTHY

    app = app_factory(EMBED_ALLOWED_ORIGINS=("https://clinic.example",))
    codec = app.extensions["state_codec"]
    answers = {q.id: HEALTHY[q.id] for q in QUESTIONS}
    client = app.test_client()
    for origin in ("https://clinic.example", "https://evil.example"):
        token = codec.dumps(FlowState(f"flow-{origin}", answers, embed={"origin": origin}))
        response = client.post("/check/contact", data={"s": token, **CONTACT})
        assert response.status_code == 303
    with app.app_context():
        rows = db.session.execute(select(Lead.source, Lead.embed_origin).order_by(Lead.id)).all()
    # An origin that is not allowed (a token sealed before the setting changed) is not trusted.
    assert [tuple(r) for r in rows] == [("embed", "https://clinic.example"), ("site", "")]


@pytest.mark.parametrize("outcome", list(BY_OUTCOME))
def test_the_confirmation_gives_the_reference_what_happens_next_and_the_booking_link(
    db_app, db_client, db_walker, outcome
):
    """The reference shown is the one the lead keeps (the console's search finds it) and the
    one the result page showed; a person who may book gets the booking link itself."""
    result_url = db_walker.complete(BY_OUTCOME[outcome])
    result_page = db_client.get(result_url).get_data(as_text=True)
    response = db_client.post(
        "/check/contact", data={"s": token_of(result_url), **CONTACT}, follow_redirects=True
    )
    page = response.get_data(as_text=True)
    with db_app.app_context():
        reference = db.session.scalars(select(Lead.result_reference)).one()
    assert re.fullmatch(r"[0-9A-Z]{4}-[0-9A-Z]{4}", reference)
    assert f'<strong class="reference-code">{reference}</strong>' in page
    assert f'<strong class="reference-code">{reference}</strong>' in result_page
    assert "What happens next" in page and "within" in page  # and when
    booking = re.search(r'<a class="button" data-booking-link[^>]* href="([^"]+)"', page)
    if outcome == "book_consultation":
        assert (
            booking
            and booking.group(1) == "https://www.trilogymedicalcenter.com/free-consultation/"
        )
    elif outcome == "clinician_review":
        assert (
            booking and booking.group(1) == "https://www.trilogymedicalcenter.com/medical-review/"
        )
    else:
        assert booking is None  # not a treatment booking


def test_the_confirmations_booking_link_carries_the_leads_booking_reference(app_factory):
    """A booking the person makes from the confirmation in the clinic's booking tool comes
    back to their lead (integrations/): the link carries the opaque reference, as the
    tool returns it (Cal.com: metadata[lead]), and nothing of their answers."""
    app = app_factory(BOOKING_URL="https://cal.com/trilogy/free-consultation")
    client = app.test_client()
    result_url = Walker(client).complete(BY_OUTCOME["book_consultation"])
    page = client.post(
        "/check/contact", data={"s": token_of(result_url), **CONTACT}, follow_redirects=True
    ).get_data(as_text=True)
    with app.app_context():
        reference = db.session.scalars(select(Lead.booking_reference)).one()
    booking = re.search(r'<a class="button" data-booking-link[^>]* href="([^"]+)"', page)
    assert booking, page
    link = urlsplit(html.unescape(booking.group(1)))
    assert link._replace(query="").geturl() == "https://cal.com/trilogy/free-consultation"
    assert parse_qs(link.query) == {"metadata[lead]": [reference]}
