"""Prometheus metrics (prometheus_client, the official client), read at /internal/metrics.

=========================================== ========= ===================================
name                                        type      labels
=========================================== ========= ===================================
screening_http_requests_total               counter   method, route, status ("2xx"...)
screening_http_request_duration_seconds     histogram route
screening_leads_created_total               counter   source, outcome
screening_contact_spam_caught_total         counter   trap ("honeypot", "too_quick"): stored nothing
screening_outbox_pending_messages           gauge     (none): notifications not yet sent
screening_outbox_dead_messages              gauge     (none): given up after every retry
screening_database_up                       gauge     (none): 1 when the outbox counts were read
=========================================== ========= ===================================

``route`` is the URL rule (``/check/<step_id>``), or "unmatched": never a path, a
token or an id, so the number of series stays fixed. A lead is counted when it is
stored (not when a repeated submit finds it stored already), through
``leads.service.lead_created``: leads knows nothing of metrics.

The outbox gauges are two COUNTs read from the database when Prometheus scrapes
(``OutboxCollector``), so every worker answers the same, and nothing has to be kept
up to date as messages come and go.

Several gunicorn workers: with PROMETHEUS_MULTIPROC_DIR set (in the environment,
before the app is imported), prometheus_client keeps each worker's counts in files
in that folder and a scrape sums every worker's, so any worker can answer it
(multiprocess mode). Give each instance a folder of its own, empty at its start.
Without it, a scrape shows the counts of the worker that answers it only.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator

from flask import Flask
from prometheus_client import CollectorRegistry, Counter, Histogram, disable_created_metrics
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.exposition import choose_encoder
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector
from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError

from core.config import ConfigError
from core.extensions import db
from leads.models import OutboxMessage
from leads.service import lead_created
from leads.spam import spam_caught

log = logging.getLogger(__name__)

MULTIPROCESS_ENV = "PROMETHEUS_MULTIPROC_DIR"

#: The metrics this process counts (in multiprocess mode they also go to its files).
PROCESS_REGISTRY = CollectorRegistry()
# No "_created" series beside every counter and histogram: twice the series, and
# Prometheus sees a counter's restart without them.
disable_created_metrics()

REQUESTS = Counter(
    "screening_http_requests",
    "HTTP requests answered, by method, route (the URL rule) and status class.",
    ["method", "route", "status"],
    registry=PROCESS_REGISTRY,
)
REQUEST_SECONDS = Histogram(
    "screening_http_request_duration_seconds",
    "Time from the first request hook to the last response hook, by route.",
    ["route"],
    registry=PROCESS_REGISTRY,
)
LEADS_CREATED = Counter(
    "screening_leads_created",
    "Contact requests stored, by where they came from and the decision's outcome.",
    ["source", "outcome"],
    registry=PROCESS_REGISTRY,
)


SPAM_CAUGHT = Counter(
    "screening_contact_spam_caught",
    "Contact submissions a spam defence caught, nothing stored (honeypot: answered like a "
    "success; too_quick: sent sooner than CONTACT_MIN_SECONDS, the form shown again).",
    ["trap"],
    registry=PROCESS_REGISTRY,
)


def observe_request(method: str, route: str, status: int, seconds: float) -> None:
    REQUESTS.labels(method, route, f"{status // 100}xx").inc()
    REQUEST_SECONDS.labels(route).observe(seconds)


def count_lead(_sender: object, *, source: str, outcome: str, **_extra: object) -> None:
    """Receives ``leads.service.lead_created``."""
    LEADS_CREATED.labels(source, outcome).inc()


def count_spam(_sender: object, *, trap: str, **_extra: object) -> None:
    """Receives ``leads.spam.spam_caught``."""
    SPAM_CAUGHT.labels(trap).inc()


class OutboxCollector(Collector):
    """The outbox's backlog and dead messages, counted in the database at scrape time."""

    def collect(self) -> Iterator[Metric]:
        up = GaugeMetricFamily(
            "screening_database_up",
            "1 when the database answered this scrape's outbox counts, 0 when it did not.",
        )
        try:
            with db.engine.connect() as connection:
                counts = dict(
                    connection.execute(
                        select(OutboxMessage.status, func.count())
                        .where(OutboxMessage.status.in_(("pending", "dead")))
                        .group_by(OutboxMessage.status)
                    ).all()
                )
        except SQLAlchemyError as error:
            log.warning("metrics: the outbox could not be counted (%s)", type(error).__name__)
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield up
        yield GaugeMetricFamily(
            "screening_outbox_pending_messages",
            "Notifications waiting to be sent (their first try or a retry).",
            value=counts.get("pending", 0),
        )
        yield GaugeMetricFamily(
            "screening_outbox_dead_messages",
            "Notifications given up after OUTBOX_MAX_ATTEMPTS tries (shown to admins).",
            value=counts.get("dead", 0),
        )


class _ThisProcess(Collector):
    def collect(self) -> Iterator[Metric]:
        return PROCESS_REGISTRY.collect()


def multiprocess_dir() -> str | None:
    path = os.environ.get(MULTIPROCESS_ENV)
    if path is not None and not os.path.isdir(path):
        raise ConfigError(
            f"{MULTIPROCESS_ENV}={path!r} is not a folder: create it (empty) before "
            "gunicorn starts, one per instance"
        )
    return path


def init_app(app: Flask) -> None:
    registry = CollectorRegistry()
    path = multiprocess_dir()
    if path:
        MultiProcessCollector(registry, path=path)  # every worker's files, summed
    else:
        registry.register(_ThisProcess())
    registry.register(OutboxCollector())
    app.extensions["ops_metrics_registry"] = registry
    lead_created.connect(count_lead)  # a module function: blinker's weak reference holds
    spam_caught.connect(count_spam)


def exposition(app: Flask, accept: str | None) -> tuple[bytes, str]:
    """The text Prometheus reads, in the format its Accept header asks for, and its
    content type (call inside a request or app context: it reads the database)."""
    encode, content_type = choose_encoder(accept or "")
    return encode(app.extensions["ops_metrics_registry"]), content_type
