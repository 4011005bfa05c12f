"""The repeated-row tables of a report form (``engine.tables``): one HTML table per
table of the definition, one row per entry (an information system...).

A cell's field is named ``t.<table>.<row>.<column>`` (rows from 1, as the engine
numbers them in its messages); its id is ``t-<table>-<row>-<column>``. The form
posts every row, so adding a row (``add_row=<table>``), removing one
(``remove_row=<table>.<row>``) and emptying the fields the rows give
(``clear_given=<table>``) are plain submit buttons that work without JavaScript:
the page comes back with the rows changed and nothing saved. Saving keeps the
rows in the draft (a row left empty is dropped, ``drafts.clean``).
"""

from __future__ import annotations

import re
from typing import Any

from markupsafe import Markup, escape

from bagalau.engine.definition import TableColumn

from .rendering import localized

FIELD = re.compile(r"^t\.(?P<table>\w+)\.(?P<row>\d+)\.(?P<column>\w+)$")
PROBLEM = re.compile(r"^table (?P<table>\w+)(?:, row (?P<row>\d+))?(?:, column (?P<column>\w+))?$")
BOOLEAN = {"yes": True, "no": False}


def tables(compiled) -> dict:
    return getattr(compiled, "tables", None) or {}


def field(table_id: str, row: int, column: str) -> str:
    return f"t.{table_id}.{row}.{column}"


def anchor(key: str) -> str:
    """The element id of a table's key (``app1_is``, ``app1_is.2``, ``app1_is.2.late``)."""
    return "t-" + key.replace(".", "-")


def rows_from_form(compiled, form) -> dict[str, list[dict[str, Any]]]:
    """Each table's rows as posted, in their order, empty ones included (their numbers stay
    those the page showed); yes/no cells as true/false."""
    found: dict[str, dict[int, dict[str, Any]]] = {}
    known = tables(compiled)
    for name, raw in form.items():
        match = FIELD.match(str(name))
        if not match or match["table"] not in known or match["column"] not in known[match["table"]].columns:
            continue
        column = known[match["table"]].columns[match["column"]]
        value = str(raw).strip()
        if column.type == "boolean":
            value = BOOLEAN.get(value, value)
        found.setdefault(match["table"], {}).setdefault(int(match["row"]), {})[match["column"]] = value
    return {table_id: [rows[n] for n in sorted(rows)] for table_id, rows in found.items()}


def as_fields(values: dict) -> dict[str, str]:
    """A report's table rows (from a file) as the form's fields."""
    fields = {}
    for table_id, rows in values.items():
        for number, row in enumerate(rows if isinstance(rows, list) else [], start=1):
            for column, value in (row.items() if isinstance(row, dict) else ()):
                fields[field(table_id, number, str(column))] = shown(value)
    return fields


