"""Charts of a rating as SVG, drawn here (no internet access, no plotting library):
the totals, and each body's total broken down by direction. The PDF rating report
embeds them; ``bagalau documents CAMPAIGN --form rating --format svg`` writes them."""

from __future__ import annotations

from decimal import Decimal
from xml.sax.saxutils import escape

from .sources import RatingData, text

PALETTE = ("#1f5f8b", "#d98b2b", "#3b8f5a", "#8c4f9f", "#c0504d", "#5a7d9a", "#9c8a3c", "#4c4c8c", "#2e8b8b")
NEGATIVE = "#b03a2e"
FONT = "PT Serif, DejaVu Serif, serif"

LABELS = {
    "totals": {"kk": "Жалпы балл", "ru": "Итоговый балл"},
    "breakdown": {"kk": "Бағыттар бойынша балл", "ru": "Баллы по направлениям"},
}


def _svg(width: float, height: float, body: list[str]) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" height="{height:.0f}" '
            f'viewBox="0 0 {width:.0f} {height:.0f}" font-family="{FONT}" font-size="11">\n'
            + "\n".join(body) + "\n</svg>\n")


def _label(row, lang: str) -> str:
    name = row.names.get(lang) or row.names.get("ru") or row.code
    return name if len(name) <= 42 else name[:41] + "…"


def _scale_ticks(high: Decimal) -> list[Decimal]:
    step = Decimal(10) if high > 40 else Decimal(5) if high > 10 else Decimal(1)
    ticks, value = [], Decimal(0)
    while value <= high:
        ticks.append(value)
        value += step
    return ticks


def totals_chart(data: RatingData, lang: str) -> str:
    """Horizontal bars of the totals, in rating order."""
    rows = data.rows
    label_w, bar_w, row_h, top = 250, 330, 18, 34
    high = max([Decimal(data.maximum)] + [Decimal(r.total) for r in rows]) or Decimal(1)
    height = top + row_h * len(rows) + 24
    parts = [f'<text x="4" y="16" font-size="13" font-weight="bold">{escape(LABELS["totals"][lang])} '
             f'({escape(data.campaign)}, {data.period})</text>']
    for tick in _scale_ticks(high):
        x = label_w + float(tick / high) * bar_w
        parts.append(f'<line x1="{x:.1f}" y1="{top - 4}" x2="{x:.1f}" y2="{height - 20}" stroke="#dddddd"/>')
        parts.append(f'<text x="{x:.1f}" y="{height - 8}" text-anchor="middle" fill="#555555">{tick}</text>')
    for i, row in enumerate(rows):
        y = top + i * row_h
        width = max(0.0, float(Decimal(row.total) / high) * bar_w)
        parts.append(f'<text x="{label_w - 6}" y="{y + 12}" text-anchor="end">{row.rank}. '
                     f'{escape(_label(row, lang))}</text>')
        parts.append(f'<rect x="{label_w}" y="{y + 2}" width="{width:.1f}" height="{row_h - 5}" '
                     f'fill="{PALETTE[0]}"/>')
        parts.append(f'<text x="{label_w + width + 4:.1f}" y="{y + 12}">{row.total}</text>')
    return _svg(label_w + bar_w + 60, height, parts)


def breakdown_chart(data: RatingData, lang: str) -> str:
    """Each body's score by direction, stacked: positive directions to the right of
    zero, deductions (negative) to the left, with a legend."""
    rows, directions = data.rows, data.directions
    label_w, bar_w, row_h, top = 250, 330, 18, 34

    def value(row, node_id):
        return Decimal(row.scores.get(node_id) or 0)

    negative = max([sum((-value(r, d.id) for d in directions if value(r, d.id) < 0), Decimal(0)) for r in rows]
                   + [Decimal(0)])
    positive = max([sum((value(r, d.id) for d in directions if value(r, d.id) > 0), Decimal(0)) for r in rows]
                   + [Decimal(1)])
    span = positive + negative
    zero = label_w + float(negative / span) * bar_w
    legend_rows = len(directions)
    height = top + row_h * len(rows) + 16 + 16 * legend_rows
    parts = [f'<text x="4" y="16" font-size="13" font-weight="bold">{escape(LABELS["breakdown"][lang])} '
             f'({escape(data.campaign)}, {data.period})</text>',
             f'<line x1="{zero:.1f}" y1="{top - 4}" x2="{zero:.1f}" y2="{top + row_h * len(rows)}" stroke="#333333"/>']
    for i, row in enumerate(rows):
        y = top + i * row_h
        parts.append(f'<text x="{label_w - 6}" y="{y + 12}" text-anchor="end">{escape(_label(row, lang))}</text>')
        right, left = zero, zero
        for k, direction in enumerate(directions):
            amount = value(row, direction.id)
            width = float(abs(amount) / span) * bar_w
            if amount > 0:
                parts.append(f'<rect x="{right:.1f}" y="{y + 2}" width="{width:.1f}" height="{row_h - 5}" '
                             f'fill="{PALETTE[k % len(PALETTE)]}"><title>{escape(direction.id)}: {amount}</title></rect>')
                right += width
            elif amount < 0:
                left -= width
                parts.append(f'<rect x="{left:.1f}" y="{y + 2}" width="{width:.1f}" height="{row_h - 5}" '
                             f'fill="{NEGATIVE}"><title>{escape(direction.id)}: {amount}</title></rect>')
        parts.append(f'<text x="{right + 4:.1f}" y="{y + 12}">{row.total}</text>')
    y = top + row_h * len(rows) + 12
    for k, direction in enumerate(directions):
        name = text(direction.name, lang)
        name = name if len(name) <= 90 else name[:89] + "…"
        colour = PALETTE[k % len(PALETTE)]
        if all(value(r, direction.id) <= 0 for r in rows) and any(value(r, direction.id) < 0 for r in rows):
            colour = NEGATIVE
        parts.append(f'<rect x="4" y="{y + 16 * k - 9}" width="10" height="10" fill="{colour}"/>')
        parts.append(f'<text x="20" y="{y + 16 * k}">{escape(direction.id)}. {escape(name)} '
                     f'(max {escape(direction.max)})</text>')
    return _svg(max(label_w + bar_w + 60, 640), height, parts)
