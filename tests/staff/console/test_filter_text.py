"""What is typed into a list's filters never reaches the database as a control character.

A NUL in the search box was a 500 on PostgreSQL ("text fields cannot contain NUL") and
ends SQLite's full-text query; nobody types one, so the filters drop every control
character (``staff.console.filters.without_controls``) and search for the rest.
"""

from __future__ import annotations

import pytest

from tests.factories import make_lead, staff_client

TYPED = ["Zo\x00ë", "Zoë\x01", "\x7fZoë", "zo\x1bë\x00"]


@pytest.mark.parametrize("typed", TYPED)
def test_a_search_with_a_control_character_finds_what_the_rest_finds(db_app, typed):
    zoe = make_lead(db_app, name="Zoë Example")
    make_lead(db_app, name="Sam Brown", email="sam@brown.test", phone="+14155550199")
    client = staff_client(db_app, "admin@clinic.test", "admin", name="Ada")
    page = client.get("/staff/leads", query_string={"q": typed})
    assert page.status_code == 200
    assert f"/staff/leads/{zoe}?" in page.text and "Sam Brown" not in page.text
    export = client.get("/staff/leads.csv", query_string={"q": typed})
    assert export.status_code == 200
    assert "Zoë Example" in export.text and "Sam Brown" not in export.text


def test_the_audit_logs_filter_drops_control_characters(db_app):
    client = staff_client(db_app, "admin@clinic.test", "admin", name="Ada")
    client.get("/staff/leads")  # something of Ada's in the log
    page = client.get("/staff/admin/audit", query_string={"who": "admin@\x00clinic"})
    assert page.status_code == 200
    assert 'value="admin@clinic"' in page.text
