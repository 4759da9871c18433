"""``/healthz``, ``/readyz`` and ``/internal/metrics``.

None of them is cached (``Cache-Control: no-store``) or rate limited, and none
calls another host. ``/internal/metrics`` answers only loopback and the networks
of METRICS_ALLOWED_NETWORKS, judged by ``request.remote_addr`` (the client's
address once ProxyFix has read X-Forwarded-For, when TRUSTED_PROXIES is set); to
everyone else it is the same 404 as any unknown address. ``/readyz`` names each
check (the release's rule version, the rule file's sha256, its sign-off) only to
those same addresses; anyone else, or a request with ``?brief`` (what nginx asks
for on behalf of everyone but its own machine), learns ready or not ready alone.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from flask import Blueprint, Response, abort, current_app, jsonify, request

from core.extensions import limiter
from ops import metrics, readiness

bp = Blueprint("ops", __name__)
limiter.exempt(bp)

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
NO_STORE = {"Cache-Control": "no-store"}
METRICS_PATH = "/internal/metrics"


@bp.get("/healthz")
def healthz() -> tuple[Response, int, dict[str, str]]:
    """Liveness: the process answers. No database, nothing else."""
    return jsonify({"status": "ok"}), 200, NO_STORE


@bp.get("/readyz")
def readyz() -> tuple[Response, int, dict[str, str]]:
    """Readiness: 200 when every check passes, else 503; the body names each check.

    Only to the addresses that may read the metrics: to anyone else the body is
    ``{"status": "ready"}`` or ``{"status": "not_ready"}``, with the same code.
    """
    ready, body = readiness.readiness()
    if "brief" in request.args or not may_read_metrics(request.remote_addr):
        body = {"status": body["status"]}
    return jsonify(body), 200 if ready else 503, NO_STORE


@bp.get(METRICS_PATH)
def internal_metrics() -> Response:
    if not may_read_metrics(request.remote_addr):
        abort(404)
    body, content_type = metrics.exposition(current_app, request.headers.get("Accept"))
    return Response(body, headers={**NO_STORE, "Content-Type": content_type})


def may_read_metrics(remote_addr: str | None) -> bool:
    """Loopback always; otherwise only an address in METRICS_ALLOWED_NETWORKS."""
    try:
        address = ipaddress.ip_address(remote_addr or "")
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    if address.is_loopback:
        return True
    allowed = _networks(current_app.config["METRICS_ALLOWED_NETWORKS"])
    return any(address in network for network in allowed)


@lru_cache(maxsize=8)
def _networks(configured: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(item) for item in configured)
