"""What operators watch: liveness and readiness, Prometheus metrics, structured logs.

An entry point like ``api`` and ``embed``, for the machines that look after the
app rather than for people: the load balancer asks ``/healthz`` (the process
answers) and ``/readyz`` (the database answers, its migrations are at head, the
rule file is proved); Prometheus reads ``/internal/metrics``, which only
loopback and METRICS_ALLOWED_NETWORKS may read. Every log line of a request
carries its request id (``X-Request-ID``), as one JSON object when
LOG_FORMAT=json (the default in production). docs/production.md, "Watching it",
has the names, formats and settings.

``init_app`` runs first in create_app, so that every later line of start-up is in
the configured format; its request hooks run before (and after) every other one.
"""

from __future__ import annotations

from flask import Flask

from core.config import parse_networks
from ops import hooks, logs, metrics
from ops.deploy_check_cli import deploy_check
from ops.views import bp

__all__ = ["init_app"]


def init_app(app: Flask) -> None:
    logs.init_app(app)
    # Normalised and checked here too, so a test or instance config gets the same refusal.
    app.config["METRICS_ALLOWED_NETWORKS"] = parse_networks(
        app.config.get("METRICS_ALLOWED_NETWORKS") or ()
    )
    metrics.init_app(app)
    hooks.init_app(app)
    app.register_blueprint(bp)
    app.cli.add_command(deploy_check)
