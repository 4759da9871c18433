"""each staff account's set-password link serial: a new link ends the earlier ones

Revision ID: 0010_password_link_serial
Revises: 0009_signoff_withdrawal
Create Date: 2026-12-07 10:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0010_password_link_serial"
down_revision = "0009_signoff_withdrawal"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("staff_users", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("password_link_serial", sa.Integer(), nullable=False, server_default="0")
        )


def downgrade():
    with op.batch_alter_table("staff_users", schema=None) as batch_op:
        batch_op.drop_column("password_link_serial")
