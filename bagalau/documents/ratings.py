"""The rating as open data and as a workbook.

* XLSX: a summary sheet and one sheet per direction, headers frozen, scores
  coloured by grade band (the act's grades where the edition has them, else
  display bands by share of the maximum, named as such in the sheet);
* CSV: one row per body, a column per scored node (UTF-8, comma, header row);
* JSON: the same with the nodes' names, maxima and provenance; its schema is
  in docs/open-data.md (``JSON_SCHEMA`` here, tested against the output).
"""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal

from .sources import LANGUAGES, RatingData, text

SCHEMA_ID = "bagalau.rating/1"

HEAD = {
    "rating": {"kk": "Рейтинг", "ru": "Рейтинг"},
    "rank": {"kk": "Орын", "ru": "Место"},
    "code": {"kk": "Код", "ru": "Код"},
    "body": {"kk": "Мемлекеттік орган", "ru": "Государственный орган"},
    "profile": {"kk": "Бейін", "ru": "Профиль"},
    "penalty": {"kk": "Айыппұл балдары", "ru": "Штрафные баллы"},
    "total": {"kk": "Жалпы балл", "ru": "Итоговый балл"},
    "grade": {"kk": "Баға", "ru": "Оценка"},
    "final": {"kk": "Түпкілікті рейтинг", "ru": "Окончательный рейтинг"},
    "provisional": {"kk": "АЛДЫН АЛА рейтинг (түпкілікті емес)", "ru": "ПРЕДВАРИТЕЛЬНЫЙ рейтинг (не окончательный)"},
    "bands": {"kk": "Түс: актінің баға шкаласы", "ru": "Цвет: шкала оценок акта"},
    "display_bands": {"kk": "Түс: ең жоғары балдың үлесі бойынша (актіде баға шкаласы жоқ): ≥90%, 70–90%, 50–70%, <50%",
                      "ru": "Цвет: по доле от максимума (в акте нет шкалы оценок): ≥90%, 70–90%, 50–70%, <50%"},
    "run": {"kk": "Бағалау жүргізу", "ru": "Расчёт"},
}
FILLS = ("C6EFCE", "FFF2CC", "FCE4D6", "F4B6B6")       # high → low


def _h(key: str, lang: str) -> str:
    return HEAD[key][lang]


def _number(value: str | None):
    return None if value in (None, "") else Decimal(value)


def as_json(data: RatingData) -> dict:
    return {
        "schema": SCHEMA_ID, "campaign": data.campaign, "methodology": data.methodology, "period": data.period,
        "final": data.final, "run": data.run, "run_hash": data.run_hash, "maximum": data.maximum,
        "nodes": [{"id": n.id, "parent": n.parent, "kind": n.kind, "name": n.name, "max": n.max,
                   "paragraph": n.paragraph, "provenance": n.provenance} for n in data.nodes.values()],
        "grades": data.grades,
        "rows": [{"rank": r.rank, "code": r.code, "name": r.names, "profile": r.profile, "total": r.total,
                  "penalty": r.penalty, "grade": r.grade, "scores": r.scores} for r in data.rows],
    }


def json_bytes(data: RatingData) -> bytes:
    return (json.dumps(as_json(data), ensure_ascii=False, indent=1) + "\n").encode()


def csv_bytes(data: RatingData) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    node_ids = list(data.nodes)
    writer.writerow(["rank", "code", "name_kk", "name_ru", "name_en", "profile", "total", "penalty", "grade_ru",
                     *node_ids])
    for r in data.rows:
        writer.writerow([r.rank, r.code, r.names.get("kk") or "", r.names.get("ru") or "", r.names.get("en") or "",
                         r.profile or "", r.total, r.penalty, text(r.grade, "ru") if r.grade else "",
                         *[r.scores.get(node_id, "") for node_id in node_ids]])
    return buffer.getvalue().encode()


def _bands(data: RatingData, maximum: Decimal) -> tuple[list[tuple[Decimal | None, Decimal | None]], bool]:
    """(low, high) thresholds, best first, and whether they are the act's own."""
    if data.grades and maximum == Decimal(data.maximum):
        bands = [(_number(g["low"]), _number(g["high"])) for g in data.grades]
        return bands, True
    shares = (Decimal("0.9"), Decimal("0.7"), Decimal("0.5"))
    edges = [maximum * s for s in shares]
    return [(edges[0], None), (edges[1], edges[0]), (edges[2], edges[1]), (None, edges[2])], False


