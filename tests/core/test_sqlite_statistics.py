"""SQLite's planner gets the tables' statistics at every start (core.database), so the
console's lists and counts read their partial indexes instead of every lead.

Without statistics SQLite takes ``merged_into_id IS NULL`` for a condition that picks a
few leads and reads the list by that column's index, then sorts all of them: 240 ms for
the leads list at 20,000 leads (bench/console_scale.py), 50 ms with statistics."""

from __future__ import annotations

from datetime import timedelta

from flask_migrate import downgrade, upgrade
from sqlalchemy import func, insert, select, text, tuple_, update

from app import create_app
from core.database import MIGRATIONS, SQLITE_STATISTICS_FROM
from core.dbtypes import utcnow
from core.extensions import db
from leads.models import Appointment, Lead
from staff.leads.service import untouched
from staff.verdicts.queue import LONGEST, audit_sample, consultations_held
from tests.support import HEALTHY, migrated_sqlite


def started(url: str, tmp_path):
    return create_app(
        {"TESTING": True, "SECRET_KEY": "test-secret-key", "SQLALCHEMY_DATABASE_URI": url,
         "AUTO_MIGRATE": True},
        instance_path=str(tmp_path),
    )  # fmt: skip


def plan(statement) -> str:
    compiled = statement.compile(db.engine, compile_kwargs={"literal_binds": True})
    rows = db.session.execute(text(f"EXPLAIN QUERY PLAN {compiled}")).all()
    return " | ".join(row[-1] for row in rows)


def store_leads(count: int) -> None:
    now = utcnow()
    first = db.session.scalar(select(func.count()).select_from(Lead))
    db.session.execute(
        insert(Lead),
        [
            {"flow_id": f"stats-{first + n}", "created_at": now - timedelta(minutes=n),
             "updated_at": now, "name": f"P {n}", "email": f"p{n}@example.com", "phone": "",
             "contact_time": "any", "message": "", "lang": "en", "consent_version": "v",
             "consented_at": now, "source": "site", "embed_origin": "", "answers": HEALTHY,
             "outcome": "book_consultation", "reasons": [], "rulebase_version": "t",
             "rulebase_sha256": "0" * 64, "status": "new",
             "follow_up_at": now + timedelta(hours=n % 48 - 24)}
            for n in range(count)
        ],
    )  # fmt: skip
    db.session.commit()


def analysed_leads() -> int | None:
    """How many leads the kept statistics were gathered from (None: none kept)."""
    if db.session.scalar(text("SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'")):
        stat = db.session.scalar(text("SELECT stat FROM sqlite_stat1 WHERE tbl = 'leads' LIMIT 1"))
        return int(stat.split()[0]) if stat else None
    return None


def test_statistics_are_gathered_once_the_leads_are_many_and_again_when_they_double(tmp_path):
    """A small database starts without the ANALYZE (it costs a tenth of a second even
    empty); past SQLITE_STATISTICS_FROM leads it is gathered, and again at twice as many."""
    url = f"sqlite:///{migrated_sqlite(tmp_path / 'grow.sqlite3')}"
    seen = []
    for more in (SQLITE_STATISTICS_FROM - 1, 2, SQLITE_STATISTICS_FROM, SQLITE_STATISTICS_FROM):
        app = started(url, tmp_path)
        with app.app_context():
            seen.append(analysed_leads())
            store_leads(more)
            db.engine.dispose()
    app = started(url, tmp_path)
    with app.app_context():
        seen.append(analysed_leads())
        db.engine.dispose()
    low = SQLITE_STATISTICS_FROM
    # started with 0, 999, 1,001 (gathered), 2,001 (within twice), 3,001 (more than twice)
    assert seen == [None, None, low + 1, low + 1, 3 * low + 1]


def test_after_a_restart_the_lists_and_counts_read_their_own_indexes(tmp_path):
    url = f"sqlite:///{migrated_sqlite(tmp_path / 'stats.sqlite3')}"
    first = started(url, tmp_path)
    with first.app_context():
        store_leads(1_200)
        db.engine.dispose()
    again = started(url, tmp_path)  # the app starting again, as every deploy or restart does
    with again.app_context():
        analysed = db.session.scalar(text("SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'leads'"))
        assert analysed > 0
        unmerged = Lead.merged_into_id.is_(None)
        newest_first = (
            select(Lead.id)
            .where(unmerged)
            .order_by(Lead.created_at.desc(), Lead.id.desc())
            .limit(11)
        )
        overdue = (
            select(func.count()).select_from(Lead).where(unmerged, Lead.follow_up_at < utcnow())
        )
        listed, counted = plan(newest_first), plan(overdue)
        assert "ix_leads_open_newest" in listed and "TEMP B-TREE" not in listed, listed
        assert "ix_leads_open_follow_up" in counted, counted
        assert "ix_leads_merged_into_id" not in listed + counted
        db.engine.dispose()