def shown(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def change(compiled, values: dict, form) -> tuple[dict, str | None, str | None]:
    """The values after a row button (add, remove, empty the fields the rows give): (values,
    what was done, the id to focus); (values, None, None) when no such button was pressed."""
    known = tables(compiled)
    added, removed, cleared = (str(form.get(k) or "") for k in ("add_row", "remove_row", "clear_given"))
    if added in known:
        rows = list(values.get(added) or [])
        if len(rows) >= known[added].table.max_rows:
            return values, "full", None
        rows.append({})
        first = known[added].table.columns[0].id
        return {**values, added: rows}, "added", anchor(f"{added}.{len(rows)}.{first}")
    if "." in removed and removed.split(".")[0] in known and removed.split(".")[1].isdigit():
        table_id, number = removed.split(".")[0], int(removed.split(".")[1])
        rows = list(values.get(table_id) or [])
        if 1 <= number <= len(rows):
            del rows[number - 1]
        return {**values, table_id: rows}, "removed", f"add-row-{table_id}"
    if cleared in known:
        kept = {key: value for key, value in values.items()
                if key not in {a.input_id for a in known[cleared].aggregates}}
        return kept, "cleared", f"clear-given-{cleared}"
    return values, None, None


def problem_key(field_name: str) -> str | None:
    """The key of a table's problem (``table app1_is, row 2, column late`` -> ``app1_is.2.late``)."""
    match = PROBLEM.match(field_name or "")
    if not match:
        return None
    return ".".join(part for part in (match["table"], match["row"], match["column"]) if part)


def problem_label(compiled, key: str, name_text) -> Markup:
    """A table's problem key in words: the table's form, the row, the column's name
    (``name_text``: the page's ``text`` filter, which marks a name in another language)."""
    parts = key.split(".")
    table = tables(compiled).get(parts[0])
    if table is None:
        return escape(key)
    label = escape(table.table.form)
    if len(parts) > 1:
        label += Markup(", № %s") % parts[1]
    if len(parts) > 2 and parts[2] in table.columns:
        label += Markup(": ") + name_text(table.columns[parts[2]].name, False)
    return label


def placed_after(sections: list[dict], form: str) -> str | None:
    """The section a table follows: the one whose form code is the longest start of the
    table's form ("App 1" for "App 1 (IS)", "App 1 T1" for "App 1 T1 (DIS)")."""
    candidates = [s for s in sections if form == s["form"] or form.startswith(s["form"] + " ")]
    if not candidates:
        return sections[-1]["id"] if sections else None
    return max(candidates, key=lambda s: len(s["form"]))["id"]


def view(compiled, sections: list[dict], values: dict, lang: str) -> list[dict]:
    """What the template shows of each table: columns, the rows as shown, where it goes."""
    shown_tables = []
    for table_id, table in tables(compiled).items():
        rows = values.get(table_id)
        rows = [row if isinstance(row, dict) else {} for row in rows] if isinstance(rows, list) else []
        columns = [_column(column) for column in table.table.columns]
        gives = [compiled.inputs[a.input_id] for a in table.aggregates]
        shown_tables.append({
            "id": table_id, "name": table.table.name, "form": table.table.form, "paragraph": table.table.paragraph,
            "columns": columns, "rows": [{key: shown(value) for key, value in row.items()} for row in rows] or [{}],
            "given": any(shown(value) for row in rows for value in row.values()), "gives": gives,
            "gives_filled": [i.id for i in gives if values.get(i.id) not in (None, "")],
            "after": placed_after(sections, table.table.form),
            "other_language": _other_language(table.table.columns, lang)})
    return shown_tables


def _column(column: TableColumn) -> dict:
    return {"id": column.id, "name": column.name, "type": column.type, "choices": column.choices,
            "number": column.column, "unit": column.unit,
            "optional": not column.required or column.default is not None or column.required_when is not None}


def _other_language(columns: list[TableColumn], lang: str) -> str | None:
    """The language the columns are shown in where the act lacks the page's (None if it has it)."""
    shown_in = {localized(column.name, lang)[1] for column in columns}
    others = sorted(code for code in shown_in if code and code != lang)
    return others[0] if others else None


def diff(compiled, left: dict, right: dict) -> list[dict]:
    """The table cells that differ between two versions, row by row (a row added or removed
    shows each of its filled cells)."""
    changed = []
    for table_id, table in tables(compiled).items():
        old, new = _rows(left.get(table_id)), _rows(right.get(table_id))
        for number in range(1, max(len(old), len(new)) + 1):
            a = old[number - 1] if number <= len(old) else {}
            b = new[number - 1] if number <= len(new) else {}
            for column in table.table.columns:
                if shown(a.get(column.id)) != shown(b.get(column.id)):
                    changed.append({"id": f"{table_id}[{number}].{column.id}", "name": column.name,
                                    "table": table.table.name, "form": table.table.form, "row": number,
                                    "column": column.column, "a": shown(a.get(column.id)),
                                    "b": shown(b.get(column.id)), "row_added": number > len(old),
                                    "row_removed": number > len(new)})
    return changed


def _rows(value) -> list[dict]:
    return [row if isinstance(row, dict) else {} for row in value] if isinstance(value, list) else []
