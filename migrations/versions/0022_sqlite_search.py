"""The console's search on SQLite without reading every lead: an FTS5 trigram index

The search box matches a part of a name, an address or a phone number. PostgreSQL
serves that from its trigram indexes (0019_search_indexes); SQLite's b-trees cannot,
so at 100,000 leads every search read every lead (250 to 280 ms). FTS5's trigram
tokenizer (SQLite 3.34 and later) indexes every three characters of a text, any
case, and a phrase query finds a part of a text of three characters or more.

``leads_search`` is an external-content table: it stores no copy of the values,
only their index, and reads them from ``leads`` by ``rowid`` (the lead's id). Three
triggers keep it in step with every write to ``leads``, whichever code makes it (the
console, the API, a merge, an erasure, a purge). A batch migration that rebuilds
``leads`` drops its triggers with the old table: ``tests/core/test_table_triggers``
fails at head if they are gone, and such a migration must create them again.

PostgreSQL has nothing to do here.

Revision ID: 0022_sqlite_search
Revises: 0021_dashboard_indexes
Create Date: 2026-12-07 22:30:00

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "0022_sqlite_search"
down_revision = "0021_dashboard_indexes"
branch_labels = None
depends_on = None

COLUMNS = "name, email, phone"
NEW = "new.id, new.name, new.email, new.phone"
OLD = "'delete', old.id, old.name, old.email, old.phone"
# Constants only: nothing here comes from outside.
INSERT = f"INSERT INTO leads_search(rowid, {COLUMNS}) VALUES ({NEW});"  # noqa: S608  # nosec B608
REMOVE = f"INSERT INTO leads_search(leads_search, rowid, {COLUMNS}) VALUES ({OLD});"  # noqa: S608  # nosec B608


def upgrade():
    if op.get_bind().dialect.name != "sqlite":
        return
    op.execute(
        f"CREATE VIRTUAL TABLE leads_search USING fts5({COLUMNS}, "
        "content='leads', content_rowid='id', tokenize='trigram')"
    )
    op.execute(f"CREATE TRIGGER leads_search_insert AFTER INSERT ON leads BEGIN {INSERT} END")
    op.execute(f"CREATE TRIGGER leads_search_delete AFTER DELETE ON leads BEGIN {REMOVE} END")
    op.execute(
        f"CREATE TRIGGER leads_search_update AFTER UPDATE OF {COLUMNS} ON leads "
        f"BEGIN {REMOVE} {INSERT} END"
    )
    op.execute("INSERT INTO leads_search(leads_search) VALUES ('rebuild')")


def downgrade():
    if op.get_bind().dialect.name != "sqlite":
        return
    for trigger in ("insert", "delete", "update"):
        op.execute(f"DROP TRIGGER leads_search_{trigger}")
    op.execute("DROP TABLE leads_search")
