"""The console's search without reading every lead: trigram indexes on name, email and phone

The search box matches a part of a name, an address or a phone number (``ILIKE
'%maria%'``); a b-tree cannot serve a match that does not start the string, so at
100,000 leads every search read every lead. On PostgreSQL, ``pg_trgm``'s GIN indexes
serve ``ILIKE``/``LIKE`` with a wildcard at both ends (three characters or more), and
the search's conditions, joined by OR, become one bitmap scan of these indexes (the
lead number and the result reference have their b-trees already). The extension is
created in ``public`` and its operator class named there, so a database whose tables
live in another schema (the tests', a clinic's) finds it. SQLite has no such index:
there they are plain indexes (created with CREATE INDEX, no batch rebuild of
``leads``, which would drop ``ix_leads_email_normalised``).

Revision ID: 0019_search_indexes
Revises: 0018_rule_drafts
Create Date: 2026-12-07 16:20:00

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "0019_search_indexes"
down_revision = "0018_rule_drafts"
branch_labels = None
depends_on = None

COLUMNS = ("name", "email", "phone")


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public")
    for column in COLUMNS:
        op.create_index(
            f"ix_leads_{column}_trigram",
            "leads",
            [column],
            postgresql_using="gin",
            postgresql_ops={column: "public.gin_trgm_ops"},
        )


def downgrade():
    for column in COLUMNS:
        op.drop_index(f"ix_leads_{column}_trigram", table_name="leads")
