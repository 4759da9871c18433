"""Migrations that rebuild a table on SQLite keep every index the table had.

SQLite cannot alter a column in place: Alembic's batch mode copies the table, and an
index it cannot reflect (an expression, such as ``lower(email)``) is silently left
behind. The duplicate search by email then reads every lead.
"""

from __future__ import annotations

from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from core.database import MIGRATIONS
from core.extensions import db
from tests.support import sqlite_app


def _lead_indexes() -> set[str]:
    rows = db.session.execute(
        text("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'leads'")
    )
    return {name for (name,) in rows}


def test_every_migration_up_and_down_keeps_the_email_index(tmp_path):
    app = sqlite_app(tmp_path)
    with app.app_context():
        assert "ix_leads_email_normalised" in _lead_indexes()  # at the newest version
        for revision in ("0011_api_token_expiry", "0007_front_desk"):
            downgrade(directory=str(MIGRATIONS), revision=revision)
            assert "ix_leads_email_normalised" in _lead_indexes(), revision
        upgrade(directory=str(MIGRATIONS))
        assert "ix_leads_email_normalised" in _lead_indexes()
