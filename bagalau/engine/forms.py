"""Empty input files generated from a definition, laid out like the act's forms.

XLSX: one sheet per form (App 1 as rows, App 2 as its numbered columns, the
working group's findings, App 6 per language version), plus a sheet for the
body's identity and, where the act sets penalties, the sheet ``Штрафы`` (a table
named ``penalties_table``: counts of facts or points per rule and direction). Every value cell carries a workbook-level defined name
``in_<input id>``, which is how ``workbooks.read_xlsx`` finds it again even if
rows are moved. JSON: the same fields with null values and a description.
"""

from __future__ import annotations

import io
import json
from collections import OrderedDict
from pathlib import Path

from bagalau.engine import table_forms
from bagalau.engine.compiled import CompiledMethodology
from bagalau.engine.definition import Input
from bagalau.engine.inputs import XLSX_NAME_PREFIX
from bagalau.engine.penalties import PENALTY_COLUMNS, PENALTY_SHEET, PENALTY_TABLE

BODY_SHEET = "Орган"
_TYPE_HINTS = {"integer": "целое / whole number", "decimal": "число / number",
               "boolean": "да/нет", "positions": "позиции через запятую; пусто = не найден",
               "text": "текст / text", "decimals": "числа через запятую / numbers, comma-separated"}


def sheets(compiled: CompiledMethodology) -> "OrderedDict[str, list[Input]]":
    grouped: OrderedDict[str, list[Input]] = OrderedDict()
    for item in compiled.inputs.values():
        grouped.setdefault(item.sheet or item.source.form, []).append(item)
    return grouped


def write_json(compiled: CompiledMethodology, path: Path) -> None:
    path.write_bytes(render_json(compiled))


def render_json(compiled: CompiledMethodology) -> bytes:
    m = compiled.methodology
    document = {
        "methodology": m.id,
        "period": None,
        "bodies": [{"id": "", "name": "",
                    **({"profile": compiled.profile} if compiled.source.profiles else {}),
                    "inputs": {**{key: None for key in compiled.inputs}, **table_forms.example_rows(compiled)},
                    **({"penalties": []} if m.penalties else {})}],
        "fields": {**{key: _describe(item) + _alternative(compiled, key) for key, item in compiled.inputs.items()},
                   **table_forms.describe(compiled)},
        **({"penalty_rules": {key: _describe_penalty(rule, compiled.top_level) for key, rule in m.penalties.items()}}
           if m.penalties else {}),
    }
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _describe_penalty(rule, top_level: list[str]) -> str:
    """How a penalty is written in a body's "penalties" list."""
    if rule.replaces_value:
        how = "the verified values go into the inputs; {\"count\": N} records the facts"
    elif rule.amount_entered:
        how = "{\"points\": P per occurrence, \"count\": N}"
    else:
        how = f"{{\"count\": N}} of {rule.points.normalize():f} points each, or {{\"points\": P}}" + (
            f", at most {rule.cap.normalize():f}" if rule.cap is not None else "")
    where = f", per direction: \"direction\" one of {', '.join(top_level)}" if rule.scope == "direction" else ""
    return f"{rule.name.get('ru') or rule.name.get('en')} ({rule.paragraph}): {how}{where}"


def _alternative(compiled: CompiledMethodology, input_id: str) -> str:
    """For a checklist item or defect count and for a section's points: the other way
    of entering the section (``section_points``), in Russian and English."""
    if input_id in compiled.section_points:
        _, version, section = compiled.section_points[input_id]
        return (f"; вместо пунктов раздела {section.section_id} ({version}) / instead of the items of section "
                f"{section.section_id} ({version}): {section.item_ids[0]} … {section.item_ids[-1]}, "
                f"{section.defects_id}")
    points_id = compiled.points_alternative.get(input_id)
    if points_id is None:
        return ""
    return f"; или баллы раздела / or the section's points: {points_id}"


def _describe(item: Input) -> str:
    source = item.source
    where = source.form + (f" row {source.row}" if source.row else "") + (f" column {source.column}" if source.column else "")
    bounds = "" if item.min is None and item.max is None else f", range {item.min if item.min is not None else '…'}–{item.max if item.max is not None else '…'}"
    optional = "" if item.required else (f", required when {item.required_when.meaning}" if item.required_when
                                         else ", optional")
    return f"{where}: {item.name.get('ru')} ({item.type}{', ' + item.unit if item.unit else ''}{bounds}{optional})"


def write_xlsx(compiled: CompiledMethodology, path: Path) -> None:
    path.write_bytes(render_xlsx(compiled))


