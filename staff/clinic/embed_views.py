"""Embed on your site: both snippets for every allowed origin, ready to copy.

The snippets name this app by its configured public address (PUBLIC_BASE_URL),
the one the clinic's page must load, never by the Host header of the request.
"""

from __future__ import annotations

from flask import current_app, render_template

from embed.snippets import snippets_for_allowed_origins
from staff.console.blueprint import bp


@bp.get("/embed")
def embed_snippets():
    items = snippets_for_allowed_origins(current_app.config["PUBLIC_BASE_URL"])
    return render_template("staff/clinic/embed.html", items=items)
