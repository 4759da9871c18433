"""The console at 100,000 leads: indexes for the list's order and filters, stored figures

``ix_leads_created_at_id`` serves the leads list's order (newest first) and its keyset
walks (a lead page's previous/next, the API's cursor); ``ix_leads_updated_at`` the
API's ``updated_since``. Five partial indexes on the unmerged leads the console shows
(newest first, by assignee, by follow-up, the untouched, by status and assignee) let
its counts read an index instead of every lead (PostgreSQL counts from the index alone).
``computed_figures`` keeps what is too costly for every view (the rule book's replay),
once per version of its inputs, for every instance.

Revision ID: 0015_console_indexes
Revises: 0014_result_reference
Create Date: 2026-12-07 13:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0015_console_indexes"
down_revision = "0014_result_reference"
branch_labels = None
depends_on = None


UNMERGED = sa.text("merged_into_id IS NULL")
UNTOUCHED = sa.text(
    "status = 'new' AND status_changed_at IS NULL AND first_contacted_at IS NULL "
    "AND merged_into_id IS NULL"
)
PARTIAL = {
    # name: (columns, condition): each on both databases
    "ix_leads_open_newest": (["created_at", "id"], UNMERGED),
    "ix_leads_open_assignee": (["assigned_to_id"], UNMERGED),
    "ix_leads_open_follow_up": (["follow_up_at"], UNMERGED),
    "ix_leads_open_untouched": (["created_at", "id"], UNTOUCHED),
    "ix_leads_open_status_assignee": (["status", "assigned_to_id"], UNMERGED),
}


def upgrade():
    op.create_index("ix_leads_created_at_id", "leads", ["created_at", "id"])
    for name, (columns, condition) in PARTIAL.items():
        op.create_index(name, "leads", columns, postgresql_where=condition, sqlite_where=condition)
    op.create_index("ix_leads_updated_at", "leads", ["updated_at"])
    op.create_table(
        "computed_figures",
        sa.Column("name", sa.String(length=128), nullable=False),
        sa.Column("version", sa.String(length=255), nullable=False),
        sa.Column("computed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("value", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )


def downgrade():
    op.drop_table("computed_figures")
    for name in PARTIAL:
        op.drop_index(name, table_name="leads")
    op.drop_index("ix_leads_updated_at", table_name="leads")
    op.drop_index("ix_leads_created_at_id", table_name="leads")
