"""Reading a body's XLSX workbook, laid out like the act's forms by ``bagalau template``.

Every input cell carries a defined name ``in_<input id>``; the meta cells (``body_id``,
``period``, ``profile``, ``body_name``) carry their own names; the penalties sheet
(``Штрафы``) is a table under the name ``penalties_table``. A damaged file, an
entity-expansion bomb or a formula without a saved value is refused with the cell named.
"""

from __future__ import annotations

import html
import re
import zipfile
from pathlib import Path
from typing import Any

from bagalau.engine import limits
from bagalau.engine.table_forms import TABLE_NAME_PREFIX, read_range
from bagalau.engine.inputs import (XLSX_NAME_PREFIX, InputError, Problem, Submission, _one_line, _period,
                                   shown)
from bagalau.engine.penalties import PENALTY_COLUMNS, PENALTY_READ, PENALTY_SHEET, PENALTY_TABLE


def read_xlsx(path: Path) -> Submission:
    import openpyxl
    try:
        limits.check_xlsx(path)
        workbook = openpyxl.load_workbook(path, data_only=True, read_only=False)
    except limits.LimitError as exc:
        raise InputError([Problem("-", "-", str(path), str(exc))]) from None
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds for a damaged file
        raise InputError([Problem("-", "-", str(path), f"not a readable XLSX workbook: {_workbook_problem(exc)}")]) from None
    raw: dict[str, Any] = {}
    locations: dict[str, str] = {}
    meta: dict[str, Any] = {}
    empty: list[tuple[str, str, str]] = []
    table = None
    for name, defined in workbook.defined_names.items():
        destinations = list(defined.destinations)
        if len(destinations) != 1:
            continue
        sheet, cell = destinations[0]
        if name == PENALTY_TABLE:
            table = (sheet, cell.replace("$", ""))
            continue
        if name.startswith(TABLE_NAME_PREFIX):   # a repeated-row table's data rows
            read_range(workbook, name[len(TABLE_NAME_PREFIX):], sheet, cell, path, raw, locations)
            continue
        where = f"{path}: sheet '{sheet}', cell {cell.replace('$', '')}"
        try:
            value = workbook[sheet][cell.replace("$", "")].value
        except (KeyError, ValueError, AttributeError, TypeError):    # a missing sheet, a range, a bad reference
            raise InputError([Problem("-", name, where, "the workbook's name points at no single cell of its "
                                      "sheets (damaged, or not made from `bagalau template`)")]) from None
        if name.startswith(XLSX_NAME_PREFIX):
            field_id = name[len(XLSX_NAME_PREFIX):]
            if value is not None and not (isinstance(value, str) and not value.strip()):
                raw[field_id] = value
            elif value is None:
                empty.append((field_id, sheet, cell.replace("$", "")))
            locations[field_id] = where
        else:
            meta[name] = (value, where)
    if "body_id" not in meta:
        raise InputError([Problem("-", "body_id", str(path), "this workbook is not a Bagalau template "
                                  "(no 'body_id' cell); generate one with `bagalau template`")])
    body_id, where = meta["body_id"]
    if not body_id:
        raise InputError([Problem("-", "body_id", where, "the body id cell is empty")])
    unsaved = _formulas_without_values(path, empty)
    if unsaved:
        raise InputError([Problem(str(body_id), field_id, locations[field_id],
                                  f"the cell holds the formula {shown(formula, 60)} but no saved value; open the "
                                  "file in Excel (or LibreOffice) and save it, or enter the value itself")
                          for field_id, formula in unsaved])
    period_value = meta.get("period", (None, ""))[0]
    profile = meta.get("profile", (None,))[0]
    name = meta.get("body_name", (None,))[0]
    penalties, cells = read_penalty_table(workbook, path, str(body_id), table) if table else (None, {})
    return Submission(body_id=str(body_id), name=str(name).strip() or None if name is not None else None, raw=raw,
                      locations=locations, period=_period(period_value, path), origin=str(path),
                      profile=str(profile).strip() if profile else None, penalties=penalties,
                      penalties_at=f"{path}: sheet '{PENALTY_SHEET}'", penalty_cells=cells)


