"""Repeated-row tables in input files: the templates' parts and the XLSX reading.

XLSX: one sheet per table, a header row with the columns' names, under it a row
with the column ids (which is how the reader finds each column, even if columns
are moved), then the data rows, covered by the workbook-level defined name
``table_<id>``. A row left empty is skipped; rows inserted inside the range are
read too. JSON: the table is a list of row objects under ``inputs``; the
template gives one example row with empty cells.
"""

from __future__ import annotations

from pathlib import Path

from bagalau.engine.definition import TableColumn

TABLE_NAME_PREFIX = "table_"
HEADER_ROW, IDS_ROW, FIRST_ROW = 4, 5, 6
_KINDS = {"integer": "целое / whole number", "decimal": "число / number", "boolean": "да/нет",
          "text": "текст / text"}


def example_rows(compiled) -> dict[str, list[dict]]:
    """For the JSON template: each table with one example row of empty cells."""
    return {table_id: [{column.id: None for column in table.table.columns}]
            for table_id, table in compiled.tables.items()}


def describe(compiled) -> dict[str, str]:
    """For the JSON template's "fields": each table and each of its columns in words."""
    described: dict[str, str] = {}
    for table_id, table in compiled.tables.items():
        given = ", ".join(a.input_id for a in table.aggregates)
        described[table_id] = (f"{table.table.form}: {table.table.name.get('ru')} — a list of rows, one object per "
                               f"row; gives {given} (or give those values themselves)")
        for column in table.table.columns:
            described[f"{table_id}[].{column.id}"] = f"{column.name.get('ru')} ({kind_text(column)})"
    return described


def kind_text(column: TableColumn) -> str:
    kind = f"одно из / one of: {', '.join(column.choices)}" if column.type == "choice" else _KINDS[column.type]
    if column.min is not None or column.max is not None:
        kind += f", {column.min if column.min is not None else '…'}–{column.max if column.max is not None else '…'}"
    if column.unit:
        kind += f", {column.unit}"
    if column.required_when:
        kind += f", обязательно при / required when {column.required_when}"
    elif not column.required or column.default is not None:
        kind += ", необязательно / optional"
    if column.only_when:
        kind += f", только при / only when {column.only_when}"
    return kind


def add_sheets(workbook, compiled, bold, wrap, fill, yes_no, sheet_title, body_sheet: str) -> None:
    """One sheet per table, its data rows named ``table_<id>``."""
    from openpyxl.utils import get_column_letter
    from openpyxl.workbook.defined_name import DefinedName
    from openpyxl.worksheet.datavalidation import DataValidation
    for table_id, table in compiled.tables.items():
        title = sheet_title(table.table.form)
        if title in workbook.sheetnames:
            title = sheet_title(f"{table.table.form} {table_id}")
        sheet = workbook.create_sheet(title)
        sheet.add_data_validation(yes_no)
        sheet["A1"] = table.table.name.get("ru")
        sheet["A1"].font = bold
        sheet["A2"] = f"='{body_sheet}'!B4"
        sheet["A3"] = ("Одна строка на запись; пустые строки не учитываются. One row per entry; empty rows are "
                       "skipped. " + (table.table.paragraph or ""))
        sheet.cell(row=HEADER_ROW, column=1, value="№").font = bold
        last_row = FIRST_ROW + table.table.template_rows - 1
        for offset, column in enumerate(table.table.columns, start=2):
            letter = get_column_letter(offset)
            header = sheet.cell(row=HEADER_ROW, column=offset,
                                value=f"{column.name.get('ru')} ({kind_text(column)})")
            header.font, header.alignment = bold, wrap
            sheet.cell(row=IDS_ROW, column=offset, value=column.id)
            sheet.column_dimensions[letter].width = 36 if column.type == "text" else 20
            cells = f"{letter}{FIRST_ROW}:{letter}{last_row}"
            if column.type == "boolean":
                yes_no.add(cells)
            elif column.type == "choice":
                choices = DataValidation(type="list", formula1='"' + ",".join(column.choices) + '"', allow_blank=True)
                sheet.add_data_validation(choices)
                choices.add(cells)
        for row in range(FIRST_ROW, last_row + 1):
            sheet.cell(row=row, column=1, value=row - FIRST_ROW + 1)
            for offset in range(2, len(table.table.columns) + 2):
                sheet.cell(row=row, column=offset).fill = fill
        sheet.row_dimensions[HEADER_ROW].height = 90
        last_column = get_column_letter(len(table.table.columns) + 1)
        reference = f"'{sheet.title}'!$B${FIRST_ROW}:${last_column}${last_row}"
        workbook.defined_names[TABLE_NAME_PREFIX + table_id] = DefinedName(TABLE_NAME_PREFIX + table_id,
                                                                           attr_text=reference)


