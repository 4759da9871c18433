"""Each request's bookkeeping: its id, then its access line and its metrics.

The hooks run first of every before-request hook and last of every after-request
one: the id is set before anything logs, and the status and duration recorded
are the response's final ones (after compression and the security headers).
"""

from __future__ import annotations

import time

from flask import Flask, Response, g, request

from ops import logs, metrics


def init_app(app: Flask) -> None:
    app.before_request_funcs.setdefault(None, []).insert(0, _start)
    app.after_request_funcs.setdefault(None, []).insert(0, _finish)  # run in reverse: last
    app.teardown_request(_failed)


def _start() -> None:
    g.request_started = time.perf_counter()
    g.request_id = logs.request_id_from(request.headers.get(logs.REQUEST_ID_HEADER))
    logs.set_request_id(g.request_id)


def _finish(response: Response) -> Response:
    if "request_id" not in g:
        return response
    response.headers[logs.REQUEST_ID_HEADER] = g.request_id
    _record(response.status_code)
    # Kept until the response is closed: the work left for after its body (a new lead's
    # notifications) logs with this request's id, and nothing after it does.
    response.call_on_close(lambda: logs.set_request_id(None))
    return response


def _failed(error: BaseException | None) -> None:
    """An exception no handler answered (Flask propagates it only in tests and debug)."""
    if error is not None and "request_id" in g and not g.get("request_recorded"):
        _record(500)
        logs.set_request_id(None)


def _record(status: int) -> None:
    g.request_recorded = True
    seconds = time.perf_counter() - g.request_started
    method, route = logs.method_of_request(), logs.route_of_request()
    metrics.observe_request(method, route, status, seconds)
    logs.access_log.info(
        "%s %s %s",
        method,
        route,
        status,
        extra={"status": status, "duration_ms": round(seconds * 1000, 2)},
    )
