"""Importing an extract file: validate every row against its kind's schema, then keep
it in the workspace as typed Parquet, or keep nothing.

A file is read in batches (CSV through pyarrow's streaming reader, Parquet
row group by row group), so its size is bounded by the disk, not the
memory. Each batch is checked in DuckDB: every value must parse as its
field's type, required fields must be filled, choices and minima hold, and
the kind's cross-field checks hold. Problems name the file, the row (data
rows counted from 1, the CSV header not counted), the field and the
reason. After the last batch the record keys must be unique, within the
file and against the files already imported. Only a file without a single
problem is moved into the workspace; otherwise the partly written file is
removed and nothing changes.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Iterator

import duckdb
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from .schemas import SQL_TYPES, Field, Kind
from .workspace import Workspace, with_provenance

MAX_PROBLEMS = 100
BATCH_ROWS = 1_000_000
DECIMAL_PATTERN = r"^-?[0-9]+(\.[0-9]{1,2})?$"
DATE_PATTERN = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
TIMESTAMP_PATTERN = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}[ T][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,6})?)?$"
BOOLEAN_WORDS = ("true", "false", "1", "0")

Progress = Callable[[int, int], None]        # (done, total) in bytes or rows


@dataclass(frozen=True)
class RowProblem:
    row: int | None
    field: str | None
    reason: str

    def __str__(self) -> str:
        where = f"row {self.row}" if self.row is not None else "file"
        return f"{where}, {self.field}: {self.reason}" if self.field else f"{where}: {self.reason}"


@dataclass
class ExtractError(ValueError):
    """The file does not fit its kind; nothing of it was imported."""

    file: str
    kind: str
    problems: list[RowProblem] = field(default_factory=list)
    more: bool = False

    def __str__(self) -> str:
        lines = [f"{self.file} ({self.kind}): {len(self.problems)}{'+' if self.more else ''} problem(s); "
                 "nothing was imported"]
        lines += [f"  {problem}" for problem in self.problems]
        if self.more:
            lines.append(f"  … stopped after {MAX_PROBLEMS} problems")
        return "\n".join(lines)


@dataclass(frozen=True)
class ImportedFile:
    kind: str
    path: Path
    source: str
    sha256: str
    rows: int
    imported_at: str


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def import_file(workspace: Workspace, kind: Kind, path: str | os.PathLike, *,
                progress: Progress | None = None) -> ImportedFile:
    """Validate ``path`` as an extract of ``kind`` and keep it in ``workspace``.
    Raises ``ExtractError`` with every problem found (up to a limit) and
    leaves the workspace as it was."""
    path = Path(path)
    if not path.is_file():
        raise ExtractError(str(path), kind.name, [RowProblem(None, None, "no such file")])
    digest = sha256_of(path)
    earlier = workspace.find_source(kind.name, digest)
    if earlier is not None:
        raise ExtractError(str(path), kind.name, [RowProblem(
            None, None, f"this file was already imported as {earlier.name}")])
    temp = workspace.incoming_path()
    imported_at = datetime.now(timezone.utc).isoformat(timespec="seconds")
    schema = with_provenance(kind.arrow_schema, source=path.name, sha256=digest, imported_at=imported_at)
    problems: list[RowProblem] = []
    rows = 0
    try:
        with duckdb.connect() as con:
            writer = pq.ParquetWriter(temp, schema, compression="zstd")
            try:
                for batch, first_row in _batches(path, kind, progress):
                    typed, found = _check_batch(con, kind, batch, first_row)
                    problems += found
                    if len(problems) >= MAX_PROBLEMS:
                        break
                    if not problems:
                        writer.write_table(typed.replace_schema_metadata(schema.metadata))
                    rows += batch.num_rows
            finally:
                writer.close()
            if not problems:
                problems += _duplicate_keys(con, workspace, kind, temp)
            if not problems and rows == 0:
                problems.append(RowProblem(None, None, "the file holds no records"))
        if problems:
            raise ExtractError(str(path), kind.name, problems[:MAX_PROBLEMS], more=len(problems) >= MAX_PROBLEMS)
        final = workspace.keep(kind.name, temp, source=path.name, sha256=digest, imported_at=imported_at)
        return ImportedFile(kind.name, final, path.name, digest, rows, imported_at)
    finally:
        if temp.exists():
            temp.unlink()


# --- reading ------------------------------------------------------------------------------

class _CountingFile:
    """A file object that reports how many bytes pyarrow has read."""

    def __init__(self, path: Path, progress: Progress | None):
        self._handle = open(path, "rb")
        self._total = path.stat().st_size
        self._progress = progress
        self._done = 0
        self.closed = False

    def read(self, size: int = -1) -> bytes:
        data = self._handle.read(size)
        self._done += len(data)
        if self._progress:
            self._progress(self._done, self._total)
        return data

    def close(self) -> None:
        self._handle.close()
        self.closed = True

    def readable(self) -> bool:
        return True


def _batches(path: Path, kind: Kind, progress: Progress | None) -> Iterator[tuple[pa.Table, int]]:
    suffix = path.suffix.lower()
    if suffix == ".parquet":
        yield from _parquet_batches(path, kind, progress)
    elif suffix in (".csv", ".txt"):
        yield from _csv_batches(path, kind, progress)
    else:
        raise ExtractError(str(path), kind.name, [RowProblem(None, None, "not a .csv or .parquet file")])


def _header_problems(path: Path, kind: Kind, columns: list[str]) -> None:
    known = {f.name for f in kind.fields}
    missing = [f.name for f in kind.fields if f.required and f.name not in columns]
    unknown = [c for c in columns if c not in known]
    duplicated = sorted({c for c in columns if columns.count(c) > 1})
    problems = [RowProblem(None, name, "required column is missing") for name in missing]
    problems += [RowProblem(None, name, f"unknown column (a {kind.name} extract has: "
                                        f"{', '.join(sorted(known))})") for name in unknown]
    problems += [RowProblem(None, name, "column appears more than once") for name in duplicated]
    if problems:
        raise ExtractError(str(path), kind.name, problems)


def _csv_batches(path: Path, kind: Kind, progress: Progress | None) -> Iterator[tuple[pa.Table, int]]:
    source = _CountingFile(path, progress)
    try:
        try:
            reader = pacsv.open_csv(
                source, read_options=pacsv.ReadOptions(block_size=16 << 20),
                convert_options=pacsv.ConvertOptions(
                    column_types={f.name: pa.string() for f in kind.fields}, strings_can_be_null=True,
                    null_values=[""], quoted_strings_can_be_null=True))
        except (pa.ArrowInvalid, pa.ArrowTypeError) as exc:
            raise ExtractError(str(path), kind.name, [RowProblem(None, None, f"not readable as CSV: {exc}")]) from None
        _header_problems(path, kind, reader.schema.names)
        first_row = 1
        while True:
            try:
                batch = reader.read_next_batch()
            except StopIteration:
                return
            except (pa.ArrowInvalid, pa.ArrowTypeError) as exc:
                raise ExtractError(str(path), kind.name, [RowProblem(
                    None, None, f"CSV cannot be read after row {first_row - 1}: {exc}")]) from None
            table = pa.Table.from_batches([batch])
            yield table, first_row
            first_row += table.num_rows
    finally:
        source.close()


def _parquet_batches(path: Path, kind: Kind, progress: Progress | None) -> Iterator[tuple[pa.Table, int]]:
    try:
        parquet = pq.ParquetFile(path)
    except (pa.ArrowInvalid, OSError) as exc:
        raise ExtractError(str(path), kind.name, [RowProblem(None, None, f"not readable as Parquet: {exc}")]) from None
    _header_problems(path, kind, parquet.schema_arrow.names)
    total = parquet.metadata.num_rows
    first_row = 1
    for batch in parquet.iter_batches(batch_size=BATCH_ROWS):
        table = pa.Table.from_batches([batch])
        yield table, first_row
        first_row += table.num_rows
        if progress:
            progress(first_row - 1, total)


# --- checking -----------------------------------------------------------------------------

def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _typed(f: Field, column_type: pa.DataType | None) -> tuple[str, str | None]:
    """SQL for the typed value of ``f`` and for the reason it is unreadable (None if it cannot be)."""
    column = _quoted(f.name)
    if column_type is None:
        default = "NULL" if f.default is None else str(f.default).upper()
        return f"CAST({default} AS {SQL_TYPES[f.type]})", None
    if not (pa.types.is_string(column_type) or pa.types.is_large_string(column_type)):
        return f"TRY_CAST({column} AS {SQL_TYPES[f.type]})", (
            f"CASE WHEN {column} IS NOT NULL AND TRY_CAST({column} AS {SQL_TYPES[f.type]}) IS NULL "
            f"THEN 'cannot be read as {f.type}' END")
    text = f"trim({column})"
    if f.type == "boolean":
        good = f"lower({text}) IN ({', '.join(_literal(w) for w in BOOLEAN_WORDS)})"
        value = f"CASE WHEN {good} THEN lower({text}) IN ('true', '1') END"
    else:
        pattern = {"decimal": DECIMAL_PATTERN, "date": DATE_PATTERN, "timestamp": TIMESTAMP_PATTERN}.get(f.type)
        value = f"TRY_CAST({text} AS {SQL_TYPES[f.type]})"
        if pattern:
            value = f"CASE WHEN regexp_full_match({text}, {_literal(pattern)}) THEN {value} END"
        good = f"{value} IS NOT NULL"
        if f.type == "string":
            good = f"{text} <> ''"
    expected = {"boolean": "true or false", "decimal": "a number with at most 2 decimals",
                "date": "a date YYYY-MM-DD", "timestamp": "a time YYYY-MM-DD HH:MM[:SS]",
                "integer": "a whole number", "string": "text"}[f.type]
    reason = (f"CASE WHEN {column} IS NOT NULL AND NOT ({good}) "
              f"THEN 'expected {expected}, found ''' || left({column}, 40) || '''' END")
    if f.type == "string":
        value = f"NULLIF({text}, '')"
    return value, reason


def _check_batch(con: duckdb.DuckDBPyConnection, kind: Kind, batch: pa.Table,
                 first_row: int) -> tuple[pa.Table, list[RowProblem]]:
    columns = {name: batch.schema.field(name).type for name in batch.schema.names}
    numbered = batch.append_column("__row", pa.array(range(first_row, first_row + batch.num_rows), pa.int64()))
    con.register("batch", numbered)
    try:
        typed_select = []
        reasons = []
        for f in kind.fields:
            value, unreadable = _typed(f, columns.get(f.name))
            typed_select.append(f"{value} AS {_quoted(f.name)}")
            if unreadable:
                reasons.append((f.name, unreadable))
        con.execute(f"CREATE OR REPLACE TEMP TABLE typed AS SELECT __row, {', '.join(typed_select)} FROM batch")
        problems = _raw_problems(con, reasons)
        unreadable = {(p.row, p.field) for p in problems}
        problems += [p for p in _typed_problems(con, kind) if (p.row, p.field) not in unreadable]
        table = con.sql(f"SELECT {', '.join(_quoted(f.name) for f in kind.fields)} FROM typed").to_arrow_table()
        return table.cast(kind.arrow_schema), sorted(problems, key=lambda p: (p.row or 0, p.field or ""))
    finally:
        con.unregister("batch")


def _raw_problems(con, reasons: list[tuple[str, str]]) -> list[RowProblem]:
    if not reasons:
        return []
    parts = " UNION ALL ".join(f"SELECT __row, {_literal(name)} AS field, {sql} AS reason FROM batch"
                               for name, sql in reasons)
    rows = con.execute(f"SELECT __row, field, reason FROM ({parts}) WHERE reason IS NOT NULL "
                       f"ORDER BY __row, field LIMIT {MAX_PROBLEMS}").fetchall()
    return [RowProblem(row, name, reason) for row, name, reason in rows]


def _typed_problems(con, kind: Kind) -> list[RowProblem]:
    rules: list[tuple[str | None, str, str]] = []
    for f in kind.fields:
        column = _quoted(f.name)
        if f.required:
            rules.append((f.name, f"{column} IS NULL", "is empty"))
        if f.choices:
            allowed = ", ".join(_literal(c) for c in f.choices)
            rules.append((f.name, f"{column} NOT IN ({allowed})",
                          f"must be one of {', '.join(f.choices)}"))
        if f.minimum is not None:
            rules.append((f.name, f"{column} < {f.minimum}", f"must be at least {f.minimum}"))
    for condition, message in kind.checks:
        rules.append((None, f"NOT ({condition})", message))
    if not rules:
        return []
    parts = " UNION ALL ".join(
        f"SELECT __row, {_literal(name) if name else 'NULL'} AS field, {_literal(reason)} AS reason "
        f"FROM typed WHERE {condition}" for name, condition, reason in rules)
    rows = con.execute(f"SELECT * FROM ({parts}) ORDER BY __row LIMIT {MAX_PROBLEMS}").fetchall()
    return [RowProblem(row, name, reason) for row, name, reason in rows]


def _duplicate_keys(con, workspace: Workspace, kind: Kind, temp: Path) -> list[RowProblem]:
    if kind.key is None:
        return []
    key = _quoted(kind.key)
    new = f"read_parquet({_literal(str(temp))}, file_row_number = true)"
    rows = con.execute(
        f"SELECT {key}, list(file_row_number + 1 ORDER BY file_row_number) FROM {new} "
        f"GROUP BY {key} HAVING count(*) > 1 ORDER BY min(file_row_number) LIMIT {MAX_PROBLEMS}").fetchall()
    problems = [RowProblem(int(rows_[1]), kind.key, f"'{value}' is also in row {rows_[0]}")
                for value, rows_ in rows]
    existing = workspace.files(kind.name)
    if existing and len(problems) < MAX_PROBLEMS:
        files = "[" + ", ".join(_literal(str(p)) for p in existing) + "]"
        clash = con.execute(
            f"SELECT n.file_row_number + 1, n.{key}, parse_filename(o.filename) FROM {new} n "
            f"JOIN read_parquet({files}, filename = true) o ON o.{key} = n.{key} "
            f"ORDER BY 1 LIMIT {MAX_PROBLEMS - len(problems)}").fetchall()
        problems += [RowProblem(int(row), kind.key, f"'{value}' was already imported in {name}")
                     for row, value, name in clash]
    return problems
