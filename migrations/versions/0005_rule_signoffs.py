"""clinicians' sign-offs of rule versions, each with the signed file's text

Revision ID: 0005_rule_signoffs
Revises: 0004_staff_sessions
Create Date: 2026-12-02 14:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0005_rule_signoffs"
down_revision = "0004_staff_sessions"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "rule_signoffs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("version", sa.String(length=64), nullable=False),
        sa.Column("rules_text", sa.Text(), nullable=False),
        sa.Column("proof_summary", sa.String(length=500), nullable=False),
        sa.Column("signer_id", sa.Integer(), nullable=True),
        sa.Column("signer_name", sa.String(length=120), nullable=False),
        sa.Column("signer_registration", sa.String(length=64), nullable=False),
        sa.Column("signer_email", sa.String(length=254), nullable=False),
        sa.Column("signed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["signer_id"],
            ["staff_users.id"],
            name=op.f("fk_rule_signoffs_signer_id_staff_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rule_signoffs")),
        sa.UniqueConstraint("sha256", name=op.f("uq_rule_signoffs_sha256")),
    )
    op.create_index(
        op.f("ix_rule_signoffs_signed_at"), "rule_signoffs", ["signed_at"], unique=False
    )


def downgrade():
    op.drop_index(op.f("ix_rule_signoffs_signed_at"), table_name="rule_signoffs")
    op.drop_table("rule_signoffs")
