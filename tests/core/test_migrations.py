"""The migrations build exactly the schema the models declare, on SQLite and PostgreSQL.

A model change without its migration would pass every test that creates tables
from the models and then fail on a clinic's database; here it fails first.
"""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from core.database import declared_by_models
from core.extensions import db


def test_the_migrated_database_matches_the_models(db_app):
    with db_app.app_context(), db.engine.connect() as connection:
        options = {"compare_type": True, "include_name": declared_by_models}
        context = MigrationContext.configure(connection, opts=options)
        differences = compare_metadata(context, db.metadata)
    assert differences == []
