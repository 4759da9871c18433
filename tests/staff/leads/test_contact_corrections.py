"""Staff correct a lead's contact details (issue #16): validated as the contact form does,
the old values kept on the lead's own history, only the field names in the audit log."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from core.extensions import db
from leads.models import Lead, LeadNote
from leads.service import Person, erase_person
from staff.models import AuditEvent
from tests.factories import csrf_token, make_lead, staff_client

OLD = {"name": "Zoe Example", "email": "zoe@example.com", "phone": "+442079460958"}


@pytest.fixture
def desk(db_app):
    client = staff_client(db_app, "desk@clinic.test", "staff", name="Dana Desk")
    lead_id = make_lead(db_app, **OLD, direct=True)
    return client, client.staff_id, lead_id


def _post(client, lead_id: int, **fields):
    page = client.get(f"/staff/leads/{lead_id}/contact").get_data(as_text=True)
    current = {
        "name": re.search(r'id="name" name="name" value="([^"]*)"', page).group(1),
        "email": re.search(r'id="email" name="email" value="([^"]*)"', page).group(1),
        "phone": re.search(r'id="phone" name="phone" value="([^"]*)"', page).group(1),
        "contact_time": re.search(r'name="contact_time" value="(\w+)" checked', page).group(1),
    }
    data = {"csrf_token": csrf_token(page), **current, **fields}
    return client.post(f"/staff/leads/{lead_id}/contact", data=data)


def _audit(app, action: str) -> list[AuditEvent]:
    with app.app_context():
        return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def test_the_form_shows_the_details_as_they_are(db_app, desk):
    client, _staff_id, lead_id = desk
    page = client.get(f"/staff/leads/{lead_id}/contact").get_data(as_text=True)
    assert 'value="Zoe Example"' in page and 'value="zoe@example.com"' in page
    assert 'value="+44 20 7946 0958"' in page  # grouped for reading, not raw E.164
    assert re.search(r'name="contact_time" value="morning" checked', page)
    assert client.get("/staff/leads/999999/contact").status_code == 404


def test_a_correction_keeps_the_old_values_on_the_lead_and_only_field_names_in_the_audit(
    db_app, desk
):
    client, staff_id, lead_id = desk
    response = _post(client, lead_id, email=" Zoe.New@Example.com ", phone="+44 7911 123456")
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/staff/leads/{lead_id}")
    with db_app.app_context():
        lead = db.session.get(Lead, lead_id)
        assert (lead.email, lead.phone, lead.name) == (
            "Zoe.New@Example.com",
            "+447911123456",  # normalised to E.164, as the contact form stores it
            "Zoe Example",
        )
        note = db.session.scalars(
            select(LeadNote).where(LeadNote.lead_id == lead_id, LeadNote.kind == "contact")
        ).one()
        assert note.author_id == staff_id
        assert note.text == (
            "Email: zoe@example.com → Zoe.New@Example.com\n"
            "Phone: +44 20 7946 0958 → +44 7911 123456"
        )
    (event,) = _audit(db_app, "contact_change")
    assert (event.lead_id, event.staff_id, event.data) == (
        lead_id,
        staff_id,
        {"fields": ["email", "phone"]},
    )
    for secret in ("zoe@", "Zoe.New", "7946", "123456"):  # the audit holds no details
        assert secret not in f"{event.detail} {event.data}"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Contact details saved. The old ones are kept in the lead’s history." in page


def test_the_old_values_go_with_the_lead_when_its_person_is_erased(db_app, desk):
    client, _staff_id, lead_id = desk
    assert _post(client, lead_id, email="zoe.new@example.com").status_code == 303
    with db_app.app_context():
        erase_person(Person.of(email="zoe.new@example.com"), {lead_id}, actor=None)
        db.session.commit()
        assert db.session.scalars(select(LeadNote)).all() == []
        assert db.session.get(Lead, lead_id) is None


def test_an_unchanged_form_writes_nothing_and_says_so(db_app, desk):
    client, _staff_id, lead_id = desk
    response = _post(client, lead_id, phone="(+44) 020-7946-0958")  # the same number, written so
    assert response.status_code == 303
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Nothing was changed: the contact details were already these." in page
    assert _audit(db_app, "contact_change") == []
    with db_app.app_context():
        assert db.session.scalars(select(LeadNote)).all() == []


def test_bad_input_names_every_error_keeps_the_rest_and_writes_nothing(db_app, desk):
    client, _staff_id, lead_id = desk
    response = _post(client, lead_id, name="", email="not an email", phone="12", contact_time="")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    start = page.index('id="error-summary"')
    summary = page[start : page.index("</ul>", start)]
    for anchor, message in (
        ("name", "Enter the person’s name."),
        ("phone", "Enter a phone number, like"),
        ("email", "Enter an email address like name@example.com."),
        ("contact_time-0", "Choose when a call suits them best."),
    ):
        assert re.search(rf'<a href="#{anchor}">{re.escape(message)}', summary), anchor
    assert 'value="not an email"' in page and 'value="12"' in page
    assert 'aria-invalid="true"' in page
    assert "Enter your name." not in page
    response = _post(client, lead_id, email="", phone="")
    assert response.status_code == 422
    assert "Give an email address or a phone number: the clinic needs one." in response.get_data(
        as_text=True
    )
    with db_app.app_context():
        lead = db.session.get(Lead, lead_id)
        assert (lead.name, lead.email, lead.phone) == tuple(OLD.values())
    assert _audit(db_app, "contact_change") == []


@pytest.mark.parametrize(
    "garbage",
    [
        {"name": "x" * 500},
        {"name": "Two\nlines"},
        {"name": "\u202eevil"},
        {"email": "a@" + "b" * 300 + ".com"},
        {"phone": "9" * 100},
        {"contact_time": "midnight"},
    ],
)
def test_garbage_is_refused_not_stored(db_app, desk, garbage):
    client, _staff_id, lead_id = desk
    assert _post(client, lead_id, **garbage).status_code == 422
    assert _audit(db_app, "contact_change") == []


def test_a_post_without_the_csrf_token_is_refused(db_app, desk):
    client, _staff_id, lead_id = desk
    response = client.post(f"/staff/leads/{lead_id}/contact", data={"name": "Someone else"})
    assert response.status_code == 400
    with db_app.app_context():
        assert db.session.get(Lead, lead_id).name == "Zoe Example"
