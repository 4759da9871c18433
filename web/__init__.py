"""Cross-cutting HTTP, shared by every entry point: proxies and compression, the
request's language, security headers, error pages, embed mode, static files and the
render caches. It knows no feature: nothing here imports the questionnaire, leads or
the console (the import-linter contract in pyproject.toml checks it).
"""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask_babel import get_locale
from flask_compress import Compress
from werkzeug.middleware.proxy_fix import ProxyFix

from web import embed_mode, errors, headers, language, render_cache, static_files
from web.body_limit import ChunkedBodyLimit
from web.converters import RowIdConverter
from web.host_name import LowercaseHost


def init_app(app: Flask) -> None:
    app.url_map.converters["id"] = RowIdConverter
    app.wsgi_app = ChunkedBodyLimit(app.wsgi_app, lambda: app.config["MAX_CONTENT_LENGTH"])
    # Inside ProxyFix, which runs first and may put X-Forwarded-Host in the Host header.
    app.wsgi_app = LowercaseHost(app.wsgi_app)
    if app.config["TRUSTED_PROXIES"]:
        hops = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    Compress(app)
    language.init_app(app)
    render_cache.init_app(app)
    embed_mode.init_app(app)
    headers.init_app(app)
    static_files.init_app(app)
    errors.init_app(app)

    @app.context_processor
    def clinic_globals() -> dict[str, Any]:
        config = app.config
        return {
            "clinic": {
                "name": config["CLINIC_NAME"],
                "url": config["CLINIC_URL"],
                "phone": config["CLINIC_PHONE"],
                "email": config.get("CLINIC_EMAIL", ""),
                "booking_url": config["BOOKING_URL"],
                "medical_review_url": config["MEDICAL_REVIEW_URL"],
                "logo_url": config.get("CLINIC_LOGO_URL", ""),
            },
            "current_lang": str(get_locale()),
        }