def read_penalty_table(workbook, path: Path, body_id: str, table: tuple[str, str]):
    """The penalties written on the sheet ``Штрафы`` (the range named ``penalties_table``, its
    first row the headers) as score-file entries {rule, direction, count, points, reference},
    and each entry's cells, so that a problem names the cell. Rows with neither a count nor
    points are no penalty."""
    sheet, ref = table
    where = f"{path}: sheet '{sheet}', cells {ref}"
    try:
        rows = workbook[sheet][ref]
    except (KeyError, ValueError, AttributeError, TypeError, IndexError):
        raise InputError([Problem(body_id, PENALTY_TABLE, where, "the workbook's name for the penalties table points "
                                  "at no range of its sheets (damaged, or not made from `bagalau template`)")]) from None
    if not isinstance(rows, tuple) or not rows or not isinstance(rows[0], tuple):
        raise InputError([Problem(body_id, PENALTY_TABLE, where, "the penalties table must be a range of rows under "
                                  "a header row, as `bagalau template` writes it")])
    labels = {label: key for key, label in PENALTY_COLUMNS}
    columns = {labels[str(c.value).strip()]: i for i, c in enumerate(rows[0])
               if c.value is not None and str(c.value).strip() in labels}
    missing = [label for key, label in PENALTY_COLUMNS if key in PENALTY_READ and key not in columns]
    if missing:
        raise InputError([Problem(body_id, PENALTY_TABLE, f"{where}, header row {_row_number(rows[0])}",
                                  f"the penalties table has no column {shown(missing[0], 60)}; keep the header "
                                  "row as `bagalau template` writes it")])
    blank = [row[columns[key]].coordinate for row in rows[1:] for key in ("count", "points")
             if _cell_value(row[columns[key]].value) is None]
    unsaved = _sheet_formulas_without_values(path, sheet, blank)
    if unsaved:
        raise InputError([Problem(body_id, "penalties", f"{path}: sheet '{sheet}', cell {coordinate}",
                                  f"the cell holds the formula {shown(formula, 60)} but no saved value; open the "
                                  "file in Excel (or LibreOffice) and save it, or enter the value itself")
                          for coordinate, formula in unsaved])
    entries, cells = [], {}
    for row in rows[1:]:
        values = {key: _cell_value(row[i].value) for key, i in columns.items() if key in PENALTY_READ}
        if values["count"] is None and values["points"] is None:
            continue
        at = f"penalties[{len(entries)}]"
        entries.append({key: value for key, value in values.items() if value is not None or key == "rule"})
        cells[at] = f"{path}: sheet '{sheet}', row {_row_number(row)}"
        cells.update({f"{at}.{key}": f"{path}: sheet '{sheet}', cell {row[i].coordinate}"
                      for key, i in columns.items() if key in PENALTY_READ})
    return entries, cells


def _sheet_formulas_without_values(path: Path, sheet: str, blank: list[str]) -> list[tuple[str, str]]:
    """The ``blank`` cells of ``sheet`` that hold a formula with no saved value. The sheet's
    own XML is looked at first (the template writes no formula there): most files are
    answered without reading the workbook a second time."""
    if not blank or not _sheet_has_formulas(path, sheet):
        return []
    import openpyxl
    try:
        formulas = openpyxl.load_workbook(path, read_only=True, data_only=False)[sheet]
        texts = {cell.coordinate: cell.value for row in formulas.iter_rows() for cell in row
                 if getattr(cell, "coordinate", None) in blank}
    except Exception:  # noqa: BLE001 - it was readable a moment ago; nothing more to say
        return []
    return [(coordinate, text) for coordinate, text in texts.items() if isinstance(text, str) and text.startswith("=")]


