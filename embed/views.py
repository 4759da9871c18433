"""Same-origin assets of embed mode: the host's loader script and the theme stylesheet."""

from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, request, send_from_directory

from embed.theme import stylesheet
from web.embed_mode import parse_accent, parse_font

bp = Blueprint("embed_assets", __name__)

LOADER_MAX_AGE = 60 * 60  # the snippet's URL has no version: let hosts pick up fixes within an hour
THEME_MAX_AGE = 24 * 60 * 60


@bp.get("/embed.js")
def loader() -> Response:
    """The script the clinic's page includes; it inserts and sizes the iframe."""
    response = send_from_directory(
        current_app.static_folder or "static",
        "embed.js",
        mimetype="text/javascript",
        max_age=LOADER_MAX_AGE,
    )
    response.cache_control.public = True
    return response


@bp.get("/embed/theme.css")
def theme() -> Response:
    """The host's accent and font as CSS custom properties; any unknown input is a 404."""
    unknown = set(request.args) - {"accent", "font"}
    accent_raw, font_raw = request.args.get("accent"), request.args.get("font")
    accent, font = parse_accent(accent_raw), parse_font(font_raw)
    if unknown or (accent_raw is not None and not accent) or (font_raw is not None and not font):
        abort(404)
    response = Response(stylesheet(accent, font), mimetype="text/css")
    response.cache_control.public = True
    response.cache_control.max_age = THEME_MAX_AGE
    return response
