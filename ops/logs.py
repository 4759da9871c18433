"""Logs: one line per event on stderr, as JSON (production) or text, each with its request id.

``init_app`` gives the root logger one handler on stderr, so the app's own
loggers (``app``, ``leads.service``, ``core.database``, ...), Flask's, Alembic's and
Werkzeug's all write in one format. With LOG_FORMAT=json (the default when
APP_ENV=production) a line is one JSON object::

    {"time": "2025-01-31T09:30:00.123Z", "level": "INFO", "logger": "screening.access",
     "message": "POST /check/<step_id> 303", "request_id": "3f2c...", "method": "POST",
     "route": "/check/<step_id>", "status": 303, "duration_ms": 4.1}

Each request gets an id: the incoming ``X-Request-ID`` when it is a short safe
token (at most 64 of ``A-Z a-z 0-9 . _ -``), else a new one (uuid4, hex). It is
sent back in ``X-Request-ID`` and is in every line logged while the request is
served, including the notifications sent once its answer has gone out.

What is never logged: request bodies and form fields (a person's health answers,
name, email, phone), cookies, headers, query strings (the ``s=`` token carries the
sealed answers, ``token=`` a set-password link's secret) and raw paths. A request
is named by its route, the URL rule (``/check/<step_id>``). As a second line of
defence every line is scrubbed of ``s=`` and ``token=`` values and of SQLAlchemy's
``[parameters: ...]`` (the values a failed statement was sent with: a lead's name
and email) before it is written.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import uuid
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

from flask import Flask, has_request_context, request
from flask.logging import default_handler

from core.config import LOG_FORMATS, ConfigError

REQUEST_ID_HEADER = "X-Request-ID"
_SAFE_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")
#: The access line of each request: method, route, status and duration.
access_log = logging.getLogger("screening.access")

#: The id of the request being served (or whose after-response work is running).
_request_id: ContextVar[str | None] = ContextVar("request_id", default=None)

_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
UNMATCHED_ROUTE = "unmatched"  # no URL rule matched (404, 405): the raw path is never a label

# Second line of defence: a token in a query string, SQLAlchemy's bound values (hidden
# by the engine's hide_parameters too), and PostgreSQL's DETAIL line, which names a
# duplicate key's value or a failing row ("Key (email)=(...) already exists.").
_TOKEN_VALUE = re.compile(r"(?<![\w.%-])((?:s|token)=)[^&\s\"']+")
_SQL_PARAMETERS = re.compile(r"\[parameters: [^\n]*")
_SERVER_DETAIL = re.compile(r"\bDETAIL:[^\n]*")


def scrub(text: str) -> str:
    """The text without ``s=`` or ``token=`` values, a failed statement's bound parameters or
    the database server's DETAIL line."""
    text = _TOKEN_VALUE.sub(r"\1[hidden]", text)
    text = _SERVER_DETAIL.sub("DETAIL: [hidden]", text)
    return _SQL_PARAMETERS.sub("[parameters: hidden]", text)


def request_id_from(header: str | None) -> str:
    """The incoming id if it is a short safe token, else a new one."""
    if header and _SAFE_REQUEST_ID.fullmatch(header):
        return header
    return uuid.uuid4().hex


def route_of_request() -> str:
    """The URL rule that matched (``/check/<step_id>``), never the path that was asked for."""
    rule = request.url_rule
    return rule.rule if rule is not None else UNMATCHED_ROUTE


def method_of_request() -> str:
    """The method, or "other" for a made-up one (a label must come from a short list)."""
    return request.method if request.method in _METHODS else "other"


class RequestFields(logging.Filter):
    """Adds the request id, and inside a request its method and route, to every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "request_id", None) is None:
            record.request_id = _request_id.get()
        if has_request_context():
            if getattr(record, "method", None) is None:
                record.method = method_of_request()
            if getattr(record, "route", None) is None:
                record.route = route_of_request()
        return True


_FIELDS = ("request_id", "method", "route", "status", "duration_ms")


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC, ISO 8601), level, logger, message, the request's
    fields when there are any, and the exception's text when there is one."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC)
            .isoformat(timespec="milliseconds")
            .replace("+00:00", "Z"),
            "level": record.levelname,
            "logger": record.name,
            "message": scrub(record.getMessage()),
        }
        for name in _FIELDS:
            value = getattr(record, name, None)
            if value is not None:
                line[name] = value
        if record.exc_info:
            line["exception"] = scrub(self.formatException(record.exc_info))
        elif record.exc_text:
            line["exception"] = scrub(record.exc_text)
        if record.stack_info:
            line["stack"] = scrub(self.formatStack(record.stack_info))
        return json.dumps(line, ensure_ascii=False, default=str)


class TextFormatter(logging.Formatter):
    """For a developer's terminal: time, level, logger, request id, message."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s [%(name)s] %(request_label)s%(message)s")

    def format(self, record: logging.LogRecord) -> str:
        request_id = getattr(record, "request_id", None)
        record.request_label = f"{request_id[:8]} " if request_id else ""
        return scrub(super().format(record))


class _OurHandler(logging.StreamHandler):
    """The one handler init_app puts on the root logger (found again by its class)."""


def log_format(config: dict[str, Any]) -> str:
    chosen = config.get("LOG_FORMAT") or (
        "json" if config.get("APP_ENV") == "production" else "text"
    )
    if chosen not in LOG_FORMATS:
        raise ConfigError(f"LOG_FORMAT must be json or text, got {chosen!r}")
    return chosen


def configure_logging(fmt: str) -> logging.Handler:
    """The root logger writes INFO and above to stderr in ``fmt``; done once per process,
    and again only to change the format (several apps in one process, as in the tests)."""
    root = logging.getLogger()
    handler = next((h for h in root.handlers if isinstance(h, _OurHandler)), None)
    if handler is None:
        handler = _OurHandler(sys.stderr)
        handler.addFilter(RequestFields())
        root.addHandler(handler)
    handler.setFormatter(JsonFormatter() if fmt == "json" else TextFormatter())
    if root.getEffectiveLevel() > logging.INFO:
        root.setLevel(logging.INFO)
    # Alembic says which database dialect it found each time the readiness check compares
    # the schema with the migrations: noise, not news, every few seconds.
    logging.getLogger("alembic.runtime.migration").addFilter(_quiet_alembic_context)
    return handler


def _quiet_alembic_context(record: logging.LogRecord) -> bool:
    message = str(record.msg)
    return not message.startswith(("Context impl", "Will assume"))


def init_app(app: Flask) -> None:
    configure_logging(log_format(app.config))
    app.logger.removeHandler(default_handler)  # the root's handler writes Flask's lines too


def set_request_id(request_id: str | None) -> None:
    _request_id.set(request_id)