def _format_bands(sheet, cells: str, bands) -> None:
    from openpyxl.formatting.rule import FormulaRule
    from openpyxl.styles import PatternFill
    first = cells.split(":")[0]
    for k, (low, high) in enumerate(bands):
        conditions = [f"ISNUMBER({first})"]
        if low is not None:
            conditions.append(f"{first}>={low}")
        if high is not None:
            conditions.append(f"{first}<{high}")
        colour = FILLS[min(k, len(FILLS) - 1)]
        sheet.conditional_formatting.add(cells, FormulaRule(formula=[f"AND({','.join(conditions)})"],
                                                            fill=PatternFill("solid", start_color=colour,
                                                                             end_color=colour), stopIfTrue=True))


def _sheet_title(text_: str, taken: set[str]) -> str:
    cleaned = "".join("_" if ch in "[]:*?/\\" else ch for ch in text_)[:31]
    title, n = cleaned, 2
    while title in taken:
        title = f"{cleaned[:28]}~{n}"
        n += 1
    taken.add(title)
    return title


def xlsx_bytes(data: RatingData, lang: str = "ru") -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter
    if lang not in LANGUAGES:
        raise ValueError(f"language must be one of {', '.join(LANGUAGES)}")
    book = Workbook()
    bold = Font(bold=True)
    taken: set[str] = set()

    def table(sheet, caption: str, columns: list[tuple[str, str]], values, score_columns: dict[int, Decimal]):
        sheet.append([caption])
        sheet["A1"].font = Font(bold=True, size=12)
        sheet.append([f"{data.campaign} · {data.methodology} · {data.period} · "
                      f"{_h('final' if data.final else 'provisional', lang)} · {_h('run', lang)} {data.run} · "
                      f"{data.run_hash[:16]}"])
        sheet.append([label for label, _ in columns])
        for cell in sheet[3]:
            cell.font = bold
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        for row in values:
            sheet.append(row)
        sheet.freeze_panes = "D4"
        last = 3 + len(data.rows)
        notes = set()
        for index, maximum in score_columns.items():
            letter = get_column_letter(index)
            bands, own = _bands(data, maximum)
            _format_bands(sheet, f"{letter}4:{letter}{last}", bands)
            notes.add(_h("bands" if own else "display_bands", lang))
            for cell in sheet[letter][3:]:
                cell.number_format = "0.00"
        for note in sorted(notes):
            sheet.append([])
            sheet.append([note])
        widths = {1: 7, 2: 18, 3: 48}
        for index in range(1, len(columns) + 1):
            sheet.column_dimensions[get_column_letter(index)].width = widths.get(index, 13)

    summary = book.active
    summary.title = _sheet_title(_h("rating", lang), taken)
    directions = data.directions
    columns = [(_h("rank", lang), ""), (_h("code", lang), ""), (_h("body", lang), ""), (_h("profile", lang), "")]
    columns += [(f"{d.id}. {text(d.name, lang)} (max {d.max})", d.id) for d in directions]
    columns += [(_h("penalty", lang), ""), (_h("total", lang), ""), (_h("grade", lang), "")]
    total_column = len(columns) - 1
    values = [[r.rank, r.code, r.names.get(lang) or r.names.get("ru"), r.profile or "",
               *[_number(r.scores.get(d.id)) for d in directions], _number(r.penalty), _number(r.total),
               text(r.grade, lang) if r.grade else ""] for r in data.rows]
    score_columns = {total_column: Decimal(data.maximum)}
    for k, d in enumerate(directions):
        if d.max not in ("", "None") and Decimal(d.max) > 0:
            score_columns[5 + k] = Decimal(d.max)
    table(summary, f"{_h('rating', lang)}: {text(data.title, lang)}", columns, values, score_columns)

    for d in directions:
        sheet = book.create_sheet(_sheet_title(f"{d.id} {text(d.name, lang)}", taken))
        descendants = []

        def walk(node_id: str):
            for child in data.nodes[node_id].children:
                descendants.append(data.nodes[child])
                walk(child)
        walk(d.id)
        cols = [(_h("rank", lang), ""), (_h("code", lang), ""), (_h("body", lang), "")]
        cols += [(f"{n.id}. {text(n.name, lang)} (max {n.max})", n.id) for n in descendants]
        cols += [(f"{d.id}. {text(d.name, lang)} (max {d.max})", d.id)]
        vals = [[r.rank, r.code, r.names.get(lang) or r.names.get("ru"),
                 *[_number(r.scores.get(n.id)) for n in descendants], _number(r.scores.get(d.id))]
                for r in data.rows]
        positive = {4 + k: Decimal(n.max) for k, n in enumerate(descendants)
                    if n.max not in ("", "None") and Decimal(n.max) > 0}
        if d.max not in ("", "None") and Decimal(d.max) > 0:
            positive[len(cols)] = Decimal(d.max)
        table(sheet, f"{d.id}. {text(d.name, lang)}", cols, vals, positive)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