def render_xlsx(compiled: CompiledMethodology) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.workbook.defined_name import DefinedName
    from openpyxl.worksheet.datavalidation import DataValidation

    m = compiled.methodology
    workbook = Workbook()
    bold, wrap = Font(bold=True), Alignment(wrap_text=True, vertical="top")
    fill = PatternFill("solid", fgColor="FFF2CC")

    def name_cell(sheet, cell: str, name: str) -> None:
        reference = f"'{sheet.title}'!${''.join(c for c in cell if c.isalpha())}${''.join(c for c in cell if c.isdigit())}"
        workbook.defined_names[name] = DefinedName(name, attr_text=reference)

    body = workbook.active
    body.title = BODY_SHEET
    body["A1"] = m.act.title.get("ru")
    body["A1"].font = bold
    rows = [("Код органа / Body id", "body_id"), ("Наименование органа / Body name", "body_name"),
            ("Отчетный период (год) / Period (year)", "period")]
    if m.profiles or compiled.source.profiles:
        rows.append((f"Профиль / Profile ({', '.join(compiled.source.profiles)})", "profile"))
    for offset, (label, name) in enumerate(rows, start=3):
        body[f"A{offset}"] = label
        body[f"B{offset}"].fill = fill
        name_cell(body, f"B{offset}", name)
        if name == "profile":
            body[f"B{offset}"] = compiled.profile
    body["A8"] = f"Методика / Methodology: {m.id} (приказ № {m.act.number} от {m.act.signed:%d.%m.%Y})"
    body["A9"] = "Заполняйте желтые ячейки. Fill in the yellow cells."
    body.column_dimensions["A"].width = 48
    body.column_dimensions["B"].width = 40

    yes_no = DataValidation(type="list", formula1='"да,нет"', allow_blank=True)
    for sheet_name, items in sheets(compiled).items():
        sheet = workbook.create_sheet(_sheet_title(sheet_name))
        sheet.add_data_validation(yes_no)
        form_title = m.forms.get(sheet_name.split(" ")[0] if sheet_name not in m.forms else sheet_name)
        sheet["A1"] = form_title.get("ru") if form_title else sheet_name
        sheet["A1"].font = bold
        sheet["A2"] = f"='{BODY_SHEET}'!B4"  # the body's name, under the title as on the act's forms
        if all(item.source.column and not item.source.row for item in items):
            _horizontal(sheet, items, name_cell, bold, wrap, fill, yes_no)
        else:
            _vertical(sheet, items, name_cell, bold, wrap, fill, yes_no, compiled)
    table_forms.add_sheets(workbook, compiled, bold, wrap, fill, yes_no, _sheet_title, BODY_SHEET)
    if m.penalties:
        _penalty_sheet(workbook, compiled, bold, wrap, fill)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _vertical(sheet, items, name_cell, bold, wrap, fill, yes_no, compiled=None) -> None:
    headers = ["№ строки / Row", "Графа / Column", "Показатель / Indicator", "Значение / Value",
               "Тип, ед. / Type, unit", "Поле / Field"]
    for column, header in enumerate(headers, start=1):
        sheet.cell(row=4, column=column, value=header).font = bold
    for row, item in enumerate(items, start=5):
        sheet.cell(row=row, column=1, value=item.source.row)
        sheet.cell(row=row, column=2, value=item.source.column)
        sheet.cell(row=row, column=3, value=item.name.get("ru")).alignment = wrap
        value = sheet.cell(row=row, column=4)
        value.fill = fill
        name_cell(sheet, value.coordinate, XLSX_NAME_PREFIX + item.id)
        if item.type == "boolean":
            yes_no.add(value.coordinate)
        hint = _TYPE_HINTS[item.type] + (f", {item.unit}" if item.unit else "") + (
            "" if item.required else ", обязательно при условии / required when" if item.required_when
            else ", необязательно") + (_alternative(compiled, item.id) if compiled is not None else "")
        sheet.cell(row=row, column=5, value=hint)
        sheet.cell(row=row, column=6, value=item.id)
    for column, width in zip("ABCDEF", (10, 10, 80, 16, 28, 26)):
        sheet.column_dimensions[column].width = width


def _horizontal(sheet, items, name_cell, bold, wrap, fill, yes_no) -> None:
    from openpyxl.utils import get_column_letter
    sheet.cell(row=4, column=1, value="Графа / Column").font = bold
    sheet.cell(row=5, column=1, value="Показатель / Indicator").font = bold
    sheet.cell(row=6, column=1, value="Значение / Value").font = bold
    sheet.cell(row=7, column=1, value="Поле / Field").font = bold
    sheet.column_dimensions["A"].width = 22
    for column, item in enumerate(items, start=2):
        sheet.cell(row=4, column=column, value=item.source.column).font = bold
        sheet.cell(row=5, column=column, value=item.name.get("ru")).alignment = wrap
        value = sheet.cell(row=6, column=column)
        value.fill = fill
        name_cell(sheet, value.coordinate, XLSX_NAME_PREFIX + item.id)
        sheet.cell(row=7, column=column, value=item.id)
        sheet.column_dimensions[get_column_letter(column)].width = 24
    sheet.row_dimensions[5].height = 120


