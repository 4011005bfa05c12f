"""Benchmark of the columnar scorer (issue 12): prints bodies per second and the time of each run.

    .venv/bin/python benchmarks/simulate.py                    # the three runs of the issue
    .venv/bin/python benchmarks/simulate.py -n 10000 --repeat 5
    .venv/bin/python benchmarks/simulate.py --differential 10000   # columnar vs reference, every edition/profile
    .venv/bin/python benchmarks/simulate.py --duckdb               # the same exact kernel in numpy and DuckDB

Runs (validation included, as a cohort read by column — from Parquet or a
spreadsheet — arrives: int, bool and float arrays):
  * N bodies of it-2012 (targets: 100,000 in under 0.1 s);
  * N bodies of openness-2025 (central);
  * robustness: 1,000 option combinations of openness-2025 x 3,500 bodies (target: under 10 s).
The bodies are SYNTHETIC: a pool of 1,000 distinct valid bodies is drawn once
(bagalau.simulation.synthetic) and sampled with repeats into N columns, so every
body is really validated and scored. Each run is repeated and the fastest is
printed (the machine is shared); the first, cold run is printed too.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from bagalau.engine import catalog
from bagalau.engine.inputs import Submission
from bagalau.simulation import robustness
from bagalau.simulation.cohorts import ColumnarCohort, score_columns
from bagalau.simulation.columns import Columns
from bagalau.simulation.synthetic import random_bodies

POOL = 1000


def pool(edition: str, profile: str | None, seed: int = 11) -> Columns:
    """A pool of distinct valid bodies as columns; decimals as float64 arrays."""
    compiled = catalog.load(edition, profile)
    bodies = random_bodies(edition, profile, POOL, seed=seed)
    columns = Columns.from_submissions(compiled, [Submission(b.submission.body_id, None, dict(b.submission.raw),
                                                             profile=profile) for b in bodies])
    for key, column in list(columns.raw.items()):
        definition = compiled.inputs.get(key)
        if definition is not None and definition.type == "decimal" and getattr(column, "dtype", None) == object:
            columns.raw[key] = np.array([np.nan if v is None else float(v) for v in column])
    return columns


def sample(columns: Columns, n: int, seed: int = 0) -> Columns:
    return columns.take(np.random.default_rng(seed).integers(0, len(columns), n), prefix="B")


def timed(function, repeat: int):
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - started)
    return result, times


def scoring_run(edition: str, profile: str | None, n: int, repeat: int) -> None:
    columns = sample(pool(edition, profile), n)
    cohort = ColumnarCohort(edition)
    cohort.edition(profile)
    result, times = timed(lambda: score_columns(cohort, columns), repeat)
    best = min(times)
    print(f"{edition}{'/' + profile if profile else ''}: {n:,} bodies validated and scored in {best:.3f} s "
          f"(best of {repeat}; first {times[0]:.3f} s) = {n / best:,.0f} bodies/s; "
          f"reference scorer used for {result.fallback.mean():.2%} of bodies")


def robustness_run(edition: str, profile: str | None, combos: int, n: int, repeat: int) -> None:
    columns = sample(pool(edition, profile), n)
    chosen = robustness.combinations(edition, sample=combos, seed=12)
    result, times = timed(lambda: robustness.run(edition, columns, chosen, top=10), repeat)
    best = min(times)
    flagged = sum(b.flagged for b in result.bodies)
    print(f"robustness {edition}{'/' + profile if profile else ''}: {len(chosen):,} combinations x {n:,} bodies "
          f"in {best:.2f} s (best of {repeat}; first {times[0]:.2f} s) = {len(chosen) * n / best:,.0f} body-scorings/s; "
          f"{flagged:,} bodies flagged; reference scorer for {result.reference_share:.2%} of pairs")


def differential(count: int, editions: list[str] | None = None) -> None:
    from tests.simulation.test_differential import PAIRS, mismatches      # the suite's comparison
    for edition, profile in PAIRS:
        if editions and edition not in editions:
            continue
        started = time.perf_counter()
        bodies = random_bodies(edition, profile, count, seed=99)
        found, columnar = mismatches(edition, bodies)
        print(f"differential {edition}/{profile}: {len(bodies):,} bodies, {len(found)} mismatches, "
              f"{columnar.fallback.mean():.2%} by the reference ({time.perf_counter() - started:.0f} s)")
        for line in found[:5]:
            print("   ", line)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-n", type=int, default=100_000, help="bodies per scoring run")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--combinations", type=int, default=1000)
    parser.add_argument("--robustness-bodies", type=int, default=3500)
    parser.add_argument("--robustness-repeat", type=int, default=1)
    parser.add_argument("--differential", type=int, metavar="N", help="compare N random bodies per edition/profile")
    parser.add_argument("--edition", action="append", help="with --differential: only this edition (repeatable)")
    parser.add_argument("--skip-robustness", action="store_true")
    parser.add_argument("--duckdb", action="store_true", help="only the numpy vs DuckDB comparison")
    args = parser.parse_args()
    if args.differential:
        differential(args.differential, args.edition)
        return
    if args.duckdb:
        duckdb_comparison(args.n, args.repeat)
        return
    scoring_run("it-2012", None, args.n, args.repeat)
    scoring_run("openness-2025", "central", args.n, args.repeat)
    if not args.skip_robustness:
        robustness_run("openness-2025", "central", args.combinations, args.robustness_bodies, args.robustness_repeat)


def duckdb_comparison(n: int, repeat: int) -> None:
    """The same exact kernel in numpy and in DuckDB over it-2012's columns: every share
    indicator (weight × numerator / denominator, clamped to the weight, the zero-denominator
    rule) shown half up to the cent with integer arithmetic only."""
    import duckdb
    import pyarrow as pa
    compiled = catalog.load("it-2012")
    columns = sample(pool("it-2012", None), n)
    nodes = []
    for node_id, c in compiled.nodes.items():
        source = c.formula.source if c.formula is not None else ""
        if source.startswith("weight * share(") and source.count(",") == 1 and "+" not in source and "-" not in source:
            a, b = source[len("weight * share("):-1].split(", ")
            then = c.node.zero_denominator.then if c.node.zero_denominator else "zero"
            nodes.append((node_id, int(c.maximum), a, b, then))
    data = {}
    for _, _, a, b, _ in nodes:
        for key in (a, b):
            raw = columns.raw[key]
            data[key] = raw.values if hasattr(raw, "values") and not isinstance(raw, np.ndarray) else raw
    table = pa.table({k: pa.array(np.asarray(v, dtype=np.int64)) for k, v in data.items()})

    def with_numpy():
        out = {}
        for node_id, weight, a, b, then in nodes:
            x, y = data[a].astype(np.int64), data[b].astype(np.int64)
            zero = y == 0
            safe = np.where(zero, 1, y)
            x = np.minimum(x, safe)                                     # share ≤ 1
            units = (200 * abs(weight) * x + safe) // (2 * safe)        # half up, in cents
            units = units if weight > 0 else -units
            out[node_id] = np.where(zero, 100 * weight if then == "full" else 0, units)
        return out

    parts = []
    for node_id, weight, a, b, then in nodes:
        sign = "" if weight > 0 else "-"
        full = 100 * weight if then == "full" else 0
        parts.append(f'CASE WHEN "{b}" = 0 THEN {full} ELSE {sign}((200 * {abs(weight)} * LEAST("{a}", "{b}") + "{b}") '
                     f'// (2 * "{b}")) END AS "{node_id}"')
    query = "SELECT " + ", ".join(parts) + " FROM t"
    connection = duckdb.connect()
    connection.register("t", table)

    def with_duckdb():
        return connection.execute(query).fetchnumpy()

    expected, numpy_times = timed(with_numpy, repeat)
    got, duck_times = timed(with_duckdb, repeat)
    assert all(np.array_equal(expected[k], got[k]) for k in expected)
    print(f"numpy vs DuckDB, it-2012's {len(nodes)} share indicators exactly, {n:,} bodies (arrays in memory): "
          f"numpy {min(numpy_times) * 1000:.1f} ms, DuckDB {min(duck_times) * 1000:.1f} ms (best of {repeat}); same values")


if __name__ == "__main__":
    main()
