"""Rule drafts edited in the console, and who changed what in each

Revision ID: 0018_rule_drafts
Revises: 0017_export_jobs
Create Date: 2026-12-07 16:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0018_rule_drafts"
down_revision = "0017_export_jobs"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "rule_drafts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("based_on_sha256", sa.String(length=64), nullable=False),
        sa.Column("rules_text", sa.Text(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_by_name", sa.String(length=120), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_by_name", sa.String(length=120), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("signed_sha256", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(["created_by_id"], ["staff_users.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["updated_by_id"], ["staff_users.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("signed_sha256", name="uq_rule_drafts_signed_sha256"),
    )
    op.create_index("ix_rule_drafts_state", "rule_drafts", ["state"])
    op.create_table(
        "rule_draft_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("draft_id", sa.Integer(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=True),
        sa.Column("staff_name", sa.String(length=120), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("what", sa.String(length=500), nullable=False),
        sa.ForeignKeyConstraint(["draft_id"], ["rule_drafts.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["staff_id"], ["staff_users.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_rule_draft_changes_draft_id", "rule_draft_changes", ["draft_id"])


def downgrade():
    op.drop_index("ix_rule_draft_changes_draft_id", table_name="rule_draft_changes")
    op.drop_table("rule_draft_changes")
    op.drop_index("ix_rule_drafts_state", table_name="rule_drafts")
    op.drop_table("rule_drafts")
