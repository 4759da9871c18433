"""Small server-rendered SVG charts (no charting library, no CDN, no script).

Each chart is plain SVG with a <title> and a text label on every bar, and the
page shows the same numbers in a table, so nothing depends on seeing colours.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from flask_babel import format_percent
from markupsafe import Markup, escape

BAR = "#1d5c63"
LINE = "#b8c4c9"
INK = "#1f2a30"


def horizontal_bars(title: str, rows: Sequence[tuple[str, int]], width: int = 640) -> Markup:
    """One bar per (label, value), longest value spanning the chart."""
    row_height, gap = 26, 8
    # Room for the longest label at 14px (about 7.8px a character), so no language's is cut.
    longest = max((len(label) for label, _ in rows), default=0)
    label_width = min(max(round(longest * 7.8) + 16, 160), width - 160)
    peak = max((value for _, value in rows), default=0) or 1
    height = len(rows) * (row_height + gap) + gap
    room = width - label_width - 70
    parts = [
        f'<svg class="chart" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'role="img" aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(title)}</title>",
    ]
    for index, (label, value) in enumerate(rows):
        y = gap + index * (row_height + gap)
        bar = round(room * value / peak)
        parts.append(
            f'<text x="{label_width - 8}" y="{y + 18}" text-anchor="end" fill="{INK}" '
            f'font-size="14">{escape(label)}</text>'
            f'<rect x="{label_width}" y="{y}" width="{max(bar, 1)}" height="{row_height}" '
            f'fill="{BAR}"><title>{escape(label)}: {value}</title></rect>'
            f'<text x="{label_width + bar + 6}" y="{y + 18}" fill="{INK}" font-size="14">'
            f"{value}</text>"
        )
    parts.append("</svg>")
    # Every text part above is escaped; numbers are formatted by us.
    return Markup("".join(parts))  # noqa: S704  # nosec B704


def daily_columns(title: str, days: Sequence[tuple[str, int]], width: int = 640) -> Markup:
    """One column per day, with the first, middle and last dates written under the axis."""
    peak = max((value for _, value in days), default=0) or 1
    return columns(
        title,
        [Column(day, value, f"{day}: {value}") for day, value in days],
        peak=peak,
        peak_label=str(peak),
        width=width,
    )


def percent_columns(title: str, bars: Sequence[Column], width: int = 640) -> Markup:
    """One column per period (a week), its height a share from 0 to 100% (``value`` 0 to 1).

    The axis always runs to 100%, so a week where every request was booked is a
    full column, and two charts of different periods compare by eye.
    """
    return columns(title, bars, peak=1, peak_label=format_percent(1), width=width)


@dataclass(frozen=True)
class Column:
    """One column: its label under the axis, its value, and its words (the column's title)."""

    label: str
    value: float
    words: str


def columns(
    title: str, bars: Sequence[Column], *, peak: float, peak_label: str, width: int = 640
) -> Markup:
    """Columns over a baseline from 0 to ``peak``, the first, middle and last labelled."""
    height, top, bottom, left = 220, 16, 40, 48
    plot_height = height - top - bottom
    step = (width - left - 10) / max(len(bars), 1)
    parts = [
        f'<svg class="chart" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'role="img" aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(title)}</title>",
        f'<line x1="{left}" y1="{top + plot_height}" x2="{width - 10}" y2="{top + plot_height}" '
        f'stroke="{LINE}" stroke-width="1"/>',
        f'<text x="{left - 6}" y="{top + 10}" text-anchor="end" fill="{INK}" font-size="12">'
        f"{escape(peak_label)}</text>",
        f'<text x="{left - 6}" y="{top + plot_height}" text-anchor="end" fill="{INK}" '
        f'font-size="12">0</text>',
    ]
    marked = {0, len(bars) // 2, len(bars) - 1}
    for index, bar in enumerate(bars):
        tall = round(plot_height * min(max(bar.value / peak, 0), 1))
        x = left + index * step
        parts.append(
            f'<rect x="{x + 1:.1f}" y="{top + plot_height - tall}" width="{max(step - 2, 1):.1f}" '
            f'height="{tall}" fill="{BAR}"><title>{escape(bar.words)}</title></rect>'
        )
        if index in marked:
            anchor = "start" if index == 0 else "end" if index == len(bars) - 1 else "middle"
            at = x if anchor == "start" else x + step if anchor == "end" else x + step / 2
            parts.append(
                f'<text x="{at:.1f}" y="{height - 18}" text-anchor="{anchor}" '
                f'fill="{INK}" font-size="12">{escape(bar.label)}</text>'
            )
    parts.append("</svg>")
    # Every text part above is escaped; numbers are formatted by us.
    return Markup("".join(parts))  # noqa: S704  # nosec B704
