"""The foundations every layer stands on: configuration, the database and its types,
the shared Flask extensions and the anonymous counters.

Nothing here imports a package above it (the import-linter contract in
pyproject.toml checks it), so any feature may build on it.
"""

from __future__ import annotations

from flask import Flask

from core.clinic_details import warn_about_placeholders
from core.database import init_storage
from core.extensions import limiter


def init_app(app: Flask) -> None:
    """The database (migrated on start-up when configured) and the rate limiter; in
    production, a warning for each clinic detail still at a placeholder."""
    warn_about_placeholders(app.config)
    init_storage(app)
    app.config.setdefault("RATELIMIT_STORAGE_URI", "memory://")
    limiter.init_app(app)
