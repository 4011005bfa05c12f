"""Reading a body's XLSX workbook, laid out like the act's forms by ``bagalau template``.

Every input cell carries a defined name ``in_<input id>``; the meta cells (``body_id``,
``period``, ``profile``, ``body_name``) carry their own names. A damaged file, an
entity-expansion bomb or a formula without a saved value is refused with the cell named.
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

from bagalau.engine import limits
from bagalau.engine.table_forms import TABLE_NAME_PREFIX, read_range
from bagalau.engine.inputs import (XLSX_NAME_PREFIX, InputError, Problem, Submission, _one_line, _period,
                                   shown)


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
    for name, defined in workbook.defined_names.items():
        destinations = list(defined.destinations)
        if len(destinations) != 1:
            continue
        sheet, cell = destinations[0]
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
    return Submission(body_id=str(body_id), name=str(name).strip() or None if name is not None else None, raw=raw,
                      locations=locations, period=_period(period_value, path), origin=str(path),
                      profile=str(profile).strip() if profile else None)


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
