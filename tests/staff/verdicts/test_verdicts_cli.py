"""`flask verdicts import` and `flask verdicts scorecard --json`, with a real CLI runner,
on SQLite and PostgreSQL: the worked example (tests/staff/verdicts/example.py) moved in
from a clinic's own records gives the hand-computed figures."""

from __future__ import annotations

import json
from datetime import date

from sqlalchemy import func, select

from core.audit import AuditEvent
from core.extensions import db
from leads.verdict_models import SafetyIncident, Verdict
from tests.factories import make_lead, make_staff
from tests.staff.verdicts.example import EXPECTED, ROWS

HEADER = "lead,verdict,concerns,clinician_email,examined_on\n"
DIRECT_SHA = "0" * 64  # the rule version make_lead(direct=True) records


def run(app, *args):
    return app.test_cli_runner().invoke(args=["verdicts", *args])


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def test_the_worked_example_imported_gives_the_hand_computed_scorecard(db_app, tmp_path):
    make_staff(db_app, "doctor@clinic.test", role="clinician")
    today = date.today().isoformat()
    lines = []
    for check, verdict in ROWS:
        lead_id = make_lead(db_app, outcome=check, direct=True)
        if verdict is not None:
            concerns = "" if verdict == "book_consultation" else "cold_sore_prophylaxis"
            lines.append(f"{lead_id},{verdict},{concerns},doctor@clinic.test,{today}\n")
    path = tmp_path / "verdicts.csv"
    path.write_text(HEADER + "".join(lines))

    imported = run(db_app, "import", str(path))
    assert imported.exit_code == 0, imported.output
    assert "11 verdict(s) recorded" in imported.output
    assert count(db_app, Verdict) == 11
    # The one missed concern opened its incident, tied to hazard H1, and was audited.
    with db_app.app_context():
        (incident,) = db.session.scalars(select(SafetyIncident)).all()
        assert incident.hazard == "H1" and incident.check_outcome == "book_consultation"
        audited = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "verdict"))
        assert len(audited.all()) == 11

    shown = run(db_app, "scorecard", "--version", DIRECT_SHA, "--json")
    assert shown.exit_code == 0, shown.output
    (card,) = json.loads(shown.output)
    assert card["sha256"] == DIRECT_SHA and card["version"] == "test"
    assert {key: card[key] for key in EXPECTED} == EXPECTED
    assert card["carried"] is None  # this version's rule text is not here: nothing carried


def test_a_file_with_any_wrong_row_stores_nothing_and_names_every_problem(db_app, tmp_path):
    make_staff(db_app, "doctor@clinic.test", role="clinician")
    make_staff(db_app, "desk@clinic.test", role="staff")
    good = make_lead(db_app, direct=True)
    other = make_lead(db_app, direct=True)
    path = tmp_path / "verdicts.csv"
    path.write_text(
        HEADER
        + f"{good},book_consultation,,doctor@clinic.test,{date.today().isoformat()}\n"
        + f"{other},maybe,not_a_key;keloid_history,desk@clinic.test,02/01/2026\n"
        + "99999,book_consultation,,doctor@clinic.test,2026-01-02\n"
    )
    refused = run(db_app, "import", str(path))
    assert refused.exit_code == 1, refused.exception
    said = refused.output
    assert "row 3, column verdict:" in said
    assert "row 3, column concerns:" in said and "not_a_key" in said
    assert "row 3, column clinician_email:" in said
    assert "row 3, column examined_on:" in said
    assert "row 4, column lead:" in said
    assert "row 2" not in said  # the good row is not blamed, and not stored either
    assert count(db_app, Verdict) == 0

    wrong_header = tmp_path / "header.csv"
    wrong_header.write_text("lead,outcome\n1,book_consultation\n")
    refused = run(db_app, "import", str(wrong_header))
    assert refused.exit_code != 0 and "row 1, column header:" in refused.output


def test_an_unknown_version_is_refused(db_app):
    make_lead(db_app, direct=True)
    refused = run(db_app, "scorecard", "--version", "f" * 64, "--json")
    assert refused.exit_code != 0 and "no stored lead" in refused.output
