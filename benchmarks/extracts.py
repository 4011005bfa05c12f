"""Benchmark: N synthetic extract records → methodology inputs, three ways on the same data.

    .venv/bin/python benchmarks/extracts.py 10000000
    .venv/bin/python benchmarks/extracts.py 100000000 --folder /work/bench-extracts --skip-pandas

Generates N records (Parquet, deterministic by seed, SYNTHETIC) split over the
six kinds like national data: pass events 50 %, EDMS documents 30 %, service
requests 12 %, complaints 4 %, procurement contracts 2 %, licences 2 %; 200
bodies with heavy-tailed sizes. Then, each in a fresh process so its peak
memory is its own (imports and reading the aggregation files are not
timed), it derives every input of it-2012, citizens-2017 and
orgdev-2023 (EDMS and licences/procurement for 2012, services and complaints
for 2017, pass events for 2024):

* ``aggregation`` — Bagalau's path: the aggregation files, run on DuckDB;
* ``duckdb-sql`` — hand-written DuckDB SQL computing the same inputs (the limit);
* ``pandas`` — the same computations in pandas, file by file, then combined.

All three must give identical inputs (checked). Printed: seconds, peak memory
(max RSS) and the ratios aggregation / hand-written SQL (target ≤ 1.2) and
pandas / aggregation (target ≥ 20). The data is reused when the folder
already holds the same N and seed.
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import resource
import shutil
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

SHARES = {"pass_events": 0.50, "edms_documents": 0.30, "service_requests": 0.12, "complaints": 0.04,
          "procurement_contracts": 0.02, "licences": 0.02}
YEARS = {"edms_documents": 2012, "licences": 2012, "procurement_contracts": 2012, "service_requests": 2017,
         "complaints": 2017, "pass_events": 2024}
EDITIONS = {"it-2012": 2012, "citizens-2017": 2017, "orgdev-2023": 2024}
SEED = 13


# --- data ------------------------------------------------------------------------------------

def generate(folder: Path, n: int) -> None:
    from bagalau.extracts import generators
    stamp = folder / "generated.json"
    if stamp.exists() and json.loads(stamp.read_text()) == {"n": n, "seed": SEED}:
        print(f"reusing the {n:,} records in {folder}")
        return
    shutil.rmtree(folder, ignore_errors=True)
    population = generators.Population.numbered(200, SEED)
    started = time.perf_counter()
    for kind, share in SHARES.items():
        generators.write(kind, int(n * share), folder / kind, population, YEARS[kind], SEED)
    stamp.write_text(json.dumps({"n": n, "seed": SEED}))
    rows = sum(_rows(folder, kind) for kind in SHARES)
    print(f"generated {rows:,} records in {time.perf_counter() - started:.1f} s "
          f"({_size(folder) / 1e9:.2f} GB of Parquet in {folder})")


def _rows(folder: Path, kind: str) -> int:
    import pyarrow.parquet as pq
    return sum(pq.read_metadata(p).num_rows for p in (folder / kind).glob("*.parquet"))


def _size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*.parquet"))


# --- the three ways ----------------------------------------------------------------------------

def load_aggregation_files() -> dict:
    """Untimed setup: reading and checking the aggregation files (and the editions they feed)."""
    from bagalau.extracts import definitions
    return {edition: definitions.load(edition) for edition in EDITIONS}


def run_aggregation(folder: Path, files: dict) -> dict:
    from bagalau.extracts.aggregation import Period, aggregate
    from bagalau.extracts.engines import DuckDBEngine
    from bagalau.extracts.workspace import Workspace
    engine, result = DuckDBEngine(), {}
    for edition, year in EDITIONS.items():
        derived = aggregate(files[edition], Workspace(folder), Period.year(year), engine)
        for body, values in derived.values.items():
            result.setdefault(body, {}).update(values)
    return result


HAND_SQL = {
    "edms": """
