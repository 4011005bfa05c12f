"""Repeated-row table inputs: forms that list several rows per body.

A definition's ``tables`` (see docs/methodology-format.md) describe such a
form: typed columns, and the aggregates (count, sum, min, max over the rows
where a condition holds) that give ordinary inputs. A body may give the
table's rows instead of those inputs; ``expand`` checks every row and turns
the rows into the inputs' values, so that scoring, the columnar scorer and
the explanations see ordinary inputs. ``annotate`` then adds to an
explanation the rows each aggregated input came from.

Every problem names the body, the table, the row (its position in the list,
from 1), the column and the reason. Arithmetic is exact.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from decimal import Decimal
from fractions import Fraction
from typing import Any

from bagalau.engine.definition import IDENTIFIER, Input, Source, Table, TableAggregate, TableColumn
from bagalau.engine.exact import decimal_text
from bagalau.engine.expressions import (BASE_NAMESPACE, CONTEXT_NAME, EvaluationContext, Formula, FormulaError,
                                        compile_formula)

CHOICE_PATTERN = re.compile(r"^[A-Za-z0-9_]+$")


@dataclass
class CompiledAggregate:
    input_id: str
    rule: TableAggregate
    where: Formula | None

    @property
    def text(self) -> str:
        """The aggregate as written: count where …, sum(column) where …."""
        function = self.rule.function
        head = function if function in ("count", "any") else f"{function}({self.rule.column})"
        return head + (f" where {self.rule.where}" if self.rule.where else "")


@dataclass
class CompiledTable:
    id: str
    table: Table
    columns: dict[str, TableColumn]
    cells: dict[str, Input]                          # each non-choice column read as an input is
    required_when: dict[str, Formula] = field(default_factory=dict)
    only_when: dict[str, Formula] = field(default_factory=dict)
    aggregates: list[CompiledAggregate] = field(default_factory=list)

    def row_names(self) -> set[str]:
        names = set(self.columns)
        for column in self.columns.values():
            names |= {f"{column.id}_{choice}" for choice in column.choices}
        return names


@dataclass
class TableRow:
    number: int                  # position in the body's list, from 1
    location: str
    values: dict[str, Any]       # typed: exact numbers, 1/0, text, choice text; None where empty


@dataclass
class TableUse:
    """A body's table as read, and what each aggregate took from it."""

    table: CompiledTable
    rows: list[TableRow]
    used: dict[str, tuple[Any, list[int]]] = field(default_factory=dict)   # input id -> (value, row numbers)


# --- compiling ---------------------------------------------------------------------

def compile_tables(compiled) -> dict[str, CompiledTable]:
    """The definition's tables with their conditions compiled; problems go to ``compiled.problems``."""
    tables: dict[str, CompiledTable] = {}
    claimed: dict[str, str] = {}
    for table_id, table in compiled.methodology.tables.items():
        path = f"tables.{table_id}"
        if not re.match(IDENTIFIER, table_id) or table_id in compiled.inputs:
            compiled.problems.append((path, f"table id '{table_id}' must be an identifier that names no input"))
            continue
        compiled_table = CompiledTable(table_id, table, {c.id: c for c in table.columns},
                                       {c.id: _cell_input(table, c) for c in table.columns if c.type != "choice"})
        _check_columns(compiled, compiled_table, path)
        names = compiled_table.row_names() | set(compiled.parameters)
        for index, column in enumerate(table.columns):
            for attribute in ("required_when", "only_when"):
                source = getattr(column, attribute)
                formula = _condition(compiled, source, names, f"{path}.columns[{index}].{attribute}")
                if formula is not None:
                    getattr(compiled_table, attribute)[column.id] = formula
        for input_id, rule in table.aggregates.items():
            where = f"{path}.aggregates.{input_id}"
            if input_id not in compiled.inputs:
                compiled.problems.append((where, f"'{input_id}' is not an input of this edition"))
                continue
            if input_id in claimed:
                compiled.problems.append((where, f"'{input_id}' is already given by table '{claimed[input_id]}'"))
                continue
            if not _aggregate_column_ok(compiled, compiled_table, rule, where):
                continue
            claimed[input_id] = table_id
            compiled_table.aggregates.append(CompiledAggregate(
                input_id, rule, _condition(compiled, rule.where, names, f"{where}.where")))
        tables[table_id] = compiled_table
    return tables


