"""Small charts drawn on the server as inline SVG: no front-end build, nothing to download,
readable by screen readers (role="img", a <title> and a <desc>; each page also gives the
same numbers as a table). Pure functions: numbers in, markup out."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString


def _fmt(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def running_average_svg(points: Sequence[tuple[date, Decimal]], *, low: Decimal, high: Decimal, title: str,
                        chart_id: str, description: str = "", width: int = 160, height: int = 40) -> SafeString:
    """A sparkline of the running average: one polyline vertex (and one dot) per point,
    x by order of the marks, y between the scale's lowest and highest value. `chart_id` keeps
    the title's id unique on a page with several charts."""
    pad = 4
    span = float(high - low) or 1.0
    count = len(points)
    coords = []
    for index, (_day, value) in enumerate(points):
        x = pad + (width - 2 * pad) * (index / (count - 1) if count > 1 else 0.5)
        y = pad + (height - 2 * pad) * (1 - (float(value) - float(low)) / span)
        coords.append((_fmt(x), _fmt(min(max(y, pad), height - pad))))
    line = " ".join(f"{x},{y}" for x, y in coords)
    dots = format_html_join("", '<circle class="chart-dot" cx="{}" cy="{}" r="2"></circle>', coords)
    return format_html(
        '<svg class="chart chart-line" role="img" viewBox="0 0 {w} {h}" width="{w}" height="{h}" '
        'aria-labelledby="{id}-t {id}-d" focusable="false">'
        '<title id="{id}-t">{title}</title><desc id="{id}-d">{desc}</desc>'
        '<polyline class="chart-polyline" fill="none" stroke="currentColor" stroke-width="2" points="{line}">'
        "</polyline>{dots}</svg>",
        w=width, h=height, id=chart_id, title=title, desc=description,
        line=line, dots=dots,
    )


def distribution_svg(bars: Sequence[tuple[str, int]], *, title: str, description: str = "",
                     bar_width: int = 28, height: int = 120) -> SafeString:
    """A bar chart of how many students got each mark: one <rect class="chart-bar"> per
    value (a zero is a bar of no height, so the axis stays complete), labelled below."""
    gap = 8
    top = 16  # room for the count above the tallest bar
    bottom = 20  # room for the mark below the axis
    plot = height - top - bottom
    most = max((n for _raw, n in bars), default=0) or 1
    width = max(len(bars), 1) * (bar_width + gap) + gap
    parts = []
    for index, (raw, n) in enumerate(bars):
        x = gap + index * (bar_width + gap)
        h = plot * n / most
        y = top + plot - h
        parts.append(format_html(
            '<g><rect class="chart-bar" x="{x}" y="{y}" width="{bw}" height="{h}"><title>{raw}: {n}</title></rect>'
            '<text x="{cx}" y="{ty}" text-anchor="middle" class="chart-count">{n}</text>'
            '<text x="{cx}" y="{ly}" text-anchor="middle" class="chart-label">{raw}</text></g>',
            x=x, y=_fmt(y), bw=bar_width, h=_fmt(h), raw=raw, n=n, cx=_fmt(x + bar_width / 2),
            ty=_fmt(y - 3), ly=height - 5,
        ))
    return format_html(
        '<svg class="chart chart-bars" role="img" viewBox="0 0 {w} {h}" width="{w}" height="{h}" '
        'aria-labelledby="dist-t dist-d" focusable="false">'
        '<title id="dist-t">{title}</title><desc id="dist-d">{desc}</desc>'
        '<line x1="0" x2="{w}" y1="{axis}" y2="{axis}" stroke="currentColor" stroke-width="1"></line>{bars}</svg>',
        w=width, h=height, title=title, desc=description, axis=top + plot, bars=SafeString("".join(parts)),
    )
