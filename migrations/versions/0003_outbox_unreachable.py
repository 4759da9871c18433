"""outbox messages remember whether their server could not be reached

A message whose last try found its server unreachable (refused, timed out, cut
off) marks its channel as failing: new leads then leave that channel's messages
to the cron job instead of waiting on the same server. A message the server
answered and refused (a bad recipient, a 4xx) does not.

Revision ID: 0003_outbox_unreachable
Revises: 0002_sharded_counts
Create Date: 2026-12-01 00:30:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0003_outbox_unreachable"
down_revision = "0002_sharded_counts"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("unreachable", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade():
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_column("unreachable")
