"""The triggers the migrations put on tables are there at head, and do their work.

Two kinds keep something in step with every write, whichever code makes it: SQLite's
search index (migration 0022_sqlite_search) and the deletions counted for the stored
figures' versions (0023_deletion_counts). A batch migration that rebuilds a table on
SQLite drops its triggers with the old table, silently; this fails first.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete, text

from core.dbtypes import utcnow
from core.extensions import db
from leads import replay
from leads.models import Appointment, Lead
from staff.dashboard import stored
from tests.factories import make_lead, make_staff

SQLITE_TRIGGERS = {
    "leads": ["leads_deletions", "leads_search_delete", "leads_search_insert",
              "leads_search_update"],
    "appointments": ["appointments_deletions"],
    "verdicts": ["verdicts_deletions"],
}  # fmt: skip
POSTGRESQL_TRIGGERS = {table: [f"{table}_deletions"] for table in SQLITE_TRIGGERS}


def triggers_on(table: str) -> list[str]:
    if db.engine.dialect.name == "sqlite":
        query = "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = :table"
    else:
        query = (
            "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal"
            " AND tgrelid = CAST(:table AS regclass)"
        )
    return sorted(db.session.scalars(text(query), {"table": table}))


def test_every_trigger_is_there_at_head(db_app):
    with db_app.app_context():
        sqlite = db.engine.dialect.name == "sqlite"
        for table, expected in (SQLITE_TRIGGERS if sqlite else POSTGRESQL_TRIGGERS).items():
            assert triggers_on(table) == expected, table


def test_deleting_leads_or_appointments_by_any_code_moves_the_figures_versions(db_app):
    """No count of every row: the versions see a deletion through the database's own
    count of them, even by SQL that no app code wrote (an operator's, a purge's)."""
    staff_id = make_staff(db_app, "ann@clinic.test", "staff", name="Ann")
    oldest, newest = make_lead(db_app), make_lead(db_app)
    with db_app.app_context():
        booked = [
            Appointment(lead_id=newest, starts_at=utcnow() + timedelta(days=days),
                        duration_minutes=30, kind="consultation", created_by_id=staff_id)
            for days in (1, 2)
        ]  # fmt: skip
        db.session.add_all(booked)
        db.session.commit()
        first_booked = booked[0].id
        replay_version, pipeline_version = replay.data_version(), stored.data_version()
        assert (replay.data_version(), stored.data_version()) == (replay_version, pipeline_version)
        # The older appointment: the newest id and cancellation stay as they were.
        db.session.execute(delete(Appointment).where(Appointment.id == first_booked))
        db.session.commit()
        assert stored.data_version() != pipeline_version
        assert replay.data_version() == replay_version, "the replay reads no appointment"
        pipeline_version = stored.data_version()
        # The oldest lead: the newest id and times stay as they were.
        db.session.execute(delete(Lead).where(Lead.id == oldest))
        db.session.commit()
        assert replay.data_version() != replay_version
        assert stored.data_version() != pipeline_version
