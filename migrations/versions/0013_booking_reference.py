"""Bookings come back from the clinic's booking tool: a reference per lead, the events kept

Every lead gets an opaque ``booking_reference`` (existing ones are given a fresh random
one here); appointments remember which tool booked them and that tool's booking id
(unique per tool); ``booking_events`` keeps each signed event once per tool and event
id, matched to a lead or waiting for the front desk.

Revision ID: 0013_booking_reference
Revises: 0012_verdicts
Create Date: 2026-12-07 12:50:00

"""

import base64
import secrets

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0013_booking_reference"
down_revision = "0012_verdicts"
branch_labels = None
depends_on = None


def _reference() -> str:
    # The same shape as leads/booking_reference.py (a migration does not import the app).
    return "bk" + base64.b32encode(secrets.token_bytes(16)).decode("ascii").rstrip("=").lower()


def upgrade():
    with op.batch_alter_table("leads", schema=None) as batch_op:
        batch_op.add_column(sa.Column("booking_reference", sa.String(length=32), nullable=True))

    leads = sa.table("leads", sa.column("id", sa.Integer), sa.column("booking_reference"))
    connection = op.get_bind()
    for (lead_id,) in connection.execute(sa.select(leads.c.id)).all():
        connection.execute(
            leads.update().where(leads.c.id == lead_id).values(booking_reference=_reference())
        )

    with op.batch_alter_table("leads", schema=None) as batch_op:
        batch_op.alter_column("booking_reference", existing_type=sa.String(32), nullable=False)
        batch_op.create_index(
            batch_op.f("ix_leads_booking_reference"), ["booking_reference"], unique=True
        )

    with op.batch_alter_table("appointments", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("booking_tool", sa.String(length=16), nullable=False, server_default="")
        )
        batch_op.add_column(sa.Column("booking_id", sa.String(length=200), nullable=True))
        batch_op.create_unique_constraint(
            batch_op.f("uq_appointments_booking_tool"), ["booking_tool", "booking_id"]
        )

    op.create_table(
        "booking_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tool", sa.String(length=16), nullable=False),
        sa.Column("event_id", sa.String(length=255), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("change", sa.String(length=16), nullable=False),
        sa.Column("booking_id", sa.String(length=200), nullable=False),
        sa.Column("previous_booking_id", sa.String(length=200), nullable=False, server_default=""),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("duration_minutes", sa.Integer(), nullable=True),
        sa.Column("reference", sa.String(length=64), nullable=False),
        sa.Column("booker_name", sa.String(length=200), nullable=False),
        sa.Column("booker_email", sa.String(length=254), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("lead_id", sa.Integer(), nullable=True),
        sa.Column("attached_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["lead_id"],
            ["leads.id"],
            name=op.f("fk_booking_events_lead_id_leads"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["attached_by_id"],
            ["staff_users.id"],
            name=op.f("fk_booking_events_attached_by_id_staff_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_booking_events")),
        sa.UniqueConstraint("tool", "event_id", name=op.f("uq_booking_events_tool")),
    )
    with op.batch_alter_table("booking_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_booking_events_state"), ["state"])
        batch_op.create_index(batch_op.f("ix_booking_events_lead_id"), ["lead_id"])
    _restore_email_index()


def downgrade():
    op.drop_table("booking_events")
    with op.batch_alter_table("appointments", schema=None) as batch_op:
        batch_op.drop_constraint("uq_appointments_booking_tool", type_="unique")
        batch_op.drop_column("booking_id")
        batch_op.drop_column("booking_tool")
    with op.batch_alter_table("leads", schema=None) as batch_op:
        batch_op.drop_index("ix_leads_booking_reference")
        batch_op.drop_column("booking_reference")
    _restore_email_index()


def _restore_email_index() -> None:
    """SQLite rebuilt ``leads`` without its expression index (0007's ``lower(email)``, which
    batch mode cannot reflect): put it back, or the duplicate search reads every lead."""
    if op.get_bind().dialect.name == "sqlite":
        op.execute("CREATE INDEX IF NOT EXISTS ix_leads_email_normalised ON leads (lower(email))")
