"""Embed mode: which embed settings apply to the current request, and how they travel.

A page inside a clinic's iframe needs three things besides the flow itself: the
host page's origin (the only place its postMessage events may go), and the
host's accent colour and font. None of them may ride on a cookie (blocked in a
cross-site iframe), so they travel in the page URLs (added to every
``url_for("embed.…")`` by a URL-defaults hook) and, once a flow has started,
inside its sealed state token too, so code outside the embed blueprint (the
leads form, which posts only the token) still knows the person is embedded.

Every value is validated before use: the origin must be one of
EMBED_ALLOWED_ORIGINS, the accent a #hex colour, the font a key of FONT_STACKS.
Anything else is dropped, never echoed.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol

from flask import Flask, current_app, g, has_request_context, request, url_for
from markupsafe import Markup

from web import zones

EMBED_BLUEPRINT = "embed"
#: The contact form's routes registered again under /embed (see app.py), so a
#: page they render before or without a usable token (a 429, an expired token) is
#: still in embed mode, framable and themed.
EMBED_LEADS_BLUEPRINT = "embed_leads"
EMBED_BLUEPRINTS = (EMBED_BLUEPRINT, EMBED_LEADS_BLUEPRINT)

#: Font stacks a host may choose by name; only fonts already on the reader's device.
FONT_STACKS: dict[str, str] = {
    "system": 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif',
    "sans": '"Helvetica Neue", Helvetica, Arial, "Liberation Sans", sans-serif',
    "humanist": 'Seravek, "Gill Sans Nova", Ubuntu, Calibri, "DejaVu Sans", source-sans-pro, '
    "sans-serif",
    "rounded": 'ui-rounded, "Hiragino Maru Gothic ProN", Quicksand, Comfortaa, Manjari, '
    '"Arial Rounded MT", "Arial Rounded MT Bold", Calibri, source-sans-pro, sans-serif',
    "serif": 'Charter, "Bitstream Charter", "Sitka Text", Cambria, Georgia, serif',
    "classic": '"Iowan Old Style", "Palatino Linotype", "URW Palladio L", P052, Georgia, serif',
}

_HEX = re.compile(r"^#?([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")


def parse_accent(raw: str | None) -> str | None:
    """ "#1d5c63", "1d5c63" or "#abc" as a lowercase "#rrggbb", else None."""
    match = _HEX.match((raw or "").strip())
    if not match:
        return None
    digits = match.group(1).lower()
    if len(digits) == 3:
        digits = "".join(c * 2 for c in digits)
    return "#" + digits


def parse_font(raw: str | None) -> str | None:
    name = (raw or "").strip().lower()
    return name if name in FONT_STACKS else None


def parse_origin(raw: str | None) -> str | None:
    """The host origin if it is one of EMBED_ALLOWED_ORIGINS, else None."""
    origin = (raw or "").strip().rstrip("/").lower()
    return origin if origin and origin in current_app.config["EMBED_ALLOWED_ORIGINS"] else None


@dataclass(frozen=True)
class EmbedContext:
    """The validated embed settings of one person's view."""

    origin: str | None = None
    accent: str | None = None
    font: str | None = None

    @classmethod
    def from_values(cls, values: Mapping[str, str] | None) -> EmbedContext:
        values = values or {}
        return cls(
            origin=parse_origin(values.get("origin")),
            accent=parse_accent(values.get("accent")),
            font=parse_font(values.get("font")),
        )

    def as_values(self) -> dict[str, str]:
        """The settings as URL parameters / token fields (accent without its "#")."""
        values = {"origin": self.origin, "accent": (self.accent or "")[1:], "font": self.font}
        return {key: value for key, value in values.items() if value}

    @property
    def themed(self) -> bool:
        return bool(self.accent or self.font)


class StartedFlow(Protocol):
    """What embed mode reads of a flow's sealed state (questionnaire.state.FlowState)."""

    embed: Mapping[str, str] | None


def embed_of(state: StartedFlow) -> EmbedContext | None:
    """The embed settings a flow started with, or None for a flow started on the site."""
    return EmbedContext.from_values(state.embed) if state.embed is not None else None


def activate(state: StartedFlow) -> EmbedContext | None:
    """Render this request in embed mode when the flow was started embedded.

    The leads code calls this after opening the token a form posted, so its
    pages (the contact form's confirmation) stay inside the iframe, themed,
    framable by the allowed origins, and able to send their event.
    """
    context = embed_of(state)
    if context is not None:
        g.embed = context
    return context


def current_embed() -> EmbedContext | None:
    """The embed settings of this request, or None when it is not in embed mode.

    In the embed blueprint they come from the flow's token when one was opened
    (``activate``), else from the URL; elsewhere only from ``activate``.
    """
    if not has_request_context():
        return None
    if "embed" in g:
        return g.embed
    if request.blueprint in EMBED_BLUEPRINTS or zones.is_embed(request.path):
        g.embed = EmbedContext.from_values(request.args.to_dict())
        return g.embed
    return None


def embed_params() -> dict[str, str]:
    """URL parameters that keep a link inside embed mode ({} outside it)."""
    context = current_embed()
    return context.as_values() if context else {}


def add_embed_url_defaults(endpoint: str, values: dict[str, object]) -> None:
    """Every URL built for an embed endpoint carries the embed settings along."""
    blueprint = endpoint.partition(".")[0]
    if blueprint not in EMBED_BLUEPRINTS or endpoint == "embed.static":
        return
    for key, value in embed_params().items():
        values.setdefault(key, value)


def flow_url(endpoint: str, **values: object) -> str:
    """A questionnaire URL in the mode the person is in: on the site, or in the iframe.

    Pages rendered outside the questionnaire blueprints (the contact form's
    errors and confirmation) use it so their links stay inside the embed.
    """
    blueprint = EMBED_BLUEPRINT if current_embed() is not None else "questionnaire"
    return url_for(f"{blueprint}.{endpoint}", **values)


def contact_url(endpoint: str, **values: object) -> str:
    """A contact-form URL (leads blueprint) in the mode the person is in.

    Inside the iframe the form posts to /embed/check/contact with the embed
    settings in its URL, so even a page rendered before the token is opened
    (too many tries, an expired token) stays framable, themed and sized.
    """
    blueprint = EMBED_LEADS_BLUEPRINT if current_embed() is not None else "leads"
    return url_for(f"{blueprint}.{endpoint}", **values)


def frame_ancestors() -> tuple[str, ...]:
    """Origins allowed to frame this response: the allowed hosts, for embed pages only."""
    if not has_request_context() or zones.never_framed(request.path) or current_embed() is None:
        return ()
    return tuple(current_app.config["EMBED_ALLOWED_ORIGINS"])


def embed_link_target() -> Markup:
    """Links that leave the check (booking) open in the host's whole window."""
    return Markup(' target="_top"') if current_embed() else Markup("")


def init_app(app: Flask) -> None:
    """Carry the embed settings on every embed URL, and give templates the mode's helpers."""
    app.url_defaults(add_embed_url_defaults)

    @app.context_processor
    def embed_globals() -> dict[str, object]:
        return {
            "embed": current_embed(),
            "embed_params": embed_params,
            "flow_url": flow_url,
            "contact_url": contact_url,
            "embed_link_target": embed_link_target,
        }
