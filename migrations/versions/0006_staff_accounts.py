"""staff accounts fit for health data: two-factor, permissions, API tokens, settings

Two-factor sign-in (a TOTP secret per account and one-use recovery codes),
export and delete as permissions, a forced password change for accounts whose
password an admin chose; API tokens for other systems (hashed, scoped,
revocable) and the audit rows they write; clinic-wide settings; outbox
messages addressed to a member of staff (no lead) and webhook events.

Revision ID: 0006_staff_accounts
Revises: 0005_rule_signoffs
Create Date: 2026-12-02 18:40:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0006_staff_accounts"
down_revision = "0005_rule_signoffs"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("staff_users", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "must_change_password", sa.Boolean(), nullable=False, server_default=sa.false()
            )
        )
        batch_op.add_column(
            sa.Column("password_changed_at", sa.DateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(
            sa.Column("can_export", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(
            sa.Column("can_delete", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(sa.Column("totp_secret", sa.String(length=64), nullable=True))
        batch_op.add_column(
            sa.Column("totp_confirmed_at", sa.DateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(sa.Column("totp_last_step", sa.BigInteger(), nullable=True))

    op.create_table(
        "staff_recovery_codes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["staff_id"],
            ["staff_users.id"],
            name=op.f("fk_staff_recovery_codes_staff_id_staff_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff_recovery_codes")),
    )
    with op.batch_alter_table("staff_recovery_codes", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_staff_recovery_codes_staff_id"), ["staff_id"], unique=False
        )

    op.create_table(
        "api_tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("token_prefix", sa.String(length=16), nullable=False),
        sa.Column("scopes", sa.String(length=255), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["staff_users.id"],
            name=op.f("fk_api_tokens_created_by_id_staff_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_api_tokens_token_hash")),
    )

    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("api_token_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            "fk_audit_events_api_token_id_api_tokens",
            "api_tokens",
            ["api_token_id"],
            ["id"],
            ondelete="SET NULL",
        )

    op.create_table(
        "clinic_settings",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("value", sa.String(length=255), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["updated_by_id"],
            ["staff_users.id"],
            name=op.f("fk_clinic_settings_updated_by_id_staff_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_clinic_settings")),
    )

    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.alter_column("lead_id", existing_type=sa.Integer(), nullable=True)
        batch_op.add_column(sa.Column("staff_id", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("event", sa.String(length=64), nullable=False, server_default="")
        )
        batch_op.create_foreign_key(
            "fk_outbox_staff_id_staff_users", "staff_users", ["staff_id"], ["id"],
            ondelete="CASCADE",
        )  # fmt: skip
        batch_op.create_index(batch_op.f("ix_outbox_staff_id"), ["staff_id"], unique=False)


def downgrade():
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_outbox_staff_id"))
        batch_op.drop_constraint("fk_outbox_staff_id_staff_users", type_="foreignkey")
        batch_op.drop_column("event")
        batch_op.drop_column("staff_id")
        batch_op.alter_column("lead_id", existing_type=sa.Integer(), nullable=False)
    op.drop_table("clinic_settings")
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.drop_constraint("fk_audit_events_api_token_id_api_tokens", type_="foreignkey")
        batch_op.drop_column("api_token_id")
    op.drop_table("api_tokens")
    with op.batch_alter_table("staff_recovery_codes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_staff_recovery_codes_staff_id"))
    op.drop_table("staff_recovery_codes")
    with op.batch_alter_table("staff_users", schema=None) as batch_op:
        for column in (
            "totp_last_step",
            "totp_confirmed_at",
            "totp_secret",
            "can_delete",
            "can_export",
            "password_changed_at",
            "must_change_password",
        ):
            batch_op.drop_column(column)
