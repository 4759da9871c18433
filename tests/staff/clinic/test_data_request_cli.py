"""`flask leads data-request`: the same find, export and erasure from a terminal, audited
without the person's data."""

from __future__ import annotations

import json

from sqlalchemy import select

from core.extensions import db
from leads.models import Lead
from tests.factories import make_lead
from tests.staff.accounts_support import audit_details


def test_a_data_request_from_the_terminal_finds_exports_and_erases(app_factory, tmp_path):
    app = app_factory()
    zoe = make_lead(
        app, name="Zoë Example", phone="+12025550123", notes=("Called.",), email="", direct=True
    )
    olaf = make_lead(app, name="Olaf Other", email="olaf@mail.test", phone="", direct=True)
    runner = app.test_cli_runner()
    exported = tmp_path / "zoe.json"

    found = runner.invoke(args=["leads", "data-request", "(202) 555-0123", "--export", exported])
    assert found.exit_code == 0, found.output
    assert f"leads: #{zoe}" in found.output
    document = json.loads(exported.read_text("utf-8"))
    assert [lead["id"] for lead in document["leads"]] == [zoe]
    assert document["notes"][0]["text"] == "Called."

    kept = runner.invoke(args=["leads", "data-request", "2025550123", "--erase"], input="n\n")
    assert kept.exit_code == 1
    erased = runner.invoke(args=["leads", "data-request", "+1 202 555 0123", "--erase", "--yes"])
    assert erased.exit_code == 0, erased.output
    assert "Erased 1 lead, 1 note, 0 notifications" in erased.output
    with app.app_context():
        assert db.session.scalars(select(Lead.id)).all() == [olaf]
    assert audit_details(app, "erase") == [
        "erased 1 lead, 1 note, 0 notifications after a data request"
    ]
    assert audit_details(app, "data_export") == ["by phone: 1 lead, 1 note, 0 notifications"]
    assert set(audit_details(app, "data_request")) == {
        "by phone: 1 lead, 1 note, 0 notifications found"
    }

    refused = runner.invoke(args=["leads", "data-request", "not a number"])
    assert (
        refused.exit_code != 0 and "neither an email address nor a phone number" in refused.output
    )