def _sheet_has_formulas(path: Path, sheet: str) -> bool:
    """Whether the worksheet named ``sheet`` holds a formula element (True when unsure)."""
    try:
        with zipfile.ZipFile(path) as archive:
            book = archive.read("xl/workbook.xml").decode("utf-8", "replace")
            relations = archive.read("xl/_rels/workbook.xml.rels").decode("utf-8", "replace")
            relation = next(_attribute(tag, "r:id") for tag in re.findall(r"<(?:\w+:)?sheet\s[^>]*>", book)
                            if html.unescape(_attribute(tag, "name")) == sheet)
            target = next(_attribute(tag, "Target") for tag in re.findall(r"<Relationship\s[^>]*>", relations)
                          if _attribute(tag, "Id") == relation)
            return b"<f" in archive.read(target.lstrip("/") if target.startswith("/") else "xl/" + target)
    except Exception:  # noqa: BLE001 - an unusual archive: look the slow way
        return True


def _attribute(tag: str, name: str) -> str:
    return re.search(rf'(?:^|\s){re.escape(name)}="([^"]*)"', tag).group(1)


def _cell_value(value):
    """A cell's value, with blank text as empty."""
    return None if value is None or (isinstance(value, str) and not value.strip()) else value


def _row_number(row) -> str:
    return str(getattr(row[0], "row", "?")) if row else "?"


def _workbook_problem(exc: Exception) -> str:
    from openpyxl.utils.exceptions import InvalidFileException
    causes = [exc]
    while causes[-1].__cause__ is not None or causes[-1].__context__ is not None:
        causes.append(causes[-1].__cause__ or causes[-1].__context__)
        if len(causes) > 10:
            break
    for cause in causes:    # openpyxl wraps what the XML parser found in a ValueError of its own
        if type(cause).__name__ in ("EntitiesForbidden", "DTDForbidden", "ExternalReferenceForbidden"):
            exc = cause
            break
    else:
        exc = causes[-1] if len(causes) > 1 else exc
    if isinstance(exc, zipfile.BadZipFile):
        return "it is not a ZIP archive, as every XLSX file is (damaged, or another format renamed)"
    if type(exc).__name__ in ("EntitiesForbidden", "DTDForbidden", "ExternalReferenceForbidden"):
        return "it declares XML entities or external references, which are refused (an entity-expansion bomb?)"
    if isinstance(exc, InvalidFileException):
        return _one_line(exc)
    if isinstance(exc, KeyError):
        return f"a part of the workbook is missing ({_one_line(exc).strip(chr(39))})"
    text = _one_line(exc)
    return f"damaged ({text[:200]})" if text else "damaged"


def _has_formulas(path: Path) -> bool:
    """Whether any sheet holds a formula element, looked for in the archive's bytes (reading
    the workbook a second time for its formulas costs far more)."""
    try:
        with zipfile.ZipFile(path) as archive:
            return any(b"<f" in archive.read(member) for member in archive.namelist()
                       if member.startswith("xl/worksheets/"))
    except Exception:  # noqa: BLE001 - it was readable a moment ago: look the slow way
        return True


def _formulas_without_values(path: Path, empty: list[tuple[str, str, str]]) -> list[tuple[str, str]]:
    """The named input cells that are empty when read for values but hold a formula: a file
    written by a program that does not compute formulas (Excel saves the computed value)."""
    if not empty or not _has_formulas(path):
        return []
    import openpyxl
    try:
        formulas = openpyxl.load_workbook(path, data_only=False, read_only=False)
    except Exception:  # noqa: BLE001 - it was readable a moment ago; nothing more to say
        return []
    found = []
    for field_id, sheet, cell in empty:
        try:
            value = formulas[sheet][cell].value
        except (KeyError, ValueError):
            continue
        if isinstance(value, str) and value.startswith("="):
            found.append((field_id, value))
        elif value is not None and type(value).__name__ in ("ArrayFormula", "DataTableFormula"):
            found.append((field_id, str(getattr(value, "text", "") or "=…")))
    return found
