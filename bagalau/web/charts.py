"""Charts of the rating page: the totals and the criterion breakdown drawn by
``bagalau.documents.charts`` (the same SVG the PDF rating report embeds), made
accessible inline (``role="img"`` and a name), and the change of each body's
total against the previous campaign, drawn here the same way (SVG on the
server: no internet, no plotting library)."""

from __future__ import annotations

import re
from decimal import Decimal
from xml.sax.saxutils import escape

from markupsafe import Markup

from bagalau.documents import charts
from bagalau.documents.sources import RatingData

UP, DOWN = "#1d6b30", "#a4141b"


MARGIN = 70          # room on the left for long names, which the drawing right-aligns at a fixed x


def inline(svg: str, label: str) -> Markup:
    """An SVG for a page: an image with a name, scaled to the column, with a left margin."""
    found = re.search(r'width="(\d+)" height="(\d+)" viewBox="0 0 (\d+) (\d+)"', svg)
    if found:
        width, height = int(found.group(1)) + MARGIN, int(found.group(2))
        svg = svg.replace(found.group(0), f'width="{width}" height="{height}" '
                                          f'viewBox="-{MARGIN} 0 {width} {height}"', 1)
    head = f'<svg role="img" aria-label="{escape(label, {chr(34): "&quot;"})}" class="chart" '
    return Markup(svg.replace("<svg ", head, 1))


def _lang(lang: str) -> str:
    return lang if lang in charts.LABELS["totals"] else "ru"


def totals(data: RatingData, lang: str, label: str) -> Markup:
    return inline(charts.totals_chart(data, _lang(lang)), label)


def breakdown(data: RatingData, lang: str, label: str) -> Markup:
    return inline(charts.breakdown_chart(data, _lang(lang)), label)


def change(rows: list[dict], title: str, label: str) -> Markup:
    """Bars of each body's change of total (this campaign − the previous), from zero:
    gains to the right in green, losses to the left in red, the figures beside them.
    ``rows``: name, before, after (Decimal)."""
    label_w, bar_w, row_h, top = 250, 330, 18, 34
    deltas = [row["after"] - row["before"] for row in rows]
    reach = max([abs(d) for d in deltas] + [Decimal(1)])
    zero = label_w + bar_w / 2
    height = top + row_h * len(rows) + 12
    parts = [f'<text x="4" y="16" font-size="13" font-weight="bold">{escape(title)}</text>',
             f'<line x1="{zero:.1f}" y1="{top - 4}" x2="{zero:.1f}" y2="{height - 8}" stroke="#333333"/>']
    for i, (row, delta) in enumerate(zip(rows, deltas)):
        y = top + i * row_h
        width = float(abs(delta) / reach) * (bar_w / 2 - 40)
        x = zero if delta >= 0 else zero - width
        name = row["name"] if len(row["name"]) <= 42 else row["name"][:41] + "…"
        parts.append(f'<text x="{label_w - 6}" y="{y + 12}" text-anchor="end">{escape(name)}</text>')
        parts.append(f'<rect x="{x:.1f}" y="{y + 2}" width="{width:.1f}" height="{row_h - 5}" '
                     f'fill="{UP if delta >= 0 else DOWN}"/>')
        sign = "+" if delta > 0 else ""
        text_x = x + width + 4 if delta >= 0 else x - 4
        anchor = "start" if delta >= 0 else "end"
        parts.append(f'<text x="{text_x:.1f}" y="{y + 12}" text-anchor="{anchor}">{sign}{delta}</text>')
    return inline(charts._svg(label_w + bar_w + 60, height, parts), label)
