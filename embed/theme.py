"""The host's theme as a small same-origin stylesheet (CSP forbids inline styles).

The accent is adjusted, not trusted: a host's pale brand colour would fail
WCAG 2.1 AA as link text and as the background of the white button labels, so
it is darkened just enough to reach 4.5:1 against white, keeping its hue.
"""

from __future__ import annotations

from web.embed_mode import FONT_STACKS

MIN_CONTRAST = 4.5


def _channel(value: int) -> float:
    c = value / 255
    return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4


def _rgb(hex_colour: str) -> tuple[int, int, int]:
    return int(hex_colour[1:3], 16), int(hex_colour[3:5], 16), int(hex_colour[5:7], 16)


def _hex(rgb: tuple[float, float, float]) -> str:
    return "#" + "".join(f"{round(max(0, min(255, c))):02x}" for c in rgb)


def luminance(hex_colour: str) -> float:
    r, g, b = (_channel(c) for c in _rgb(hex_colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_with_white(hex_colour: str) -> float:
    return 1.05 / (luminance(hex_colour) + 0.05)


def _darken(hex_colour: str, factor: float) -> str:
    return _hex(tuple(c * factor for c in _rgb(hex_colour)))


def readable_accent(hex_colour: str) -> str:
    """The colour itself if white text on it (and it on white) is AA, else darker."""
    colour = hex_colour
    factor = 1.0
    while contrast_with_white(colour) < MIN_CONTRAST:
        factor -= 0.02
        colour = _darken(hex_colour, factor)
    return colour


def stylesheet(accent: str | None, font: str | None) -> str:
    """CSS custom properties overriding app.css's defaults; inputs already validated."""
    lines = []
    if accent:
        readable = readable_accent(accent)
        lines.append(f"  --accent: {readable};")
        lines.append(f"  --accent-dark: {_darken(readable, 0.7)};")
    if font:
        lines.append(f"  --font: {FONT_STACKS[font]};")
    return ":root {\n" + "\n".join(lines) + "\n}\n"
