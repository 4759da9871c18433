"""The stored figures' versions from indexes: the newest cancellation and replacement

The dashboard's and the rule book's stored figures are computed again when the data
they read differs; that version is read on every view, from one end of an index per
figure (``core.computed_figures.figures_version``). Two of its figures had no index:
an appointment's ``cancelled_at`` and a verdict's ``replaced_at``.

Revision ID: 0020_figure_indexes
Revises: 0019_search_indexes
Create Date: 2026-12-07 19:40:00

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "0020_figure_indexes"
down_revision = "0019_search_indexes"
branch_labels = None
depends_on = None

INDEXES = (("appointments", "cancelled_at"), ("verdicts", "replaced_at"))


def upgrade():
    for table, column in INDEXES:
        op.create_index(f"ix_{table}_{column}", table, [column])


def downgrade():
    for table, column in INDEXES:
        op.drop_index(f"ix_{table}_{column}", table_name=table)
