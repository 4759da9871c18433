"""The dashboard's calls per person from an index: unmerged leads by assignee and follow-up

The dashboard's "Today" counts each person's calls overdue and due later today, each
count stopping at 1,000 (``staff.dashboard.people``). ``ix_leads_open_assignee_follow_up``
(assignee, then follow-up time, on the unmerged leads) makes each of those a range of
one index; without it a person's overdue calls were found among all of their leads.
The open leads per person (new, contacted) read ``ix_leads_open_status_assignee``.

Revision ID: 0021_dashboard_indexes
Revises: 0020_figure_indexes
Create Date: 2026-12-07 22:10:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0021_dashboard_indexes"
down_revision = "0020_figure_indexes"
branch_labels = None
depends_on = None

UNMERGED = sa.text("merged_into_id IS NULL")


def upgrade():
    op.create_index(
        "ix_leads_open_assignee_follow_up",
        "leads",
        ["assigned_to_id", "follow_up_at"],
        postgresql_where=UNMERGED,
        sqlite_where=UNMERGED,
    )


def downgrade():
    op.drop_index("ix_leads_open_assignee_follow_up", table_name="leads")