SELECT d.body_code,
  sum(CASE WHEN category = 'outgoing_interagency' AND in_scope AND recipient_in_edms AND electronic_only THEN 1 ELSE 0 END),
  sum(CASE WHEN category = 'outgoing_interagency' AND in_scope AND recipient_in_edms THEN 1 ELSE 0 END),
  sum(CASE WHEN category = 'outgoing_internal' AND in_scope AND electronic_only THEN 1 ELSE 0 END),
  sum(CASE WHEN category = 'outgoing_internal' AND in_scope THEN 1 ELSE 0 END),
  sum(CASE WHEN category = 'incoming' AND electronic THEN 1 ELSE 0 END),
  sum(CASE WHEN category = 'incoming' AND electronic AND registered_at IS NOT NULL AND (
        registered_at::DATE = received_at::DATE OR ((NOT c.working OR hour(received_at) * 60 + minute(received_at) >= 1080)
        AND registered_at::DATE <= c.next_working_day)) THEN 1 ELSE 0 END),
  sum(CASE WHEN category = 'e_appeal' THEN 1 ELSE 0 END),
  sum(CASE WHEN category = 'e_appeal' AND registered_at IS NOT NULL THEN 1 ELSE 0 END),
  sum(CASE WHEN category = 'outgoing_interagency' AND recipient_in_edms THEN 1 ELSE 0 END),
  sum(CASE WHEN category = 'outgoing_interagency' AND recipient_in_edms AND approved_electronically THEN 1 ELSE 0 END),
  sum(CASE WHEN executed THEN 1 ELSE 0 END),
  sum(CASE WHEN executed AND archive_prepared THEN 1 ELSE 0 END)
FROM read_parquet('{folder}/edms_documents/*.parquet') d LEFT JOIN calendar c ON c.day = d.received_at::DATE
WHERE dated_on BETWEEN DATE '2012-01-01' AND DATE '2012-12-31'
GROUP BY d.body_code""",
    "licences": """
SELECT body_code, count(*), sum(CASE WHEN formed_in_is THEN 1 ELSE 0 END)
FROM read_parquet('{folder}/licences/*.parquet') WHERE issued_on BETWEEN DATE '2012-01-01' AND DATE '2012-12-31'
GROUP BY body_code""",
    "procurement": """
SELECT body_code, sum(amount), coalesce(sum(CASE WHEN electronic THEN amount END), 0)
FROM read_parquet('{folder}/procurement_contracts/*.parquet')
WHERE signed_on BETWEEN DATE '2012-01-01' AND DATE '2012-12-31' GROUP BY body_code""",
    "services": """
SELECT body_code,
  sum(CASE WHEN standard_term_working_days <> 1 THEN 1 ELSE 0 END),
  sum(CASE WHEN standard_term_working_days <> 1 AND rendered_on > due_on AND NOT failure_excused THEN 1 ELSE 0 END),
  sum(CASE WHEN standard_term_working_days <> 1 AND rendered_on > due_on AND entered_late THEN 1 ELSE 0 END),
  count(*)
FROM read_parquet('{folder}/service_requests/*.parquet')
WHERE rendered_on BETWEEN DATE '2017-01-01' AND DATE '2017-12-31' GROUP BY body_code""",
    "complaints": """
SELECT body_code, count(*), sum(CASE WHEN considered_on > due_on THEN 1 ELSE 0 END),
  sum(CASE WHEN court_upheld THEN 1 ELSE 0 END), sum(CASE WHEN higher_body_satisfied AND NOT court_upheld THEN 1 ELSE 0 END),
  sum(CASE WHEN outcome = 'satisfied' THEN 1 ELSE 0 END), sum(CASE WHEN outcome = 'explained' THEN 1 ELSE 0 END)
FROM read_parquet('{folder}/complaints/*.parquet')
WHERE considered_on BETWEEN DATE '2017-01-01' AND DATE '2017-12-31' GROUP BY body_code""",
    "pass": """
