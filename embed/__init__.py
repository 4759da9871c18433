"""Embedding on a clinic's own site: the loader script, the theme stylesheet and the snippets.

The questionnaire and the contact form are registered a second time under
/embed by the factory (app.py); which settings a framed request carries, and
the framing policy, are embed *mode* (``web.embed_mode``). This package is the
entry point a clinic's page and its IT person use: ``/embed.js``,
``/embed/theme.css``, the snippets to paste (``snippets(app_url, origin)``,
shown by templates/embed/_snippets.html and the console's Embed page) and
``flask embed-snippets``. A page sends a host event with a
``data-embed-event="name"`` attribute (see static/frame.js).
"""

from __future__ import annotations

import click
from flask import Flask

from embed.snippets import snippets, snippets_for_allowed_origins
from embed.views import bp

__all__ = ["bp", "init_app", "snippets", "snippets_for_allowed_origins"]


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)

    @app.cli.command("embed-snippets")
    @click.argument("app_url")
    def print_snippets(app_url: str) -> None:
        """Print both embed snippets for every EMBED_ALLOWED_ORIGINS entry."""
        with app.test_request_context():  # the iframe title is translated
            items = snippets_for_allowed_origins(app_url)
        if not items:
            raise click.ClickException("EMBED_ALLOWED_ORIGINS is empty: no site may embed")
        for origin, script, iframe in items:
            click.echo(f"# {origin}\n{script}\n\n# {origin}, without scripts\n{iframe}\n")

    @app.context_processor
    def snippet_list() -> dict[str, object]:
        return {"embed_snippet_list": snippets_for_allowed_origins}
