"""From extracts to methodology inputs: one query per extract kind, written from an
aggregation file, run on an engine (DuckDB by default, PySpark on request).

The query groups the kind's records of the reporting period by body and
computes every measure of the kind in one pass::

    WITH source AS (<the kind's relation, or its raw records>)
    SELECT body_code, COUNT(*) FILTER (WHERE <condition>) AS <input>, …
    FROM source WHERE <period column> BETWEEN <first day> AND <last day>
    GROUP BY body_code

Engines return integers and exact decimals; a measure with ``divide`` and
``round`` is divided here as an exact fraction and rounded half up, so
every engine gives the same Decimal. A body with no record of a kind gets
no value from that kind ("not covered"), never a silent zero.
"""

from __future__ import annotations

from dataclasses import dataclass, field
import math
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Callable

from .calendar import calendar_table, for_year
from .definitions import AggregationFile, Measure
from .engines import Engine
from .schemas import KINDS
from .workspace import Workspace

Progress = Callable[[str, float], None]     # (what, fraction done)


@dataclass(frozen=True)
class Period:
    start: date
    end: date

    @classmethod
    def year(cls, year: int) -> "Period":
        return cls(date(year, 1, 1), date(year, 12, 31))

    def __str__(self) -> str:
        return f"{self.start.isoformat()}..{self.end.isoformat()}"


@dataclass
class Derived:
    """Inputs derived from extracts, per body; what they were computed from."""

    edition: str
    period: Period
    values: dict[str, dict[str, int | Decimal]] = field(default_factory=dict)
    diagnostics: dict[str, dict[str, int | Decimal]] = field(default_factory=dict)
    covered: dict[str, list[str]] = field(default_factory=dict)      # kind -> bodies with records
    queries: dict[str, str] = field(default_factory=dict)            # kind -> SQL as run
    sources: dict[str, list[dict]] = field(default_factory=dict)     # kind -> files read
    engine: str = ""

    def bodies(self) -> list[str]:
        return sorted(self.values)


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _aggregate_sql(name: str, m: Measure) -> str:
    if m.count is not None:
        return f"COUNT(*) FILTER (WHERE {m.count}) AS {_quoted(name)}"
    where = f" FILTER (WHERE {m.where})" if m.where else ""
    return f"COALESCE(SUM({m.sum}){where}, 0) AS {_quoted(name)}"


def kind_query(file: AggregationFile, kind: str, period: Period, parameters: dict[str, int] | None = None) -> str:
    """The query for one kind, in the aggregation files' dialect (DuckDB)."""
    agg = file.kinds[kind]
    values = {name: p.value for name, p in file.parameters.items()} | (parameters or {})
    measures = {**agg.inputs, **agg.diagnostics}
    source = agg.relation.strip() if agg.relation else f"SELECT * FROM {kind}"
    period_column = agg.period or KINDS[kind].period
    columns = ",\n  ".join(_aggregate_sql(name, m) for name, m in measures.items())
    sql = (f"WITH source AS (\n{source}\n)\nSELECT body_code,\n  {columns}\nFROM source\n"
           f"WHERE {_quoted(period_column)} >= DATE '{period.start.isoformat()}' "
           f"AND {_quoted(period_column)} < DATE '{period.end.isoformat()}' + INTERVAL 1 DAY\n"
           f"GROUP BY body_code\nORDER BY body_code")
    return sql.format(**values)


def round_half_up(value: Fraction, places: int) -> Decimal:
    """``value`` rounded half up (away from zero) to ``places`` decimals, exactly."""
    scaled = abs(value) * 10 ** places
    whole = math.floor(scaled + Fraction(1, 2))
    return (Decimal(whole) * (1 if value >= 0 else -1)).scaleb(-places)


def _exact(value, m: Measure) -> int | Decimal:
    value = 0 if value is None else value
    if m.divide is None:
        return value if isinstance(value, int) else Decimal(value)
    return round_half_up(Fraction(Decimal(value)) / m.divide, m.round)


def aggregate(file: AggregationFile, workspace: Workspace, period: Period, engine: Engine, *,
              parameters: dict[str, int] | None = None, kinds: list[str] | None = None,
              progress: Progress | None = None) -> Derived:
    """Every input of ``file`` per body for ``period``, computed on ``engine``."""
    kinds = kinds or list(file.kinds)
    derived = Derived(edition=file.edition, period=period, engine=engine.name,
                      sources=workspace.fingerprint(kinds))
    engine.prepare(workspace, [KINDS[k] for k in kinds], for_year_range(period))
    for kind in kinds:
        agg = file.kinds[kind]
        sql = kind_query(file, kind, period, parameters)
        derived.queries[kind] = engine.translate(sql)
        names = [*agg.inputs, *agg.diagnostics]
        rows = engine.run(sql, progress=(lambda fraction, k=kind: progress(k, fraction)) if progress else None)
        derived.covered[kind] = [row[0] for row in rows]
        for row in rows:
            body, values = row[0], row[1:]
            for name, value in zip(names, values):
                target = derived.values if name in agg.inputs else derived.diagnostics
                m = agg.inputs.get(name) or agg.diagnostics[name]
                target.setdefault(body, {})[name] = _exact(value, m)
        if progress:
            progress(kind, 1.0)
    return derived


def for_year_range(period: Period):
    """The calendar table for the days the period touches, with a month's margin."""
    if period.start.year == period.end.year:
        return for_year(period.start.year)
    return calendar_table(period.start - timedelta(days=31), period.end + timedelta(days=31))