def _cell_input(table: Table, column: TableColumn) -> Input:
    """A column as an input, so that its cells are read exactly as inputs are (``inputs.coerce``)."""
    return Input(id=column.id, name=column.name, type=column.type, unit=column.unit, min=column.min,
                 max=column.max, required=column.required, source=Source(form=table.form, column=column.column),
                 paragraph=table.paragraph)


def _check_columns(compiled, table: CompiledTable, path: str) -> None:
    seen: set[str] = set()
    for index, column in enumerate(table.table.columns):
        where = f"{path}.columns[{index}]"
        if column.id in seen:
            compiled.problems.append((f"{where}.id", f"column '{column.id}' is used twice"))
        seen.add(column.id)
        if column.type == "choice" and not column.choices:
            compiled.problems.append((f"{where}.choices", "a choice column needs its choices"))
        if column.type != "choice" and column.choices:
            compiled.problems.append((f"{where}.choices", "only a choice column has choices"))
        for choice in column.choices:
            if not CHOICE_PATTERN.match(choice):
                compiled.problems.append((f"{where}.choices", f"choice '{choice}' must be letters, digits or _"))


def _aggregate_column_ok(compiled, table: CompiledTable, rule: TableAggregate, where: str) -> bool:
    if rule.function in ("count", "any"):
        if rule.column is not None:
            compiled.problems.append((f"{where}.column", f"{rule.function} takes no column (use where)"))
            return False
        return True
    column = table.columns.get(rule.column or "")
    if column is None or column.type not in ("integer", "decimal", "boolean"):
        compiled.problems.append((f"{where}.column", f"{rule.function} needs a number or yes/no column of the "
                                  f"table; got '{rule.column}'"))
        return False
    return True


def _condition(compiled, source: str | None, names: set[str], path: str) -> Formula | None:
    if source is None:
        return None
    try:
        formula = compile_formula(source)
    except FormulaError as exc:
        compiled.problems.append((path, f"condition '{source}': {exc}"))
        return None
    unknown = sorted(formula.names - names)
    if unknown:
        compiled.problems.append((path, f"condition '{source}' names {', '.join(unknown)}, which are not columns "
                                        "of the table (a choice is <column>_<choice>)"))
        return None
    return formula


# --- a body's rows -----------------------------------------------------------------

def given(raw: dict, table_id: str) -> bool:
    """Whether the body gives the table: an explicit list, unless every row of it is blank
    (the template's example row left empty); an empty list says the body has no rows."""
    rows = raw.get(table_id)
    if rows is None:
        return False
    if isinstance(rows, list) and rows and all(isinstance(r, dict) and _blank_row(r) for r in rows):
        return False
    return True


def expand(compiled, submission):
    """The submission with each table it gives replaced by the inputs its aggregates give.

    Returns (submission, problems, uses, withheld): ``withheld`` are the inputs of a
    table whose rows have problems (no value was computed; they are not also missing)."""
    from bagalau.engine.inputs import Problem, coerce, shown
    tables = getattr(compiled, "tables", None)
    if not tables or not any(key in submission.raw for key in tables):
        return submission, [], {}, set()
    raw, locations = dict(submission.raw), dict(submission.locations)
    problems: list = []
    uses: dict[str, TableUse] = {}
    withheld: set[str] = set()
    for table_id, table in tables.items():
        if table_id not in raw:
            continue
        if not given(raw, table_id):
            raw.pop(table_id)
            continue
        cells = raw.pop(table_id)
        where = locations.pop(table_id, "")
        rows, row_problems = read_rows(compiled, table, cells, submission.body_id, where, locations)
        if row_problems:
            problems += row_problems
            withheld |= {a.input_id for a in table.aggregates}
            continue
        use = uses[table_id] = TableUse(table, rows)
        for aggregate in table.aggregates:
            value, numbers = evaluate(compiled, table, aggregate, rows)
            use.used[aggregate.input_id] = (value, numbers)
            target = compiled.inputs[aggregate.input_id]
            here = f"{where}: {aggregate.text}" if where else f"table {table_id}: {aggregate.text}"
            written = submission.raw.get(aggregate.input_id)
            if not _blank(written):
                if value is None:
                    continue   # nothing to compare (no row to take a min or max of): the written value stands
                try:
                    same = coerce(target, written) == value
                except ValueError:
                    continue  # the written value is reported by validation as it stands
                if not same:
                    problems.append(Problem(submission.body_id, aggregate.input_id,
                                            submission.locations.get(aggregate.input_id, ""),
                                            f"given as {shown(written)}, but the rows of table '{table_id}' give "
                                            f"{_text(value)} ({aggregate.text}); give one of them, or make them agree"))
                continue
            if value is None:
                raw.pop(aggregate.input_id, None)
            else:
                raw[aggregate.input_id] = _raw_number(value)
            locations[aggregate.input_id] = here
    return replace(submission, raw=raw, locations=locations), problems, uses, withheld


