"""The database: SQLite in the instance folder by default, PostgreSQL via DATABASE_URL.

The embedded SQLite database is created and migrated on start-up, so a first
run needs no manual step. PostgreSQL is migrated by the deploy step
``flask db upgrade`` (or on start-up when AUTO_MIGRATE=1).
"""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from flask_migrate import upgrade

from extensions import db, migrate

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def init_storage(app: Flask) -> None:
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        path = Path(app.instance_path) / "screening.sqlite3"
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{path}"
    app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", {"pool_pre_ping": True})
    import leads.models  # noqa: F401 - register the tables with the metadata
    import metrics  # noqa: F401
    import staff.models  # noqa: F401

    db.init_app(app)
    migrate.init_app(app, db, directory=str(MIGRATIONS), render_as_batch=True)
    if app.config.get("AUTO_MIGRATE"):
        with app.app_context():
            upgrade(directory=str(MIGRATIONS))