WITH days AS (
  SELECT body_code, person_id, (event_time - INTERVAL 4 HOUR)::DATE AS day,
         min(event_time) FILTER (WHERE direction = 'in') AS first_in,
         max(event_time) FILTER (WHERE direction = 'in') AS last_in,
         max(event_time) FILTER (WHERE direction = 'out') AS last_out,
         bool_or(employer_order) AS ordered
  FROM read_parquet('{folder}/pass_events/*.parquet')
  GROUP BY ALL
)
SELECT body_code,
  sum(CASE WHEN c.working AND last_out IS NOT NULL
      THEN greatest(0, epoch(last_out) - epoch(day::TIMESTAMP + INTERVAL 19 HOUR)) ELSE 0 END)::BIGINT,
  sum(CASE WHEN NOT c.working AND NOT ordered AND last_out > first_in
      THEN epoch(last_out) - epoch(first_in) ELSE 0 END)::BIGINT
FROM days JOIN calendar c USING (day)
WHERE day BETWEEN DATE '2024-01-01' AND DATE '2024-12-31'
GROUP BY body_code""",
}
HAND_NAMES = {
    "edms": [f"app2_g{i}" for i in range(1, 13)], "licences": ["app1_r2_3_1", "wg_3_3_1_formed"],
    "procurement": ["app1_r2_3_2_total", "app1_r2_3_2_eproc"],
    "services": ["qs2_b", "qs2_a", "qs2_late_entry_facts", "qs3_services"],
    "complaints": ["ca_considered", "ca_late", "ca_court_upheld", "ca_higher_satisfied", "ca_satisfied",
                   "ca_explained"],
    "pass": ["pass_m", "pass_p"],
}


def _hours(seconds) -> Decimal:
    from fractions import Fraction

    from bagalau.extracts.aggregation import round_half_up
    return round_half_up(Fraction(int(seconds), 3600), 2)


def run_duckdb_sql(folder: Path, _: object) -> dict:
    import duckdb

    from bagalau.extracts.calendar import calendar_table
    from datetime import date
    con = duckdb.connect()
    con.register("calendar", calendar_table(date(2011, 12, 1), date(2025, 1, 31)))
    result: dict = {}
    for name, sql in HAND_SQL.items():
        for row in con.execute(sql.format(folder=folder)).fetchall():
            values = dict(zip(HAND_NAMES[name], row[1:]))
            if name == "pass":
                values = {k: _hours(v) for k, v in values.items()}
            result.setdefault(row[0], {}).update(
                {k: (v if isinstance(v, (int, Decimal)) else Decimal(v)) for k, v in values.items()})
    return result


def run_pandas(folder: Path, _: object) -> dict:
    import numpy as np
    import pandas as pd
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    from bagalau.extracts.calendar import calendar_table
    from datetime import date
    cal = calendar_table(date(2011, 12, 1), date(2025, 1, 31)).to_pandas()
    cal["day"] = pd.to_datetime(cal["day"])
    cal["next_working_day"] = pd.to_datetime(cal["next_working_day"])
    working = cal.set_index("day")["working"]
    following = cal.set_index("day")["next_working_day"]
    result: dict = {}

    def files(kind):
        return sorted((folder / kind).glob("*.parquet"))

    def add(frame: pd.DataFrame):
        for body, row in frame.iterrows():
            result.setdefault(body, {}).update({k: (int(v) if not isinstance(v, Decimal) else v)
                                                for k, v in row.items()})

    def in_year(series, year):
        return (series >= pd.Timestamp(year, 1, 1)) & (series <= pd.Timestamp(year, 12, 31))

    parts = []
    for path in files("edms_documents"):
        d = pq.read_table(path).to_pandas()
        d = d[in_year(pd.to_datetime(d["dated_on"]), 2012)]
        out_ia = (d["category"] == "outgoing_interagency")
        scope = d["in_scope"] & d["recipient_in_edms"]
        internal = (d["category"] == "outgoing_internal") & d["in_scope"]
        incoming = (d["category"] == "incoming") & d["electronic"]
        received_day = d["received_at"].dt.normalize()
        registered_day = d["registered_at"].dt.normalize()
        late_intake = ~received_day.map(working).astype("boolean").fillna(True).astype(bool) | (
            d["received_at"].dt.hour * 60 + d["received_at"].dt.minute >= 1080)
        on_time = d["registered_at"].notna() & ((registered_day == received_day) | (
            late_intake & (registered_day <= received_day.map(following))))
        appeal = d["category"] == "e_appeal"
        flags = pd.DataFrame({
            "body_code": d["body_code"],
            "app2_g1": out_ia & scope & d["electronic_only"], "app2_g2": out_ia & scope,
            "app2_g3": internal & d["electronic_only"], "app2_g4": internal, "app2_g5": incoming,
            "app2_g6": incoming & on_time, "app2_g7": appeal, "app2_g8": appeal & d["registered_at"].notna(),
            "app2_g9": out_ia & d["recipient_in_edms"],
            "app2_g10": out_ia & d["recipient_in_edms"] & d["approved_electronically"],
            "app2_g11": d["executed"], "app2_g12": d["executed"] & d["archive_prepared"]})
        parts.append(flags.groupby("body_code").sum())
    add(pd.concat(parts).groupby(level=0).sum())

    parts = []
    for path in files("licences"):
        d = pq.read_table(path).to_pandas()
        d = d[in_year(pd.to_datetime(d["issued_on"]), 2012)]
        parts.append(pd.DataFrame({"body_code": d["body_code"], "app1_r2_3_1": 1,
                                   "wg_3_3_1_formed": d["formed_in_is"]}).groupby("body_code").sum())
    add(pd.concat(parts).groupby(level=0).sum())

    parts = []
    for path in files("procurement_contracts"):
        table = pq.read_table(path)
        cents = pc.cast(pc.multiply(table["amount"], 100), "int64")      # exact: two decimals
        d = table.drop_columns(["amount"]).to_pandas()
        d["cents"] = cents.to_numpy()
        d = d[in_year(pd.to_datetime(d["signed_on"]), 2012)]
        parts.append(pd.DataFrame({"body_code": d["body_code"], "total": d["cents"],
                                   "eproc": d["cents"].where(d["electronic"], 0)}).groupby("body_code").sum())
    sums = pd.concat(parts).groupby(level=0).sum()
    for body, row in sums.iterrows():
        result.setdefault(body, {}).update({"app1_r2_3_2_total": Decimal(int(row["total"])).scaleb(-2),
                                            "app1_r2_3_2_eproc": Decimal(int(row["eproc"])).scaleb(-2)})

    parts = []
    for path in files("service_requests"):
        d = pq.read_table(path).to_pandas()
        d = d[in_year(pd.to_datetime(d["rendered_on"]), 2017)]
        counted = d["standard_term_working_days"] != 1
        late = counted & (d["rendered_on"] > d["due_on"])
        parts.append(pd.DataFrame({"body_code": d["body_code"], "qs2_b": counted,
                                   "qs2_a": late & ~d["failure_excused"], "qs2_late_entry_facts": late & d["entered_late"],
                                   "qs3_services": 1}).groupby("body_code").sum())
    add(pd.concat(parts).groupby(level=0).sum())

    parts = []
    for path in files("complaints"):
        d = pq.read_table(path).to_pandas()
        d = d[in_year(pd.to_datetime(d["considered_on"]), 2017)]
        parts.append(pd.DataFrame({
            "body_code": d["body_code"], "ca_considered": 1, "ca_late": d["considered_on"] > d["due_on"],
            "ca_court_upheld": d["court_upheld"], "ca_higher_satisfied": d["higher_body_satisfied"] & ~d["court_upheld"],
            "ca_satisfied": d["outcome"] == "satisfied", "ca_explained": d["outcome"] == "explained"})
            .groupby("body_code").sum())
    add(pd.concat(parts).groupby(level=0).sum())

    # Pass events: person-day partials per file (min/max are combinable), then one pass over the person-days.
    parts = []
    for path in files("pass_events"):
        d = pq.read_table(path).to_pandas()
        shifted = d["event_time"] - pd.Timedelta(hours=4)
        d["day"] = shifted.dt.normalize()
        d["second"] = (shifted - d["day"]).dt.total_seconds().astype(np.int64) + 4 * 3600
        d["in_s"] = d["second"].where(d["direction"] == "in")
        d["out_s"] = d["second"].where(d["direction"] == "out")
        parts.append(d.groupby(["body_code", "person_id", "day"]).agg(
            first_in=("in_s", "min"), last_in=("in_s", "max"), last_out=("out_s", "max"),
            ordered=("employer_order", "max")))
    days = pd.concat(parts).groupby(level=[0, 1, 2]).agg(
        first_in=("first_in", "min"), last_in=("last_in", "max"), last_out=("last_out", "max"),
        ordered=("ordered", "max")).reset_index()
    days = days[in_year(days["day"], 2024)]
    is_working = days["day"].map(working).astype(bool)
    overtime = np.where(is_working & days["last_out"].notna(), (days["last_out"] - 68400).clip(lower=0), 0)
    presence = np.where(~is_working & ~days["ordered"].astype(bool) & (days["last_out"] > days["first_in"]),
                        days["last_out"] - days["first_in"], 0)
    totals = pd.DataFrame({"body_code": days["body_code"], "m": np.nan_to_num(overtime),
                           "p": np.nan_to_num(presence)}).groupby("body_code").sum()
    for body, row in totals.iterrows():
        result.setdefault(body, {}).update({"pass_m": _hours(row["m"]), "pass_p": _hours(row["p"])})
    return result


WAYS = {"aggregation": run_aggregation, "duckdb-sql": run_duckdb_sql, "pandas": run_pandas}
SETUPS = {"aggregation": load_aggregation_files}


# --- measuring ---------------------------------------------------------------------------------

def child(way: str, folder: Path, out: Path) -> None:
    import duckdb, pandas, pyarrow.parquet  # noqa: E401,F401  (imports are not what is measured)
    import bagalau.extracts.aggregation  # noqa: F401
    state = SETUPS[way]() if way in SETUPS else None
    started = time.perf_counter()
    result = WAYS[way](folder, state)
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    out.write_bytes(pickle.dumps({"seconds": seconds, "peak": peak, "result": result}))


def measure(way: str, folder: Path) -> dict:
    out = folder / f".result-{way}.pickle"
    subprocess.run([sys.executable, __file__, "--child", way, "--folder", str(folder), "0"], check=True)
    data = pickle.loads(out.read_bytes())
    out.unlink()
    return data


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int, help="records to generate (e.g. 10000000)")
    parser.add_argument("--folder", type=Path, default=Path("out/bench-extracts"))
    parser.add_argument("--skip-pandas", action="store_true", help="time only the two DuckDB ways")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.folder, args.folder / f".result-{args.child}.pickle")
        return
    print(f"cores: {os.cpu_count()}, load average: {os.getloadavg()[0]:.1f} (other work on the machine "
          "slows every way alike)")
    generate(args.folder, args.n)
    ways = [w for w in WAYS if not (args.skip_pandas and w == "pandas")]
    figures = {}
    for way in ways:
        figures[way] = measure(way, args.folder)
        print(f"  {way:12s} {figures[way]['seconds']:8.2f} s   peak memory {figures[way]['peak'] / 2**20:8.0f} MiB")
    reference = figures["aggregation"]["result"]
    for way in ways[1:]:
        same = figures[way]["result"] == reference
        print(f"  {way} gives the same inputs as the aggregation: {'yes' if same else 'NO'}")
        if not same:
            _show_difference(reference, figures[way]["result"])
    limit = figures["aggregation"]["seconds"] / figures["duckdb-sql"]["seconds"]
    print(f"aggregation / hand-written DuckDB SQL = {limit:.2f}×  (target ≤ 1.2)")
    if "pandas" in figures:
        speedup = figures["pandas"]["seconds"] / figures["aggregation"]["seconds"]
        print(f"pandas / aggregation = {speedup:.1f}×  (target ≥ 20)")
    print(f"load average after: {os.getloadavg()[0]:.1f}")


def _show_difference(a: dict, b: dict) -> None:
    for body in sorted(set(a) | set(b))[:5]:
        for key in sorted(set(a.get(body, {})) | set(b.get(body, {}))):
            if a.get(body, {}).get(key) != b.get(body, {}).get(key):
                print(f"    {body} {key}: {a.get(body, {}).get(key)!r} vs {b.get(body, {}).get(key)!r}")


if __name__ == "__main__":
    main()