def read_rows(compiled, table: CompiledTable, cells, body: str, where: str, locations: dict):
    """The typed rows of one table, and the problems found in them (body, table, row, column, reason)."""
    from bagalau.engine.inputs import Problem, coerce, shown
    problems: list = []

    def problem(number: int | None, column: str | None, location: str, reason: str) -> None:
        label = f"table {table.id}" + (f", row {number}" if number else "") + (f", column {column}" if column else "")
        problems.append(Problem(body, label, location, reason))

    if not isinstance(cells, list):
        problem(None, None, where, f"must be a list of rows (one object per row), got {shown(cells)}")
        return [], problems
    if len(cells) > table.table.max_rows:
        problem(None, None, where, f"{len(cells)} rows; at most {table.table.max_rows} are accepted")
        return [], problems
    rows: list[TableRow] = []
    for number, cell_row in enumerate(cells, start=1):
        row_where = f"{where}[{number - 1}]" if where else f"row {number}"
        if not isinstance(cell_row, dict):
            problem(number, None, row_where, f"must be an object of column: value, got {shown(cell_row)}")
            continue
        if _blank_row(cell_row):
            continue
        values: dict[str, Any] = {}
        for key in cell_row:
            if key not in table.columns:
                problem(number, str(key), _cell_where(locations, table.id, number, str(key), row_where),
                        f"unknown column; this table has {', '.join(table.columns)}")
        for column in table.table.columns:
            here = _cell_where(locations, table.id, number, column.id, row_where)
            cell = cell_row.get(column.id)
            if _blank(cell):
                values[column.id] = _column_default(column)
                continue
            try:
                values[column.id] = _read_choice(column, cell) if column.type == "choice" \
                    else coerce(table.cells[column.id], cell)
            except ValueError as exc:
                problem(number, column.id, here, str(exc))
                values[column.id] = None
        unread = [key for key in values if values[key] is None and not _blank(cell_row.get(key))]
        for reason, column_id in _row_rules(compiled, table, values, cell_row, cells_ok=not unread):
            problem(number, column_id, _cell_where(locations, table.id, number, column_id, row_where), reason)
        rows.append(TableRow(number, row_where if not locations.get(f"{table.id}[{number - 1}]")
                             else locations[f"{table.id}[{number - 1}]"], values))
    return rows, problems


def _row_rules(compiled, table: CompiledTable, values: dict, cell_row: dict,
               cells_ok: bool) -> list[tuple[str, str]]:
    """Required cells (always, or when a condition holds) and cells allowed only when a condition
    holds; the conditions only where every cell of the row could be read."""
    found = []
    namespace = row_namespace(compiled, table, values)
    for column in table.table.columns:
        blank = _blank(cell_row.get(column.id))
        if blank and column.required and column.required_when is None and column.default is None:
            found.append((f"missing: {column.name.get('en')}", column.id))
        if not cells_ok:
            continue
        rule = table.required_when.get(column.id)
        if blank and rule is not None and _holds(rule, namespace) is True:
            found.append((f"missing: {column.name.get('en')} is required when {rule.source}", column.id))
        rule = table.only_when.get(column.id)
        if not blank and values.get(column.id) not in (None, 0) and rule is not None \
                and _holds(rule, namespace) is False:
            shown = "yes" if column.type == "boolean" else _text(values[column.id])
            found.append((f"may be {shown} only when {rule.source}", column.id))
    return found


def row_namespace(compiled, table: CompiledTable, values: dict) -> dict:
    namespace = {**BASE_NAMESPACE, **compiled.parameters, **values}
    for column in table.table.columns:
        for choice in column.choices:
            namespace[f"{column.id}_{choice}"] = int(values.get(column.id) == choice)
    namespace[CONTEXT_NAME] = EvaluationContext(compiled.bands, {})
    return namespace


def _holds(formula: Formula, namespace: dict) -> bool | None:
    """The condition on a row, or None where it cannot be told (a cell it needs is empty)."""
    namespace.update(formula.constants)
    try:
        return bool(eval(formula.code, namespace))
    except (TypeError, ArithmeticError):
        return None


