"""clinicians' verdicts against the check's, safety incidents, the audit sample

A verdict is a clinician's own next step for a lead after examining the person,
with the concerns found; corrections add rows (the earlier one marked replaced).
A missed concern opens a safety incident tied to hazard H1. Leads are marked when
drawn into the audit sample (a free clinician review offered, so the scorecard can
correct for who was verified).

Revision ID: 0012_verdicts
Revises: 0011_api_token_expiry
Create Date: 2026-12-07 12:45:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0012_verdicts"
down_revision = "0011_api_token_expiry"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("leads", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("audit_sample", sa.Boolean(), nullable=False, server_default=sa.false())
        )

    op.create_table(
        "verdicts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("lead_id", sa.Integer(), nullable=False),
        sa.Column("clinician_id", sa.Integer(), nullable=True),
        sa.Column("clinician_email", sa.String(length=254), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("examined_on", sa.Date(), nullable=False),
        sa.Column("outcome", sa.String(length=32), nullable=False),
        sa.Column("concerns", sa.JSON(), nullable=False),
        sa.Column("unasked_concern", sa.Text(), nullable=False),
        sa.Column("saw_check_first", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("cause", sa.String(length=32), nullable=False, server_default=""),
        sa.Column("cause_question", sa.String(length=64), nullable=False, server_default=""),
        sa.Column("cause_rule", sa.String(length=64), nullable=False, server_default=""),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("replaced_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["lead_id"], ["leads.id"], name=op.f("fk_verdicts_lead_id_leads"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["clinician_id"],
            ["staff_users.id"],
            name=op.f("fk_verdicts_clinician_id_staff_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_verdicts")),
    )
    with op.batch_alter_table("verdicts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_verdicts_lead_id"), ["lead_id"])

    op.create_table(
        "safety_incidents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("hazard", sa.String(length=8), nullable=False),
        sa.Column("lead_id", sa.Integer(), nullable=True),
        sa.Column("verdict_id", sa.Integer(), nullable=True),
        sa.Column("rulebase_version", sa.String(length=64), nullable=False),
        sa.Column("rulebase_sha256", sa.String(length=64), nullable=False),
        sa.Column("check_outcome", sa.String(length=32), nullable=False),
        sa.Column("verdict_outcome", sa.String(length=32), nullable=False),
        sa.Column("concerns", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["lead_id"],
            ["leads.id"],
            name=op.f("fk_safety_incidents_lead_id_leads"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["verdict_id"],
            ["verdicts.id"],
            name=op.f("fk_safety_incidents_verdict_id_verdicts"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_safety_incidents")),
    )
    with op.batch_alter_table("safety_incidents", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_safety_incidents_lead_id"), ["lead_id"])


def downgrade():
    op.drop_table("safety_incidents")
    op.drop_table("verdicts")
    with op.batch_alter_table("leads", schema=None) as batch_op:
        batch_op.drop_column("audit_sample")
    _restore_email_index()


def _restore_email_index() -> None:
    """SQLite rebuilt ``leads`` without its expression index (0007's ``lower(email)``, which
    batch mode cannot reflect): put it back, or the duplicate search reads every lead."""
    if op.get_bind().dialect.name == "sqlite":
        op.execute("CREATE INDEX IF NOT EXISTS ix_leads_email_normalised ON leads (lower(email))")
