"""anonymous daily counters spread over shard rows

Each (day, event, detail) counter becomes up to core.counters.SHARDS rows, told apart
by ``shard``, so concurrent increments no longer queue on one row lock. The rows
already counted become shard 0. Downgrading first adds every counter's shards
into one row, so no count is lost either way.

Revision ID: 0002_sharded_counts
Revises: 0001_leads
Create Date: 2026-11-26 10:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0002_sharded_counts"
down_revision = "0001_leads"
branch_labels = None
depends_on = None

COUNTS = sa.table(
    "daily_counts",
    sa.column("id"),
    sa.column("day"),
    sa.column("event"),
    sa.column("detail"),
    sa.column("count"),
)


def upgrade():
    with op.batch_alter_table("daily_counts", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("shard", sa.SmallInteger(), nullable=False, server_default="0")
        )
        batch_op.drop_constraint("uq_daily_counts_day", type_="unique")
        batch_op.create_unique_constraint(
            "uq_daily_counts_day", ["day", "event", "detail", "shard"]
        )


def downgrade():
    # Fold every counter's shards into its first row, then drop the others.
    shards = COUNTS.alias("shards")
    same_counter = sa.and_(
        shards.c.day == COUNTS.c.day,
        shards.c.event == COUNTS.c.event,
        shards.c.detail == COUNTS.c.detail,
    )
    first = sa.select(sa.func.min(shards.c.id)).where(same_counter).scalar_subquery()
    total = sa.select(sa.func.sum(shards.c.count)).where(same_counter).scalar_subquery()
    op.execute(COUNTS.update().where(COUNTS.c.id == first).values(count=total))
    op.execute(COUNTS.delete().where(COUNTS.c.id != first))
    with op.batch_alter_table("daily_counts", schema=None) as batch_op:
        batch_op.drop_constraint("uq_daily_counts_day", type_="unique")
        batch_op.drop_column("shard")
        batch_op.create_unique_constraint("uq_daily_counts_day", ["day", "event", "detail"])
