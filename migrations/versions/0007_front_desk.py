"""the front desk's working day: assignment, follow-ups, calls, appointments, merges

Leads get an assignee, a next follow-up time, the time of first contact and of
the last status change, and (when merged into another lead) the lead they were
merged into. Notes remember a call's outcome, and when their author corrected
them and the earlier words. Appointments are recorded for booked leads; an outbox message may belong
to one (its confirmation, its reminder). Audit events keep their details as
data, so the console writes them as sentences in its own language.

Revision ID: 0007_front_desk
Revises: 0006_staff_accounts
Create Date: 2026-12-03 13:40:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0007_front_desk"
down_revision = "0006_staff_accounts"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("leads", schema=None) as batch_op:
        batch_op.add_column(sa.Column("assigned_to_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("follow_up_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(
            sa.Column("first_contacted_at", sa.DateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(
            sa.Column("status_changed_at", sa.DateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(sa.Column("merged_into_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            "fk_leads_assigned_to_id_staff_users", "staff_users", ["assigned_to_id"], ["id"],
            ondelete="SET NULL",
        )  # fmt: skip
        batch_op.create_foreign_key(
            "fk_leads_merged_into_id_leads", "leads", ["merged_into_id"], ["id"],
            ondelete="SET NULL",
        )  # fmt: skip
        batch_op.create_index(batch_op.f("ix_leads_assigned_to_id"), ["assigned_to_id"])
        batch_op.create_index(batch_op.f("ix_leads_follow_up_at"), ["follow_up_at"])
        batch_op.create_index(batch_op.f("ix_leads_merged_into_id"), ["merged_into_id"])
        batch_op.create_index("ix_leads_phone", ["phone"])
    # The same person again (duplicates, data requests): emails compared trimmed, any case.
    op.create_index("ix_leads_email_normalised", "leads", [sa.text("lower(email)")])

    with op.batch_alter_table("lead_notes", schema=None) as batch_op:
        batch_op.add_column(sa.Column("edited_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("earlier_texts", sa.JSON(), nullable=True))
        batch_op.add_column(
            sa.Column("call_outcome", sa.String(length=16), nullable=False, server_default="")
        )

    op.create_table(
        "appointments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("lead_id", sa.Integer(), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("duration_minutes", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["lead_id"],
            ["leads.id"],
            name=op.f("fk_appointments_lead_id_leads"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["staff_users.id"],
            name=op.f("fk_appointments_created_by_id_staff_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_appointments")),
    )
    with op.batch_alter_table("appointments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_appointments_lead_id"), ["lead_id"])
        batch_op.create_index(batch_op.f("ix_appointments_starts_at"), ["starts_at"])

    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("appointment_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            "fk_outbox_appointment_id_appointments", "appointments", ["appointment_id"], ["id"],
            ondelete="CASCADE",
        )  # fmt: skip
        batch_op.create_index(batch_op.f("ix_outbox_appointment_id"), ["appointment_id"])

    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("data", sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.drop_column("data")
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_outbox_appointment_id"))
        batch_op.drop_constraint("fk_outbox_appointment_id_appointments", type_="foreignkey")
        batch_op.drop_column("appointment_id")
    with op.batch_alter_table("appointments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_appointments_starts_at"))
        batch_op.drop_index(batch_op.f("ix_appointments_lead_id"))
    op.drop_table("appointments")
    with op.batch_alter_table("lead_notes", schema=None) as batch_op:
        batch_op.drop_column("call_outcome")
        batch_op.drop_column("earlier_texts")
        batch_op.drop_column("edited_at")
    op.drop_index("ix_leads_email_normalised", table_name="leads")
    with op.batch_alter_table("leads", schema=None) as batch_op:
        batch_op.drop_index("ix_leads_phone")
        batch_op.drop_index(batch_op.f("ix_leads_merged_into_id"))
        batch_op.drop_index(batch_op.f("ix_leads_follow_up_at"))
        batch_op.drop_index(batch_op.f("ix_leads_assigned_to_id"))
        batch_op.drop_constraint("fk_leads_merged_into_id_leads", type_="foreignkey")
        batch_op.drop_constraint("fk_leads_assigned_to_id_staff_users", type_="foreignkey")
        for column in (
            "merged_into_id",
            "status_changed_at",
            "first_contacted_at",
            "follow_up_at",
            "assigned_to_id",
        ):
            batch_op.drop_column(column)
