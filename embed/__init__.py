"""Embed mode: the questionnaire inside a clinic's own page, in a cross-site iframe.

``init_app`` registers the questionnaire blueprint a second time under /embed
(every view shared; templates build links with relative endpoints, so a person
stays in the mode they are in), the loader script and theme stylesheet, the
URL-defaults hook that carries the embed settings, and the framing policy.

For other features: ``current_embed()`` says whether (and how) this request is
embedded; ``activate(state)`` turns embed mode on for a flow's token posted to
a route outside /embed; ``contact_url(endpoint)`` builds a contact-form URL
(leads, registered again under /embed) in the person's mode;
``snippets(app_url, origin)`` gives the two snippets;
templates/embed/_snippets.html shows them; a page sends a host event with a
``data-embed-event="name"`` attribute (see static/frame.js).
"""

from __future__ import annotations

import click
from flask import Blueprint, Flask, current_app, request
from markupsafe import Markup

from embed.context import (
    EMBED_BLUEPRINT,
    EMBED_LEADS_BLUEPRINT,
    EmbedContext,
    activate,
    add_embed_url_defaults,
    contact_url,
    current_embed,
    embed_of,
    embed_params,
    flow_url,
)
from embed.snippets import snippets, snippets_for_allowed_origins
from embed.views import bp as assets_bp

__all__ = [
    "EMBED_LEADS_BLUEPRINT",
    "EmbedContext",
    "activate",
    "contact_url",
    "current_embed",
    "embed_of",
    "embed_params",
    "flow_url",
    "init_app",
    "snippets",
]

#: Paths that are never framed, whatever the request carries.
NEVER_FRAMED = ("/api/", "/staff")


def frame_ancestors() -> tuple[str, ...]:
    """Origins allowed to frame this response: the allowed hosts for embed pages only."""
    if request.path.startswith(NEVER_FRAMED) or current_embed() is None:
        return ()
    return tuple(current_app.config["EMBED_ALLOWED_ORIGINS"])


def init_app(app: Flask, questionnaire_bp: Blueprint) -> None:
    app.register_blueprint(questionnaire_bp, url_prefix="/embed", name=EMBED_BLUEPRINT)
    app.register_blueprint(assets_bp)
    app.url_defaults(add_embed_url_defaults)
    app.extensions["frame_ancestors"] = frame_ancestors

    def embed_link_target() -> Markup:
        """Links that leave the check (booking) open in the host's whole window."""
        return Markup(' target="_top"') if current_embed() else Markup("")

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
    def embed_globals() -> dict[str, object]:
        return {
            "embed": current_embed(),
            "embed_params": embed_params,
            "flow_url": flow_url,
            "contact_url": contact_url,
            "embed_link_target": embed_link_target,
            "embed_snippet_list": snippets_for_allowed_origins,
        }