def evaluate(compiled, table: CompiledTable, aggregate: CompiledAggregate,
             rows: list[TableRow]) -> tuple[Any, list[int]]:
    """The aggregate over the rows where its condition holds, exactly, and those rows' numbers."""
    chosen = [row for row in rows
              if aggregate.where is None or _holds(aggregate.where, row_namespace(compiled, table, row.values))]
    numbers = [row.number for row in chosen]
    rule = aggregate.rule
    if rule.function == "count":
        return len(chosen), numbers
    if rule.function == "any":
        return int(bool(chosen)), numbers
    cells = [row.values.get(rule.column) for row in chosen]
    present = [value for value in cells if value is not None]
    if rule.function == "sum":
        return sum(present, 0), numbers
    if not present:
        return None, numbers
    value = min(present) if rule.function == "min" else max(present)
    return value, [row.number for row in chosen if row.values.get(rule.column) == value]


def _read_choice(column: TableColumn, cell) -> str:
    text = str(cell).strip()
    for choice in column.choices:
        if text.lower() == choice.lower():
            return choice
    raise ValueError(f"expected one of {', '.join(column.choices)}, got '{text[:40]}'")


def _column_default(column: TableColumn):
    if column.default is None:
        return None
    if column.type == "boolean":
        return int(column.default is True or str(column.default).lower() == "true")
    if column.type == "choice" or column.type == "text":
        return str(column.default)
    from bagalau.engine.exact import exact
    return exact(Decimal(str(column.default)))


def _cell_where(locations: dict, table_id: str, number: int, column: str, row_where: str) -> str:
    return locations.get(f"{table_id}[{number - 1}].{column}") or f"{row_where}.{column}"


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _blank_row(row: dict) -> bool:
    return all(_blank(value) for value in row.values())


def _raw_number(value):
    """An exact aggregate as a raw value the input's own reading accepts unchanged."""
    if type(value) is Fraction:
        return Decimal(decimal_text(value))   # sums and extremes of decimal cells: the expansion ends
    return value


def _text(value) -> str:
    return decimal_text(value) if isinstance(value, (int, Fraction)) and not isinstance(value, bool) else str(value)


def hint(compiled, input_id: str) -> str:
    """For a missing input that a table gives: how else it can be given."""
    for table in getattr(compiled, "tables", {}).values():
        if any(a.input_id == input_id for a in table.aggregates):
            return f"; or give the rows of table '{table.id}' ({table.table.form})"
    return ""


# --- explanations ------------------------------------------------------------------

def annotate(explanation: dict, uses: dict[str, TableUse]) -> None:
    """Add to each explained input that a table gave the table, the aggregate and the rows it came from."""
    if not uses or explanation is None:
        return
    from bagalau.engine.explanations import value_text, walk
    given_by = {input_id: (use, aggregate) for use in uses.values() for aggregate in use.table.aggregates
                for input_id in [aggregate.input_id] if input_id in use.used}
    for node in walk(explanation):
        for input_id, entry in node.get("inputs", {}).items():
            if input_id not in given_by:
                continue
            use, aggregate = given_by[input_id]
            value, numbers = use.used[input_id]
            shown_columns = _shown_columns(use.table, aggregate)
            entry["table"] = {
                "id": use.table.id, "name": use.table.table.name.model_dump(exclude_none=True),
                "form": use.table.table.form, "paragraph": aggregate.rule.paragraph or use.table.table.paragraph,
                "aggregate": aggregate.text, "value": value_text(value), "rows_given": len(use.rows),
                "rows": [{"row": row.number, "location": row.location, "label": _label(use.table, row),
                          "cells": {key: _cell_text(use.table, key, row.values.get(key)) for key in shown_columns}}
                         for row in use.rows if row.number in numbers],
            }


def _label(table: CompiledTable, row: TableRow) -> str:
    """What names the row: its text cells (e.g. the information system's name)."""
    return " · ".join(str(row.values[c.id]) for c in table.table.columns
                      if c.type == "text" and row.values.get(c.id) is not None)


def _shown_columns(table: CompiledTable, aggregate: CompiledAggregate) -> list[str]:
    """The row's text columns (what names it), then the columns the aggregate reads."""
    named = set(aggregate.where.names if aggregate.where else ()) | ({aggregate.rule.column} - {None})
    for column in table.table.columns:
        named |= {column.id for choice in column.choices if f"{column.id}_{choice}" in named}
    return [c.id for c in table.table.columns if c.type == "text" or c.id in named]


def _cell_text(table: CompiledTable, column_id: str, value):
    from bagalau.engine.explanations import value_text
    if value is None:
        return None
    if table.columns[column_id].type == "boolean":
        return bool(value)
    return value_text(value)