def _penalty_sheet(workbook, compiled: CompiledMethodology, bold, wrap, fill) -> None:
    """The sheet ``Штрафы``: a row per penalty rule the act sets (per direction where the act
    caps it per direction), for the count of facts or the points; the table (header row
    included) carries the workbook-level name ``penalties_table``."""
    from openpyxl.styles import PatternFill
    from openpyxl.workbook.defined_name import DefinedName
    m = compiled.methodology
    sheet = workbook.create_sheet(PENALTY_SHEET)
    sheet["A1"] = "Штрафы за представление отчетности / Penalties for how the body reported"
    sheet["A1"].font = bold
    sheet["A3"] = ("Заполните «Количество фактов» или «Баллы» (одно из двух); пустая строка — штрафа нет. "
                   "Fill in the count of facts or the points (one of the two); an empty row is no penalty.")
    for column, (_, label) in enumerate(PENALTY_COLUMNS, start=1):
        sheet.cell(row=4, column=column, value=label).font = bold
    grey = PatternFill("solid", fgColor="D9D9D9")
    row = 4
    for rule_id, rule in m.penalties.items():
        for direction in (compiled.top_level if rule.scope == "direction" else [None]):
            row += 1
            values = {"kind": rule.name.get("ru"), "paragraph": rule.paragraph, "direction": direction,
                      "how": _penalty_how(rule), "rule": rule_id}
            if direction is not None:
                values["kind"] += f" — {direction}: {m.node(direction).name.get('ru')}"
            for column, (key, _) in enumerate(PENALTY_COLUMNS, start=1):
                cell = sheet.cell(row=row, column=column, value=values.get(key))
                cell.alignment = wrap
                if key in ("count", "reference") or (key == "points" and not rule.replaces_value):
                    cell.fill = fill
                elif key == "points":
                    cell.fill = grey
    reference = f"'{PENALTY_SHEET}'!$A$4:${chr(ord('A') + len(PENALTY_COLUMNS) - 1)}${row}"
    workbook.defined_names[PENALTY_TABLE] = DefinedName(PENALTY_TABLE, attr_text=reference)
    for column, width in zip("ABCDEFGH", (60, 16, 14, 14, 12, 30, 40, 20)):
        sheet.column_dimensions[column].width = width


def _penalty_how(rule) -> str:
    """How a penalty counts, in Russian and English, for the template."""
    if rule.replaces_value:
        return ("баллы не снимаются: проверенные значения вводятся вместо представленных / no points: the "
                "verified values go into the inputs")
    if rule.amount_entered:
        return "баллы за факт вводит оценивающий / the evaluator enters the points per fact"
    points = f"{rule.points.normalize():f}"
    cap = f"{rule.cap.normalize():f}" if rule.cap is not None else None
    where = (" на направление", " per direction") if rule.scope == "direction" else ("", "")
    return (f"{points} балла за факт" + (f", не более {cap}{where[0]}" if cap else "") +
            f" / {points} points per fact" + (f", at most {cap}{where[1]}" if cap else ""))


def _sheet_title(name: str) -> str:
    return name.replace("/", "-")[:31]


def render(compiled: CompiledMethodology, fmt: str) -> bytes:
    """The template's bytes (for standard output or an HTTP response)."""
    if fmt == "xlsx":
        return render_xlsx(compiled)
    if fmt == "json":
        return render_json(compiled)
    raise ValueError(f"unknown template format '{fmt}'; use xlsx or json")


def write(compiled: CompiledMethodology, path: Path, fmt: str) -> None:
    path.write_bytes(render(compiled, fmt))


def write_filled(compiled: CompiledMethodology, path: Path, fmt: str, *, body_id: str, name: str | None,
                 period: int | None, values: dict) -> None:
    """The input file of one body's report: the template with its values filled in, so that
    reading it back (``inputs.read_file``) gives the same report."""
    if fmt == "json":
        document = {"methodology": compiled.methodology.id, "period": period,
                    "body": body_id, "name": name, "inputs": values}
        if compiled.profile:
            document["profile"] = compiled.profile
        path.write_text(json.dumps(document, ensure_ascii=False, indent=2), encoding="utf-8")
        return
    if fmt != "xlsx":
        raise ValueError(f"unknown format '{fmt}'; use xlsx or json")
    import openpyxl
    write_xlsx(compiled, path)
    workbook = openpyxl.load_workbook(path)
    cells = {}
    for key, defined in workbook.defined_names.items():
        destinations = list(defined.destinations)
        if len(destinations) == 1:
            sheet, cell = destinations[0]
            cells[key] = workbook[sheet][cell.replace("$", "")]
    cells["body_id"].value = body_id
    cells["body_name"].value = name
    cells["period"].value = period
    for key, value in values.items():
        cell = cells.get(XLSX_NAME_PREFIX + key)
        if cell is None:
            continue
        if isinstance(value, list):
            value = ", ".join("not found" if item is None else str(item) for item in value)
        cell.value = value
    table_forms.fill(workbook, compiled, values)
    workbook.save(path)
