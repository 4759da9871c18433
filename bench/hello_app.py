"""The app as the benchmarks serve it: the production factory plus a bare "hello" route.

``/__bench/hello`` answers a constant string, so it measures what this stack (gunicorn,
nginx, the app's before/after-request work) costs with no page behind it: the ceiling
each benchmark compares a route to. The production factory (app.py) knows nothing of it.

    gunicorn 'bench.hello_app:create_app()'     (from the repository's root)
"""

from __future__ import annotations

from typing import Any

from flask import Flask

from app import create_app as create_production_app

HELLO_PATH = "/__bench/hello"
# gunicorn's argument for the app with the hello route (run from the repository's root).
GUNICORN_APP = "bench.hello_app:create_app()"


def create_app(
    test_config: dict[str, Any] | None = None, instance_path: str | None = None
) -> Flask:
    """app.create_app(), then the hello route."""
    app = create_production_app(test_config, instance_path)
    app.add_url_rule(HELLO_PATH, "bench_hello", lambda: "hello")
    return app
