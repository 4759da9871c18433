"""Embed on your site: both snippets for every allowed origin, ready to copy.

The snippets name this app by the address the staff member reached the console
at (``request.url_root``), which is the address the clinic's page must load.
"""

from __future__ import annotations

from flask import render_template, request

from embed.snippets import snippets_for_allowed_origins
from staff.blueprint import bp


@bp.get("/embed")
def embed_snippets():
    return render_template("staff/embed.html", items=snippets_for_allowed_origins(request.url_root))
