"""Finding 2 of the adversarial review: a data request finds the contact details staff
corrected away, says why each lead was found, and its erasure leaves no copy of the
person's email, phone or name in any table. On SQLite and PostgreSQL."""

from __future__ import annotations

import json
import re
from pathlib import Path

from sqlalchemy import MetaData, select

from core.extensions import db
from leads.models import Lead
from tests.factories import make_lead, post_form, staff_client
from tests.staff.accounts_support import ADMIN

PAGE = "/staff/admin/data-requests"
NAME = "Pat Person"
OLD_EMAIL = "pat.person@example.com"
NEW_EMAIL = "pat.new@example.com"
PHONE = "+12025550147"  # lead #6's, as the person gives it
OLD_PHONE = "+12025550188"  # lead #7's, corrected away with its email
NEW_PHONE = "+12025550166"


def _pat_and_olaf(app, admin):
    """Pat's first lead (#6 in the finding) and second (#7), whose email and phone staff
    corrected in the console; and Olaf's, who is someone else."""
    first = make_lead(app, name=NAME, email=OLD_EMAIL, phone=PHONE)
    second = make_lead(app, name=NAME, email=OLD_EMAIL, phone=OLD_PHONE)
    olaf = make_lead(app, name="Olaf Other", email="olaf@example.org", phone="+12025550199")
    page = f"/staff/leads/{second}/contact"
    corrected = post_form(
        admin,
        page,
        data={"name": NAME, "email": NEW_EMAIL, "phone": NEW_PHONE, "contact_time": "any"},
    )
    assert corrected.status_code == 303
    with app.app_context():
        assert db.session.get(Lead, second).email == NEW_EMAIL
    return first, second, olaf


def _hidden_fields(html: str) -> dict[str, str]:
    form = re.search(rf'<form method="post" action="{PAGE}/export">(.*?)</form>', html, re.S)
    assert form, "the results page has no export form"
    return dict(re.findall(r'name="([a-z_]+)" value="([^"]*)"', form.group(1)))


def _everything_stored(app) -> list[tuple[str, str, str]]:
    """(table, column, value as text) for every value of every column of every table the
    database's catalogue lists (reflected, so a table the models forgot counts too)."""
    found = []
    with app.app_context():
        catalogue = MetaData()
        catalogue.reflect(bind=db.engine)
        with db.engine.connect() as connection:
            for table in catalogue.sorted_tables:
                for row in connection.execute(select(table)).mappings():
                    for column, value in row.items():
                        if value is None:
                            continue
                        text = value if isinstance(value, str) else json.dumps(value, default=str)
                        found.append((table.name, column, text))
    return found


def _copies_of_pat(app) -> list[tuple[str, str, str]]:
    """Every stored value holding Pat's email (any casing, old or new), phone (any way it
    is written: its digits) or name."""
    digits = [number.lstrip("+") for number in (PHONE, OLD_PHONE, NEW_PHONE)]
    copies = []
    for table, column, text in _everything_stored(app):
        lowered = text.lower()
        only_digits = re.sub(r"\D", "", text)
        if (
            OLD_EMAIL in lowered
            or NEW_EMAIL in lowered
            or NAME.lower() in lowered
            or any(number in only_digits or number[1:] in only_digits for number in digits)
        ):
            copies.append((table, column, text))
    return copies


def test_a_data_request_finds_corrected_details_says_why_and_erases_every_copy(app_factory):
    app = app_factory()
    admin = staff_client(app, ADMIN, "admin", name="Ada Admin")
    first, second, olaf = _pat_and_olaf(app, admin)

    # The old address in another casing, with the person's phone written locally.
    found = post_form(admin, PAGE, email="PAT.Person@Example.COM", phone="(202) 555-0147")
    html = found.get_data(as_text=True)
    assert found.status_code == 200
    assert f"Lead #{first}" in html and f"Lead #{second}" in html and f"Lead #{olaf}" not in html
    assert "Its email address is this one." in html
    assert "Its phone number is this one." in html
    assert "Its email address was this one until staff corrected it on" in html

    download = admin.post(f"{PAGE}/export", data=_hidden_fields(html))
    document = json.loads(download.get_data(as_text=True))
    assert [lead["id"] for lead in document["leads"]] == [first, second]
    assert any(
        f"{OLD_EMAIL} → {NEW_EMAIL}" in note["text"]
        for note in document["notes"]
        if note["lead_id"] == second
    )

    assert _copies_of_pat(app), "the scan finds Pat before the erasure"
    confirmed = admin.post(
        f"{PAGE}/erase/confirmed",
        data={**_hidden_fields(html), "leads": f"{first},{second}"},
    )
    assert confirmed.status_code == 303
    with app.app_context():
        assert db.session.scalars(select(Lead.id)).all() == [olaf]
    assert _copies_of_pat(app) == []


def test_the_old_phone_alone_finds_the_corrected_lead(app_factory):
    app = app_factory()
    admin = staff_client(app, ADMIN, "admin", name="Ada Admin")
    _first, second, _olaf = _pat_and_olaf(app, admin)
    html = post_form(admin, PAGE, phone="202 555 0188").get_data(as_text=True)
    assert f"Lead #{second}" in html
    assert "Its phone number was this one until staff corrected it on" in html
    # The current values still find it, and only it.
    html = post_form(admin, PAGE, email=NEW_EMAIL.upper()).get_data(as_text=True)
    assert f"Lead #{second}" in html and "Its email address is this one." in html
    assert "Leads: 1" in html


def test_the_command_line_finds_the_corrected_lead_and_says_why(app_factory, tmp_path: Path):
    app = app_factory()
    admin = staff_client(app, ADMIN, "admin", name="Ada Admin")
    first, second, _olaf = _pat_and_olaf(app, admin)
    result = app.test_cli_runner().invoke(args=["leads", "data-request", OLD_EMAIL.upper()])
    assert result.exit_code == 0, result.output
    assert f"(leads: #{first}, #{second})" in result.output
    assert f"#{first}: its email" in result.output
    assert f"#{second}: its email before a correction on " in result.output


def test_a_corrected_number_written_in_groups_of_two_is_found(app_factory):
    """A French number shows as "+33 1 23 45 67 89" in the correction note."""
    app = app_factory()
    admin = staff_client(app, ADMIN, "admin", name="Ada Admin")
    lead = make_lead(app, name=NAME, email="", phone="+33123456789")
    corrected = post_form(
        admin,
        f"/staff/leads/{lead}/contact",
        data={"name": NAME, "email": NEW_EMAIL, "phone": "", "contact_time": "any"},
    )
    assert corrected.status_code == 303
    html = post_form(admin, PAGE, phone="+33 1 23 45 67 89").get_data(as_text=True)
    assert f"Lead #{lead}" in html
    assert "Its phone number was this one until staff corrected it on" in html
