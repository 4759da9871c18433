"""Leads keep the short result reference shown to the person (``result_reference``)

The result page and the confirmation show a reference such as "7KQ2-M9XD", made from
the check's flow id (questionnaire/reference.py), for the person to quote; the
console's search finds a lead by it. Leads stored before this revision get theirs
from their flow id here, so a reference a person already holds still finds them.

Revision ID: 0014_result_reference
Revises: 0013_booking_reference
Create Date: 2026-12-07 13:00:00

"""

import hashlib

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0014_result_reference"
down_revision = "0013_booking_reference"
branch_labels = None
depends_on = None

# A copy of questionnaire.reference.result_reference at this revision: a migration must
# keep doing what it did even when the application's code changes later.
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def _reference(flow_id: str) -> str:
    number = int.from_bytes(hashlib.sha256(flow_id.encode()).digest()[:5], "big")
    letters = "".join(ALPHABET[(number >> shift) & 31] for shift in range(35, -1, -5))
    return f"{letters[:4]}-{letters[4:]}"


def upgrade():
    with op.batch_alter_table("leads", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("result_reference", sa.String(length=9), nullable=False, server_default="")
        )
        batch_op.create_index(
            batch_op.f("ix_leads_result_reference"), ["result_reference"], unique=False
        )
    leads = sa.table(
        "leads",
        sa.column("id", sa.Integer),
        sa.column("flow_id", sa.String),
        sa.column("result_reference", sa.String),
    )
    bind = op.get_bind()
    rows = bind.execute(sa.select(leads.c.id, leads.c.flow_id)).all()
    if rows:
        bind.execute(
            leads.update()
            .where(leads.c.id == sa.bindparam("lead_id"))
            .values(result_reference=sa.bindparam("reference")),
            [{"lead_id": lead_id, "reference": _reference(flow_id)} for lead_id, flow_id in rows],
        )


def downgrade():
    with op.batch_alter_table("leads", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_leads_result_reference"))
        batch_op.drop_column("result_reference")
    _restore_email_index()


def _restore_email_index() -> None:
    """SQLite rebuilt ``leads`` without its expression index (0007's ``lower(email)``, which
    batch mode cannot reflect): put it back, or the duplicate search reads every lead."""
    if op.get_bind().dialect.name == "sqlite":
        op.execute("CREATE INDEX IF NOT EXISTS ix_leads_email_normalised ON leads (lower(email))")
