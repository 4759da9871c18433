"""each staff account's language, for the emails it gets (a set-password link)

Revision ID: 0008_staff_language
Revises: 0007_front_desk
Create Date: 2026-12-04 21:40:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0008_staff_language"
down_revision = "0007_front_desk"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("staff_users", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("lang", sa.String(length=16), nullable=False, server_default="")
        )


def downgrade():
    with op.batch_alter_table("staff_users", schema=None) as batch_op:
        batch_op.drop_column("lang")
