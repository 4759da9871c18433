"""The Consultations list from partial indexes: the audit sample, appointments held, verdicts

The clinicians' list (staff/verdicts/queue.py) grouped every appointment by lead (the
last passed one), scanned every lead for the audit sample and sorted every candidate:
173 ms at 100,000 leads on SQLite, 28 ms at 1,000. It now walks three partial indexes:

- ``ix_leads_audit_sample``: the unmerged leads drawn into the audit sample, a few of
  the leads (0 unless the clinic sets a share; 5 % of them in the bench);
- ``ix_appointments_held``: uncancelled appointments by time, then lead, read oldest
  first until the list is full;
- ``ix_verdicts_current``: a lead's current verdict from the index alone, asked of each
  appointment passed over.

Measured with bench/console_ratio.py (1,000 against 100,000 leads, medians): SQLite 28 and
184 ms before, 14 and 20 ms after; PostgreSQL 31 and 179 ms before, 28 and 38 ms after.
With 5 % of the leads in the sample and verdicts on most past consultations the list's cost
still grows with the sample and with the appointments passed over (staff/verdicts/queue.py).

Plain CREATE INDEX on both databases (no batch rebuild of ``leads`` on SQLite, which would
drop its triggers). On SQLite, a database whose statistics are kept has the three tables
analysed again here, as in 0024_view_indexes: an index without statistics looks selective
to its planner.

Revision ID: 0025_consultation_indexes
Revises: 0024_view_indexes
Create Date: 2026-12-08 01:10:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0025_consultation_indexes"
down_revision = "0024_view_indexes"
branch_labels = None
depends_on = None

#: Each index: its table, columns and the rows it holds, per database.
INDEXES = {
    "ix_leads_audit_sample": (
        "leads",
        ["audit_sample", "id"],  # an equality on its first column tells SQLite it is short
        {
            "postgresql": "audit_sample IS true AND merged_into_id IS NULL",
            "sqlite": "audit_sample IS 1 AND merged_into_id IS NULL",
        },
    ),
    "ix_appointments_held": (
        "appointments",
        ["starts_at", "lead_id"],
        {"postgresql": "cancelled_at IS NULL", "sqlite": "cancelled_at IS NULL"},
    ),
    "ix_verdicts_current": (
        "verdicts",
        ["lead_id"],
        {"postgresql": "replaced_at IS NULL", "sqlite": "replaced_at IS NULL"},
    ),
}


def _analysed_again() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        return  # PostgreSQL's statistics are the table's columns', which have not changed
    kept = bind.exec_driver_sql("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'")
    if kept.first() is not None:
        for table in ("leads", "appointments", "verdicts"):
            op.execute(f"ANALYZE {table}")


def upgrade():
    for name, (table, columns, where) in INDEXES.items():
        op.create_index(
            name,
            table,
            columns,
            postgresql_where=sa.text(where["postgresql"]),
            sqlite_where=sa.text(where["sqlite"]),
        )
    _analysed_again()


def downgrade():
    for name, (table, _columns, _where) in INDEXES.items():
        op.drop_index(name, table_name=table)
    _analysed_again()
