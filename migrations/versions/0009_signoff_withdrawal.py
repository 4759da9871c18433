"""a clinician can withdraw a rule version's sign-off: when, by whom and why

Revision ID: 0009_signoff_withdrawal
Revises: 0008_staff_language
Create Date: 2026-12-04 10:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0009_signoff_withdrawal"
down_revision = "0008_staff_language"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("rule_signoffs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("withdrawn_by_name", sa.String(length=120), nullable=True))
        batch_op.add_column(sa.Column("withdrawn_reason", sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table("rule_signoffs", schema=None) as batch_op:
        batch_op.drop_column("withdrawn_reason")
        batch_op.drop_column("withdrawn_by_name")
        batch_op.drop_column("withdrawn_at")
