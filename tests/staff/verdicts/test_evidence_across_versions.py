"""Evidence across rule versions, on SQLite and PostgreSQL: a verdict on a lead an earlier
version decided counts for the deployed version (under ``carried``, never mixed in) only
where the deployed version decides that lead's answers exactly as the earlier one did; and
the deployed version replayed on the leads with verdicts names the disagreements it would
fix and the agreements it would break."""

from __future__ import annotations

import json
from datetime import timedelta

from core.dbtypes import utcnow
from core.extensions import db
from leads.models import Lead
from leads.verdicts import VerdictInput, find_clinician, record_verdict
from signoff.deployed import deployed
from staff.verdicts.figures import replay_on_verdicts
from tests.factories import make_lead, make_staff

OLD = {"rulebase_sha256": "a" * 64, "rulebase_version": "2026.1.0"}


def _verdict(app, lead_id: int, outcome: str) -> None:
    with app.test_request_context():
        record_verdict(
            db.session.get(Lead, lead_id),
            VerdictInput(outcome=outcome, examined_on=utcnow().date()),
            find_clinician("doctor@clinic.test"),
            source="console",
            actor=None,
        )
        db.session.commit()


def test_verdicts_carry_only_where_the_versions_decide_alike(db_app):
    make_staff(db_app, "doctor@clinic.test", role="clinician")
    earlier = utcnow() - timedelta(days=30)
    own = make_lead(db_app, outcome="book_consultation")
    # Decided by the earlier version as the deployed one decides it: carried (a missed concern).
    alike = make_lead(db_app, outcome="book_consultation", created_at=earlier, **OLD)
    # The earlier version told this person to book; the deployed one asks for a review.
    unlike = make_lead(db_app, outcome="clinician_review", created_at=earlier, **OLD)
    with db_app.app_context():
        db.session.get(Lead, unlike).outcome = "book_consultation"
        db.session.commit()
    # Agreed under the earlier version, which said review; the deployed one says book.
    broken = make_lead(db_app, outcome="book_consultation", created_at=earlier, **OLD)
    with db_app.app_context():
        db.session.get(Lead, broken).outcome = "clinician_review"
        db.session.commit()
    _verdict(db_app, own, "book_consultation")
    _verdict(db_app, alike, "clinician_review")
    _verdict(db_app, unlike, "clinician_review")
    _verdict(db_app, broken, "clinician_review")

    with db_app.app_context():
        sha = deployed().base.sha256
        replay = replay_on_verdicts(deployed().base)
    shown = db_app.test_cli_runner().invoke(
        args=["verdicts", "scorecard", "--version", sha, "--json"]
    )
    assert shown.exit_code == 0, shown.output
    (card,) = json.loads(shown.output)
    assert (card["leads"], card["verified"], card["tn"], card["fn"]) == (1, 1, 1, 0)
    carried = card["carried"]
    assert (carried["leads"], carried["verified"], carried["fn"]) == (1, 1, 1)
    assert carried["missed"] == [alike]  # not the lead the versions decide differently

    assert replay.verified == 4
    assert replay.fixed == (unlike,)  # the deployed version now says what the clinician said
    assert replay.broken == (broken,)
    printed = db_app.test_cli_runner().invoke(args=["verdicts", "replay", "--json"])
    assert printed.exit_code == 0, printed.output
    assert json.loads(printed.output)["broken"] == [broken]
