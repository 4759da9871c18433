"""Script payloads and SQL metacharacters in every free-text field stay plain text.

Each payload goes in where a person or a staff member can type it (the contact
form's name and message, phone intake, staff notes, staff names, the console's
search) and is followed everywhere it comes out: the result page re-rendered
with errors, the confirmation, the console's list and detail, the CSV export
and the emails (through a real SMTP server). On both databases it is stored
byte for byte and shown escaped, never as markup or as a formula.
"""

from __future__ import annotations

import csv
import io

import pytest
from markupsafe import escape

from core.extensions import db
from leads.models import Lead, LeadNote
from leads.outbox import deliver_due
from questionnaire.catalogue import STEPS
from tests import factories
from tests.console_support import CONTACT
from tests.factories import csrf_token, post_form
from tests.support import BY_OUTCOME, HEALTHY, Walker, form_fields, token_of

NAME = "Zoë\"><script>alert('name')</script>"
MESSAGE = (
    "</textarea><img src=x onerror=alert(1)> <svg/onload=alert(2)> "
    "javascript:alert(3) {{7*7}} ${7*7} '; DROP TABLE leads; -- \" OR 1=1 --"
)
FORMULA_MESSAGE = '=HYPERLINK("http://evil.example","<b>click</b>")'
NOTE = "<iframe src=//evil.example></iframe>'); DELETE FROM lead_notes; --"
SQL_NAME = "Robert'); DROP TABLE leads;-- %_\\"


def assert_inert(html: str, *payloads: str) -> None:
    for payload in payloads:
        shown = str(escape(payload))
        if shown != payload:
            assert payload not in html, f"{payload!r} reached the page unescaped"
        assert shown in html, f"{payload!r} is not shown as text"


@pytest.fixture
def xss_app(app_factory, smtp):
    return app_factory(
        SMTP_HOST="127.0.0.1",
        SMTP_PORT=smtp.port,
        SMTP_TLS="none",
        CLINIC_NOTIFY_EMAIL="leads@clinic.test",
        SEND_CONFIRMATION_EMAIL=True,
        RATELIMIT_ENABLED=False,
    )


@pytest.fixture
def staff_client(xss_app):
    return factories.staff_client(xss_app, "admin@clinic.test", role="admin")


def submit(client, **fields):
    token = token_of(Walker(client).complete(HEALTHY))
    return client.post("/check/contact", data={"s": token, **CONTACT, **fields}), token


def only_lead(app) -> Lead:
    with app.app_context():
        lead = db.session.query(Lead).one()
        db.session.expunge(lead)
        return lead


def test_payloads_are_inert_on_the_re_rendered_form_and_the_confirmation(xss_app):
    client = xss_app.test_client()
    refused, token = submit(client, name=NAME, message=MESSAGE, email="<script>@x")
    assert refused.status_code == 422
    assert_inert(refused.get_data(as_text=True), NAME, MESSAGE, "<script>@x")
    stored = client.post("/check/contact", data={"s": token, **CONTACT, "name": NAME})
    assert stored.status_code == 303
    confirmation = client.get(stored.headers["Location"]).get_data(as_text=True)
    assert NAME not in confirmation and str(escape(NAME)) not in confirmation  # not shown at all


def test_payloads_are_stored_as_typed_and_inert_in_list_detail_and_notes(xss_app, staff_client):
    submit(xss_app.test_client(), name=NAME, message=MESSAGE)
    lead = only_lead(xss_app)
    assert (lead.name, lead.message) == (NAME, MESSAGE)  # stored byte for byte

    listing = staff_client.get("/staff/leads").get_data(as_text=True)
    assert_inert(listing, NAME)
    detail = staff_client.get(f"/staff/leads/{lead.id}").get_data(as_text=True)
    assert_inert(detail, NAME, MESSAGE)

    added = post_form(
        staff_client, f"/staff/leads/{lead.id}", f"/staff/leads/{lead.id}/notes", {"text": NOTE}
    )
    assert added.status_code == 303
    assert_inert(staff_client.get(f"/staff/leads/{lead.id}").get_data(as_text=True), NOTE)
    with xss_app.app_context():
        assert db.session.query(LeadNote.text).filter_by(kind="note").scalar() == NOTE

    refused = post_form(
        staff_client,
        f"/staff/leads/{lead.id}",
        f"/staff/leads/{lead.id}/notes",
        {"text": NOTE + "x" * 5000},
    )
    assert refused.status_code == 422
    assert NOTE not in refused.get_data(as_text=True)


def test_the_search_box_echoes_payloads_as_text_and_finds_sql_metacharacters(xss_app, staff_client):
    submit(xss_app.test_client(), name=SQL_NAME)
    assert only_lead(xss_app).name == SQL_NAME
    for query in (NAME, "'); DROP TABLE leads;--", "%_\\", "' OR '1'='1"):
        page = staff_client.get("/staff/leads", query_string={"q": query})
        assert page.status_code == 200
        html = page.get_data(as_text=True)
        assert_inert(html, query)
        found = query in SQL_NAME
        assert (str(escape(SQL_NAME)) in html) is found, query
    with xss_app.app_context():
        assert db.session.query(Lead).count() == 1  # the table is still there


def test_csv_export_keeps_payloads_as_text_and_neutralises_formulas(xss_app, staff_client):
    submit(xss_app.test_client(), name=NAME, message=FORMULA_MESSAGE)
    response = staff_client.get("/staff/leads.csv")
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0]["Name"] == NAME  # the same text, never interpreted
    assert rows[0]["Message"] == "'" + FORMULA_MESSAGE


def test_emails_carry_payloads_only_as_plain_text(xss_app, smtp):
    submit(xss_app.test_client(), name=NAME, message=MESSAGE)
    with xss_app.app_context():
        deliver_due()
    assert len(smtp.messages) == 2
    for message in smtp.messages:
        parts = list(message.walk()) if message.is_multipart() else [message]
        assert [part.get_content_type() for part in parts] == ["text/plain"]
        assert message["Subject"] and "<" not in message["Subject"]
        assert MESSAGE not in message.get_payload(decode=True).decode()  # never the message
    confirmation = next(m for m in smtp.messages if "zoe@example.com" in m["X-Envelope-To"])
    # Nothing the sender typed reaches the address they chose, in the clinic's name.
    assert NAME not in confirmation.get_payload(decode=True).decode()


def test_phone_intake_and_staff_names_are_inert(xss_app, staff_client):
    data = {
        key: value
        for step in STEPS
        for key, value in form_fields(BY_OUTCOME["clinician_review"], step.id).items()
    }
    response = post_form(
        staff_client,
        "/staff/intake",
        "/staff/intake",
        {**data, **CONTACT, "name": NAME, "message": MESSAGE, "email": "bad<script>"},
    )
    assert response.status_code == 422
    assert_inert(response.get_data(as_text=True), NAME, MESSAGE)
    page = staff_client.get("/staff/admin/staff").get_data(as_text=True)
    response = staff_client.post(
        "/staff/admin/staff",
        data={
            "csrf_token": csrf_token(page),
            "email": "new@example.com",
            "name": NAME,
            "role": "staff",
            "password": "a long enough password",
        },
    )
    assert response.status_code in (302, 303), response.status_code
    assert_inert(staff_client.get("/staff/admin/staff").get_data(as_text=True), NAME)