def test_an_index_a_migration_replaces_has_its_statistics_at_once(tmp_path):
    """Migration 0024_view_indexes replaced three indexes of the leads; where statistics
    are kept, the new ones get theirs in the same migration (an index without them looks
    selective to the planner, which then read "untouched" through the status index)."""
    url = f"sqlite:///{migrated_sqlite(tmp_path / 'replaced.sqlite3')}"
    first = started(url, tmp_path)
    with first.app_context():
        store_leads(1_200)
        db.engine.dispose()
    again = started(url, tmp_path)  # statistics gathered at this start
    with again.app_context():
        downgrade(directory=str(MIGRATIONS), revision="0023_deletion_counts")
        replaced = ("ix_leads_open_assignee", "ix_leads_open_status_assignee",
                    "ix_leads_open_follow_up")  # fmt: skip
        stats = "SELECT count(*) FROM sqlite_stat1 WHERE idx = :name"
        upgrade(directory=str(MIGRATIONS))
        for name in replaced:
            assert db.session.scalar(text(stats), {"name": name}) == 1, name
        waiting = (
            select(Lead.id)
            .where(Lead.merged_into_id.is_(None), untouched(utcnow()))
            .order_by(Lead.created_at.desc(), Lead.id.desc())
            .limit(26)
        )
        assert "ix_leads_open_untouched" in plan(waiting), plan(waiting)
        db.engine.dispose()


def test_a_view_is_read_newest_first_from_its_own_index(tmp_path):
    """A view's page and a lead's place in it (``keyset``) are a range of the view's index in
    the list's order (migration 0024_view_indexes): no sort of the view's leads, no read of
    every lead of it to count those above one."""
    url = f"sqlite:///{migrated_sqlite(tmp_path / 'views.sqlite3')}"
    first = started(url, tmp_path)
    with first.app_context():
        store_leads(1_200)
        db.engine.dispose()
    again = started(url, tmp_path)
    with again.app_context():
        newest = (Lead.created_at.desc(), Lead.id.desc())
        mine = [Lead.merged_into_id.is_(None), Lead.status == "new", Lead.assigned_to_id == 1]
        page = select(Lead.id).where(*mine).order_by(*newest).limit(26)
        above = tuple_(Lead.created_at, Lead.id) > tuple_(utcnow(), 5)
        place = select(func.count()).select_from(Lead).where(*mine, above)
        soon = (Lead.follow_up_at >= utcnow(), Lead.follow_up_at < utcnow() + timedelta(hours=1))
        today = [Lead.merged_into_id.is_(None), *soon]  # the day's calls: a few of the leads
        due = select(Lead.id).where(*today).order_by(*newest).limit(26)
        for statement, index in ((page, "ix_leads_open_status_assignee"),
                                 (place, "ix_leads_open_status_assignee"),
                                 (due, "ix_leads_open_follow_up")):  # fmt: skip
            assert index in plan(statement), plan(statement)
        assert "TEMP B-TREE" not in plan(page) and "created_at>" in plan(place)
        db.engine.dispose()


def test_the_consultations_list_reads_its_own_indexes(tmp_path):
    """The Consultations list (staff/verdicts/queue.py) reads the audit sample from its
    partial index, not every unmerged lead by ``ix_leads_merged_into_id``, and the passed
    appointments oldest first from theirs, stopping once the list is full: no grouping of
    every appointment, no sort (migration 0025_consultation_indexes)."""
    url = f"sqlite:///{migrated_sqlite(tmp_path / 'consultations.sqlite3')}"
    first = started(url, tmp_path)
    with first.app_context():
        store_leads(1_200)
        db.session.execute(update(Lead).where(Lead.id % 20 == 0).values(audit_sample=True))
        db.session.execute(update(Lead).where(Lead.id % 10 == 1).values(status="booked"))
        db.session.execute(
            insert(Appointment),
            [{"lead_id": n, "kind": "consultation", "created_at": utcnow(),
              "starts_at": utcnow() + timedelta(hours=n % 100 - 80)}
             for n in range(1, 1_200, 10)],
        )  # fmt: skip
        db.session.commit()
        db.engine.dispose()
    again = started(url, tmp_path)
    with again.app_context():
        sampled, held = audit_sample(utcnow(), LONGEST), consultations_held(utcnow(), LONGEST)
        assert "ix_leads_audit_sample" in plan(sampled), plan(sampled)
        assert "ix_leads_merged_into_id" not in plan(sampled), plan(sampled)
        assert "ix_appointments_held" in plan(held), plan(held)
        assert "TEMP B-TREE" not in plan(held) and "ix_verdicts_current" in plan(held)
        db.engine.dispose()
