"""Deletions counted by the database, so a figures' version needs no count of every row

The stored figures (the rule book's replays, the dashboard's pipeline) are computed
again when their inputs' version differs. That version read ``count(*)`` of the leads
(and of the appointments and verdicts) to see a deletion: every row on PostgreSQL,
7 ms each time at 100,000 leads, three times on the rule book. A trigger on each of
those tables moves ``deletion_counts.serial`` whenever rows are deleted, whichever code
deletes them (the purge, an erasure, an operator's SQL); the newest id and times see
everything else, each from one end of an index.

PostgreSQL: one function, one statement-level trigger per table. SQLite: one row
trigger per table (an upsert: a database emptied by TRUNCATE, as the tests' are, has no
row to update). A batch migration that rebuilds one of these tables on SQLite drops its
trigger: ``tests/core/test_table_triggers`` fails at head when one is missing.

Revision ID: 0023_deletion_counts
Revises: 0022_sqlite_search
Create Date: 2026-12-07 22:40:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0023_deletion_counts"
down_revision = "0022_sqlite_search"
branch_labels = None
depends_on = None

TABLES = ("leads", "appointments", "verdicts")
COUNTED = "ON CONFLICT (table_name) DO UPDATE SET serial = deletion_counts.serial + 1"
# Every statement below is made of these constants only.
ADD_ONE = f"INSERT INTO deletion_counts (table_name, serial) VALUES ({{table}}, 1) {COUNTED}"  # noqa: S608  # nosec B608


def upgrade():
    op.create_table(
        "deletion_counts",
        sa.Column("table_name", sa.String(length=64), nullable=False),
        sa.Column("serial", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("table_name", name=op.f("pk_deletion_counts")),
    )
    if _postgresql():
        op.execute(
            "CREATE FUNCTION count_deletions() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            f"{ADD_ONE.format(table='TG_TABLE_NAME')}; RETURN NULL; END $$"
        )
        for table in TABLES:
            op.execute(
                f"CREATE TRIGGER {table}_deletions AFTER DELETE ON {table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION count_deletions()"
            )
        return
    for table in TABLES:
        op.execute(
            f"CREATE TRIGGER {table}_deletions AFTER DELETE ON {table} BEGIN "
            f"{ADD_ONE.format(table=repr(table))}; END"
        )


def downgrade():
    for table in TABLES:
        op.execute(f"DROP TRIGGER {table}_deletions" + (" ON " + table if _postgresql() else ""))
    if _postgresql():
        op.execute("DROP FUNCTION count_deletions()")
    op.drop_table("deletion_counts")


def _postgresql() -> bool:
    return op.get_bind().dialect.name == "postgresql"
