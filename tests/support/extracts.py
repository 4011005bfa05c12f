"""Builders for extract tests: CSV files from rows, a workspace, aggregation on DuckDB."""

from __future__ import annotations

import csv
from pathlib import Path

from bagalau.extracts import definitions
from bagalau.extracts.aggregation import Derived, Period, aggregate
from bagalau.extracts.engines import DuckDBEngine
from bagalau.extracts.imports import import_file
from bagalau.extracts.schemas import KINDS
from bagalau.extracts.workspace import Workspace


def write_csv(path: Path, header: list[str], rows: list[list]) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        for row in rows:
            writer.writerow(["" if value is None else value for value in row])
    return path


def imported(tmp_path: Path, kind: str, header: list[str], rows: list[list], workspace: Workspace | None = None,
             name: str | None = None) -> Workspace:
    workspace = workspace or Workspace(tmp_path / "workspace")
    source = write_csv(tmp_path / (name or f"{kind}.csv"), header, rows)
    import_file(workspace, KINDS[kind], source)
    return workspace


def derive(edition: str, workspace: Workspace, year: int, **parameters) -> Derived:
    engine = DuckDBEngine(threads=1)
    try:
        return aggregate(definitions.load(edition), workspace, Period.year(year), engine, parameters=parameters)
    finally:
        engine.close()
