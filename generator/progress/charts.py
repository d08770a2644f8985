"""Line charts of totals by day, drawn as SVG by the project itself.

Our own few lines of SVG rather than a charting library: the charts are one polyline over a few
shaded bands, the PDF gets vector paths in the page's own fonts and colours (ink-saver, large
print), nothing new to install, and each chart's numbers are printed again beside it as a data
table, which is what a screen reader reads."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from markupsafe import Markup, escape

WIDTH, HEIGHT = 600.0, 230.0
LEFT, RIGHT, TOP, BOTTOM = 44.0, 118.0, 12.0, 34.0  # band names go in the right margin
# Bands from lightest to darkest: the shading says 'higher', the table says the name.
SHADES = ("#eef5f2", "#e3efe9", "#f6efdc", "#f6e3d3", "#f1d6cf", "#ecc9c4")
GREYS = ("#f7f7f7", "#eeeeee", "#e4e4e4", "#dadada", "#d0d0d0", "#c6c6c6")


def line_chart(
    title: str,
    points: Sequence[tuple[str, int | None]],
    highest: int,
    bands: Sequence[tuple[int, int, str]] = (),
    colours: dict | None = None,
    grey: bool = False,
) -> Markup:
    """A chart of values by day (YYYY-MM-DD), from 0 to 'highest', bands shaded behind the
    line and named at the right edge when names are given; 'colours' is the page's palette
    (WeasyPrint takes an SVG's colours from its attributes, not from the style sheet)."""
    ink, line = (colours or {}).get("ink", "#1d2426"), (colours or {}).get("brand", "#24606a")
    days = [dt.date.fromisoformat(day) for day, _ in points]
    x = _x_scale(days)
    y = _y_scale(highest)
    parts = [
        f'<svg class="progress-chart" viewBox="0 0 {WIDTH:.0f} {HEIGHT:.0f}" role="img" '
        f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(title)}</title>",
        f'<g font-size="11" fill="{ink}">',
        *_bands(bands, y, GREYS if grey else SHADES),
        *_axes(highest, bands, y, ink),
        *_day_ticks(days, x),
        "</g>",
        *_line(
            [(x(d), y(v)) for d, (_, v) in zip(days, points, strict=True) if v is not None], line
        ),
        "</svg>",
    ]
    return Markup("\n".join(parts))


def _x_scale(days: list[dt.date]):
    first, last = min(days), max(days)
    span = max((last - first).days, 1)
    inner = WIDTH - LEFT - RIGHT - 20
    if first == last:
        return lambda day: LEFT + 10 + inner / 2
    return lambda day: LEFT + 10 + inner * (day - first).days / span


def _y_scale(highest: int):
    inner = HEIGHT - TOP - BOTTOM
    return lambda value: TOP + inner * (1 - value / max(highest, 1))


def _bands(bands, y, shades) -> list[str]:
    rects = []
    for index, (low, high, name) in enumerate(bands):
        top, bottom = y(high + 0.5 if index < len(bands) - 1 else high), y(max(low - 0.5, 0))
        rects.append(
            f'<rect x="{LEFT}" y="{top:.1f}" width="{WIDTH - LEFT - RIGHT:.1f}" '
            f'height="{bottom - top:.1f}" fill="{shades[min(index, len(shades) - 1)]}"/>'
        )
        if name:
            rects.append(
                f'<text x="{WIDTH - RIGHT + 6:.1f}" y="{(top + bottom) / 2 + 3:.1f}" '
                f'font-style="italic">{escape(name)}</text>'
            )
    return rects


def _axes(highest: int, bands, y, ink: str) -> list[str]:
    ticks = sorted({0, highest, *(low for low, _, _ in bands)})
    base, end = y(0), WIDTH - RIGHT
    lines = [
        f'<line x1="{LEFT}" y1="{base:.1f}" x2="{end:.1f}" y2="{base:.1f}" stroke="{ink}"/>',
        f'<line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{base:.1f}" stroke="{ink}"/>',
    ]
    lines += [
        f'<text x="{LEFT - 6}" y="{y(t) + 3:.1f}" text-anchor="end">{t}</text>' for t in ticks
    ]
    return lines


def _day_ticks(days: list[dt.date], x) -> list[str]:
    shown = days if len(days) <= 8 else days[:: max(1, len(days) // 8)]
    return [
        f'<text x="{x(day):.1f}" y="{HEIGHT - BOTTOM + 16:.1f}" text-anchor="middle" '
        f'class="tick">{day.strftime("%m-%d")}</text>'
        for day in dict.fromkeys(shown)
    ]


def _line(coordinates: list[tuple[float, float]], colour: str) -> list[str]:
    if not coordinates:
        return []
    path = " ".join(f"{cx:.1f},{cy:.1f}" for cx, cy in coordinates)
    dots = [
        f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="4" fill="{colour}"/>' for cx, cy in coordinates
    ]
    return [f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2.5"/>', *dots]
