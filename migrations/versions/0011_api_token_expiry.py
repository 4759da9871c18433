"""API tokens expire and can be rotated: ``expires_at`` (required) and ``rotated_at``

Every token existing at the upgrade is given ``expires_at`` = the moment of the
upgrade plus 90 days (the default life of a new token), not its creation date plus
90 days: no system connected today loses access the moment this release is
deployed, and an admin has 90 days to rotate or replace each token. Revoked tokens
get the same date (they stay refused: revocation is checked first).

Revision ID: 0011_api_token_expiry
Revises: 0010_password_link_serial
Create Date: 2026-12-07 10:00:00

"""

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0011_api_token_expiry"
down_revision = "0010_password_link_serial"
branch_labels = None
depends_on = None

EXISTING_TOKENS_LIVE = timedelta(days=90)


def upgrade():
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.add_column(sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("rotated_at", sa.DateTime(timezone=True), nullable=True))

    expires = datetime.now(UTC) + EXISTING_TOKENS_LIVE
    if op.get_bind().dialect.name == "sqlite":
        expires = expires.replace(tzinfo=None)  # stored as UTC without a zone, as UTCDateTime does
    tokens = sa.table("api_tokens", sa.column("expires_at", sa.DateTime(timezone=True)))
    op.execute(tokens.update().where(tokens.c.expires_at.is_(None)).values(expires_at=expires))

    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.alter_column(
            "expires_at", existing_type=sa.DateTime(timezone=True), nullable=False
        )


def downgrade():
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.drop_column("rotated_at")
        batch_op.drop_column("expires_at")
