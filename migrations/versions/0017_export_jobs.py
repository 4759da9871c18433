"""Workbooks built in the background: the jobs asked for and their files

Revision ID: 0017_export_jobs
Revises: 0015_console_indexes
Create Date: 2026-12-07 14:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0017_export_jobs"
down_revision = "0015_console_indexes"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "export_jobs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("filters", sa.JSON(), nullable=False),
        sa.Column("audited_filters", sa.JSON(), nullable=False),
        sa.Column("lang", sa.String(length=16), nullable=False),
        sa.Column("file_name", sa.String(length=160), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("expected_rows", sa.Integer(), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=True),
        sa.Column("stored_as", sa.String(length=80), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("claimed_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["staff_id"], ["staff_users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_export_jobs_staff_id", "export_jobs", ["staff_id"])
    op.create_index("ix_export_jobs_finished_at", "export_jobs", ["finished_at"])
    op.create_index("ix_export_jobs_status", "export_jobs", ["status"])


def downgrade():
    op.drop_index("ix_export_jobs_status", table_name="export_jobs")
    op.drop_index("ix_export_jobs_finished_at", table_name="export_jobs")
    op.drop_index("ix_export_jobs_staff_id", table_name="export_jobs")
    op.drop_table("export_jobs")
