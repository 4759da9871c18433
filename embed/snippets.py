"""The HTML a clinic pastes into its page: the one-line script, or a plain iframe."""

from __future__ import annotations

from urllib.parse import urlencode

from flask_babel import gettext as _
from markupsafe import escape

from web.embed_mode import FONT_STACKS, parse_accent

#: Height of the plain iframe, which cannot resize itself (fits most steps on a phone).
PLAIN_IFRAME_HEIGHT = 1600
#: The class of both snippets' iframes: a host page styles it from its own stylesheet
#: (e.g. ``border: 0``). No style="" attribute: a strict Content-Security-Policy blocks it.
FRAME_CLASS = "microneedling-check-frame"


def snippets(
    app_url: str, origin: str, *, accent: str | None = None, font: str | None = None
) -> tuple[str, str]:
    """(script snippet, plain iframe snippet) for a clinic page on ``origin``.

    The script finds the host origin itself; the plain iframe names it in its
    URL, since the app sends events only to an origin it was told and allows.
    """
    base = app_url.rstrip("/")
    accent = parse_accent(accent)
    font = font if font in FONT_STACKS else None
    attributes = "".join(
        f' data-{name}="{escape(value)}"'
        for name, value in (("accent", accent), ("font", font))
        if value
    )
    script = f'<script src="{escape(base)}/embed.js"{attributes} async></script>'
    query = {"origin": origin, "accent": (accent or "")[1:], "font": font}
    src = f"{base}/embed/?" + urlencode({k: v for k, v in query.items() if v})
    title = _("Acne scar microneedling check")
    iframe = (
        f'<iframe src="{escape(src)}" title="{escape(title)}" width="100%" '
        f'height="{PLAIN_IFRAME_HEIGHT}" class="{FRAME_CLASS}"></iframe>'
    )
    return script, iframe


def snippets_for_allowed_origins(app_url: str) -> list[tuple[str, str, str]]:
    """(origin, script snippet, iframe snippet) for every EMBED_ALLOWED_ORIGINS entry."""
    from flask import current_app

    return [
        (origin, *snippets(app_url, origin))
        for origin in current_app.config["EMBED_ALLOWED_ORIGINS"]
    ]
