"""Benchmark: score N synthetic bodies and print bodies per second.

    .venv/bin/python benchmarks/score_cohort.py            # N = 1,000 / 10,000 / 100,000
    .venv/bin/python benchmarks/score_cohort.py -n 5000 --methodology it-2012

A pool of 1,000 distinct synthetic bodies is generated and validated once
(validation is timed separately); scoring then cycles through the pool, so
N bodies are N real evaluations with no caching in between. Figures are
printed for one process, with and without explanations, and for a pool of
worker processes (the machine's cores).
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from concurrent.futures import ProcessPoolExecutor

from bagalau.engine import catalog
from bagalau import demo
from bagalau.engine.cohort import CohortScorer
from bagalau.engine.inputs import Submission

POOL = 1000


def make_pool(methodology_id: str):
    """POOL distinct synthetic bodies (all profiles), validated once."""
    cohort = CohortScorer(methodology_id)
    module = demo._generators()[methodology_id]
    rng = random.Random(7)
    raw: list[dict] = []
    while len(raw) < POOL:
        raw += module.bodies(rng, lambda profile: catalog.load(methodology_id, profile))
    started = time.perf_counter()
    validated = [cohort.validate(Submission(f"b{i}", None, body["inputs"], profile=body.get("profile")))
                 for i, body in enumerate(raw[:POOL])]
    return cohort, validated, time.perf_counter() - started


def score_range(args) -> int:
    """Score bodies start..stop, cycling through the pool one pool-sized cohort at a time
    (cohort rules such as averages are evaluated within each cohort)."""
    methodology_id, start, stop, explain = args
    cohort, pool, _ = _worker_pool(methodology_id)
    done = start
    while done < stop:
        take = min(POOL, stop - done)
        cohort.score(pool[:take], explain=explain)
        done += take
    return stop - start


_CACHE: dict = {}


def _worker_pool(methodology_id: str):
    if methodology_id not in _CACHE:
        _CACHE[methodology_id] = make_pool(methodology_id)
    return _CACHE[methodology_id]


def timed(function, *args) -> float:
    started = time.perf_counter()
    function(*args)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-n", type=int, action="append", help="number of bodies (repeatable)")
    parser.add_argument("--methodology", action="append", help="edition id (repeatable); default: all with a demo generator")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--skip-explain-above", type=int, default=100_000,
                        help="score with explanations only up to this N")
    args = parser.parse_args()
    sizes = args.n or [1_000, 10_000, 100_000]
    methodologies = args.methodology or demo.demo_methodologies()
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores; pool of {POOL} distinct bodies per methodology")
    print(f"{'methodology':<12} {'N':>8} {'mode':<26} {'seconds':>9} {'bodies/s':>10}")
    for methodology_id in methodologies:
        _, pool, validation_seconds = _worker_pool(methodology_id)
        print(f"{methodology_id:<12} {POOL:>8} {'validate inputs':<26} {validation_seconds:>9.3f} "
              f"{POOL / validation_seconds:>10.0f}")
        for n in sizes:
            for explain in (False, True):
                if explain and n > args.skip_explain_above:
                    continue
                seconds = timed(score_range, (methodology_id, 0, n, explain))
                mode = "1 process, " + ("with explanations" if explain else "scores only")
                print(f"{methodology_id:<12} {n:>8} {mode:<26} {seconds:>9.3f} {n / seconds:>10.0f}")
            if args.workers > 1:
                chunk = -(-n // args.workers)
                tasks = [(methodology_id, start, min(n, start + chunk), False) for start in range(0, n, chunk)]
                with ProcessPoolExecutor(args.workers) as executor:
                    list(executor.map(_warm, [methodology_id] * args.workers))
                    started = time.perf_counter()
                    list(executor.map(score_range, tasks))
                    seconds = time.perf_counter() - started
                mode = f"{args.workers} processes, scores only"
                print(f"{methodology_id:<12} {n:>8} {mode:<26} {seconds:>9.3f} {n / seconds:>10.0f}")


def _warm(methodology_id: str) -> None:
    _worker_pool(methodology_id)


if __name__ == "__main__":
    main()