def read_range(workbook, table_id: str, sheet_name: str, reference: str, path: Path,
               raw: dict, locations: dict) -> None:
    """A table's rows from its named range: column ids from the row above the range. A table
    whose rows are all empty is not given (its inputs may be given themselves)."""
    from openpyxl.utils import range_boundaries
    from bagalau.engine.inputs import InputError, Problem
    where = f"{path}: sheet '{sheet_name}'"
    try:
        sheet = workbook[sheet_name]
        low_column, low_row, high_column, high_row = range_boundaries(reference.replace("$", ""))
    except (KeyError, ValueError, TypeError):
        raise InputError([Problem("-", TABLE_NAME_PREFIX + table_id, where, "the workbook's table name points at "
                                  "no range of its sheets (damaged, or not made from `bagalau template`)")]) from None
    ids_row = low_row - 1
    column_ids = {}
    for column in range(low_column, high_column + 1):
        value = sheet.cell(row=ids_row, column=column).value if ids_row >= 1 else None
        if value is not None and str(value).strip():
            column_ids[column] = str(value).strip()
    rows = []
    for index, row in enumerate(range(low_row, high_row + 1)):
        cells = {}
        for column, column_id in column_ids.items():
            cell = sheet.cell(row=row, column=column)
            if cell.value is not None and not (isinstance(cell.value, str) and not cell.value.strip()):
                cells[column_id] = cell.value
            locations[f"{table_id}[{index}].{column_id}"] = f"{where}, cell {cell.coordinate}"
        locations[f"{table_id}[{index}]"] = f"{where}, row {row}"
        rows.append(cells)
    if any(rows):
        raw[table_id] = rows
        locations[table_id] = f"{where}, rows {low_row}–{high_row}"


def fill(workbook, compiled, values: dict) -> None:
    """Write each table's rows into a template's range (for ``forms.write_filled``); more rows
    than the template's empty ones go on below them, and the table's name covers them too."""
    from openpyxl.utils import get_column_letter, range_boundaries
    for table_id in compiled.tables:
        rows = values.get(table_id)
        defined = workbook.defined_names.get(TABLE_NAME_PREFIX + table_id)
        if not isinstance(rows, list) or defined is None:
            continue
        sheet_name, reference = next(iter(defined.destinations))
        sheet = workbook[sheet_name]
        low_column, low_row, high_column, high_row = range_boundaries(reference.replace("$", ""))
        if len(rows) > high_row - low_row + 1:
            for row in range(high_row + 1, low_row + len(rows)):
                sheet.cell(row=row, column=low_column - 1, value=row - low_row + 1)
            high_row = low_row + len(rows) - 1
            defined.attr_text = (f"'{sheet_name}'!${get_column_letter(low_column)}${low_row}:"
                                 f"${get_column_letter(high_column)}${high_row}")
        ids = {sheet.cell(row=low_row - 1, column=c).value: c for c in range(low_column, high_column + 1)}
        for offset, row in enumerate(rows):
            for key, value in (row.items() if isinstance(row, dict) else ()):
                if key in ids:
                    sheet.cell(row=low_row + offset, column=ids[key], value=_cell_value(value))


def _cell_value(value):
    if isinstance(value, bool):
        return "да" if value else "нет"
    return value
