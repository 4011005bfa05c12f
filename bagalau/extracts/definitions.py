"""Aggregation files: how each input of an edition is computed from extracts.

They live beside the editions they feed, in
``bagalau/methodologies/extracts/<edition>.yaml``, one per edition. Each
names, per extract kind, the inputs it yields: a ``count`` of the records
meeting an SQL condition, or the ``sum`` of an SQL expression over the
records meeting an optional ``where``; optionally a ``relation`` (an SQL
query over the raw extract and the ``calendar`` table) that the measures
read instead of the raw records, and ``diagnostics`` computed the same way
but fed to no formula. SQL is written once, in DuckDB's dialect, and
translated for other engines by sqlglot. Parameters appear as ``{name}``
and may be set per campaign; tolerances say how far a reported value may
be from the derived one before it is a proposed unreliable fact.

A file is checked when loaded: the edition exists and has every input
named, every kind is known, every SQL fragment parses, and every
parameter used is declared.
"""

from __future__ import annotations

import string
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

import sqlglot
import yaml
from pydantic import BaseModel, ConfigDict, ValidationError, model_validator
from sqlglot.errors import ParseError

from bagalau.engine import catalog

from .schemas import KINDS

AGGREGATIONS_DIR = catalog.METHODOLOGY_DIR / "extracts"
DIALECT = "duckdb"


class DefinitionProblem(ValueError):
    pass


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Measure(_Strict):
    paragraph: str
    count: str | None = None
    sum: str | None = None
    where: str | None = None
    unit: str | None = None
    divide: int | None = None
    round: int | None = None

    @model_validator(mode="after")
    def _one_aggregate(self):
        if (self.count is None) == (self.sum is None):
            raise ValueError("give exactly one of 'count' (a condition) or 'sum' (an expression)")
        if self.count is not None and self.where is not None:
            raise ValueError("'where' goes with 'sum'; a count's condition is the count itself")
        if (self.divide is None) != (self.round is None):
            raise ValueError("'divide' and 'round' go together: the exact quotient is rounded half up")
        return self


class KindAggregation(_Strict):
    paragraph: str
    relation: str | None = None
    period: str | None = None
    inputs: dict[str, Measure]
    diagnostics: dict[str, Measure] = {}


class Parameter(_Strict):
    value: int
    paragraph: str
    note: str | None = None


class Tolerance(_Strict):
    absolute: Decimal = Decimal(0)
    relative: Decimal = Decimal(0)

    def allows(self, reported: Decimal, derived: Decimal) -> bool:
        """Reported is close enough: |reported − derived| ≤ absolute + relative × |derived|."""
        return abs(reported - derived) <= self.absolute + self.relative * abs(derived)


class AggregationFile(_Strict):
    edition: str
    parameters: dict[str, Parameter] = {}
    kinds: dict[str, KindAggregation]
    tolerances: dict[str, Tolerance] = {}

    def measures(self) -> dict[str, tuple[str, Measure]]:
        """Input id -> (kind, measure), over every kind."""
        return {input_id: (kind, m) for kind, agg in self.kinds.items() for input_id, m in agg.inputs.items()}

    def tolerance(self, input_id: str, overrides: dict[str, Tolerance] | None = None) -> Tolerance:
        overrides = overrides or {}
        for key in (input_id, "default"):
            if key in overrides:
                return overrides[key]
            if key in self.tolerances:
                return self.tolerances[key]
        return Tolerance()


def aggregation_paths() -> dict[str, Path]:
    return {path.stem: path for path in sorted(AGGREGATIONS_DIR.glob("*.yaml"))}


def load(edition_or_path: str) -> AggregationFile:
    path = Path(edition_or_path)
    if path.suffix not in (".yaml", ".yml") or not path.exists():
        paths = aggregation_paths()
        if edition_or_path not in paths:
            raise DefinitionProblem(f"no extract aggregations for '{edition_or_path}'; editions that have them: "
                                    f"{', '.join(paths) or 'none'}")
        path = paths[edition_or_path]
    return _load(str(path), path.stat().st_mtime_ns)


@lru_cache(maxsize=16)
def _load(path: str, stamp: int) -> AggregationFile:
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
        parsed = AggregationFile.model_validate(data)
    except yaml.YAMLError as exc:
        raise DefinitionProblem(f"{path}: not valid YAML: {exc}") from None
    except ValidationError as exc:
        lines = [f"{path}: " + ".".join(str(p) for p in error["loc"]) + ": " + error["msg"]
                 for error in exc.errors()]
        raise DefinitionProblem("\n".join(lines)) from None
    problems = check(parsed)
    if problems:
        raise DefinitionProblem("\n".join(f"{path}: {p}" for p in problems))
    return parsed


def _placeholders(sql: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(sql) if name}


def check(file: AggregationFile) -> list[str]:
    problems = []
    try:
        edition = catalog.load(file.edition)
    except Exception as exc:  # an unknown or broken edition: report it, whatever the cause
        return [f"edition '{file.edition}': {exc}"]
    inputs = set(edition.inputs)
    for profile in edition.source.profiles or []:
        inputs |= set(catalog.load(file.edition, profile).inputs)
    for kind_name, agg in file.kinds.items():
        if kind_name not in KINDS:
            problems.append(f"kinds.{kind_name}: unknown extract kind; known: {', '.join(KINDS)}")
            continue
        fragments = {f"kinds.{kind_name}.relation": agg.relation} if agg.relation else {}
        for group, measures in (("inputs", agg.inputs), ("diagnostics", agg.diagnostics)):
            for name, m in measures.items():
                if group == "inputs" and name not in inputs:
                    problems.append(f"kinds.{kind_name}.inputs.{name}: {file.edition} has no such input")
                for part in ("count", "sum", "where"):
                    if getattr(m, part):
                        fragments[f"kinds.{kind_name}.{group}.{name}.{part}"] = getattr(m, part)
        for where, sql in fragments.items():
            unknown = _placeholders(sql) - set(file.parameters)
            if unknown:
                problems.append(f"{where}: undeclared parameter(s) {', '.join(sorted(unknown))}")
                continue
            text = sql.format(**{k: p.value for k, p in file.parameters.items()})
            try:
                sqlglot.parse_one(text if where.endswith("relation") else f"SELECT {text}", read=DIALECT)
            except ParseError as exc:
                message = " ".join(str(exc).split())[:200]
                problems.append(f"{where}: SQL does not parse: {message}")
    seen = [i for agg in file.kinds.values() for i in agg.inputs]
    for twice in sorted({i for i in seen if seen.count(i) > 1}):
        problems.append(f"input {twice} is computed by more than one kind")
    for key in file.tolerances:
        if key != "default" and key not in file.measures():
            problems.append(f"tolerances.{key}: not an input computed here")
    return problems

