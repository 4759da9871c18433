"""The console's views in the list's order from their indexes: assignee, status, follow-up

A view's page and a lead's place in it ("Lead 3 of 17", previous and next) read the
view's leads newest first from a key. Three of the partial indexes on unmerged leads
named the view's columns only, so the database read every lead of the view to order
them (or to count those newer than a lead): 8,000 rows for "new, assigned to me" and
5,000 for "due today" at 100,000 leads, 9 to 15 ms on SQLite. Each now ends with the
list's order, so a view is a range of one index, read in order from a key:

- ``ix_leads_open_assignee``: assignee, then newest first (created_at, id);
- ``ix_leads_open_status_assignee``: status, assignee, then newest first;
- ``ix_leads_open_follow_up``: follow-up time and id (the order by due time), then
  created_at, so the day's follow-ups are ordered by arrival from the index alone.

The dashboard's counts, which read the first columns of the first two, read them as
before. ``ix_leads_follow_up_at``, on every lead's follow-up time, goes: the console reads
unmerged leads only, and merging a lead clears its follow-up, so the partial index holds
every follow-up the console can ask for; with both, SQLite's planner could take the
plain one for the day's calls, which does not hold created_at.

Plain CREATE and DROP INDEX on both databases (no batch rebuild of ``leads`` on SQLite,
which would drop its triggers). On SQLite, a database whose statistics are kept
(``core.database.refresh_sqlite_statistics``) has the leads analysed again here: an
index without statistics looks selective to its planner, which then read "untouched"
through the status index instead of its own (70 ms at 100,000 leads, from 1 ms).

Revision ID: 0024_view_indexes
Revises: 0023_deletion_counts
Create Date: 2026-12-08 00:40:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0024_view_indexes"
down_revision = "0023_deletion_counts"
branch_labels = None
depends_on = None

UNMERGED = sa.text("merged_into_id IS NULL")

#: Each index's columns before this revision, and after.
COLUMNS = {
    "ix_leads_open_assignee": (["assigned_to_id"], ["assigned_to_id", "created_at", "id"]),
    "ix_leads_open_status_assignee": (
        ["status", "assigned_to_id"],
        ["status", "assigned_to_id", "created_at", "id"],
    ),
    "ix_leads_open_follow_up": (["follow_up_at"], ["follow_up_at", "id", "created_at"]),
}


def _replace(name: str, columns: list[str]) -> None:
    op.drop_index(name, table_name="leads")
    op.create_index(name, "leads", columns, postgresql_where=UNMERGED, sqlite_where=UNMERGED)


def _analysed_again() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        return  # PostgreSQL's statistics are the table's columns', which have not changed
    kept = bind.exec_driver_sql("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'")
    if kept.first() is not None:
        op.execute("ANALYZE leads")


def upgrade():
    for name, (_before, after) in COLUMNS.items():
        _replace(name, after)
    op.drop_index("ix_leads_follow_up_at", table_name="leads")
    _analysed_again()


def downgrade():
    for name, (before, _after) in COLUMNS.items():
        _replace(name, before)
    op.create_index("ix_leads_follow_up_at", "leads", ["follow_up_at"])
    _analysed_again()
