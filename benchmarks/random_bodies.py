"""Random bodies against the independent exact evaluator (issue 7, "Done means").

    .venv/bin/python benchmarks/random_bodies.py -n 10000 --jobs 2
    .venv/bin/python benchmarks/random_bodies.py -n 500 --edition it-2012 --explain

For every edition and profile in the catalogue, N seeded random valid bodies
(tests/support/random_bodies.py: every input drawn from its definition, often
at its edges, mended until the edition's checks pass; random options and
random penalties per cohort) are scored by the engine in cohorts of --cohort
bodies and by the independent Fraction evaluator of the same tree
(tests/support/reference_scorer.py). Every shown value (each node's score and
the total, rounded half up) must be equal. Prints per edition/profile the
bodies, values compared, mismatches, cohorts both refused, CPU seconds and
bodies per CPU second, then the wall clock; exits 1 on any mismatch. Without --explain the engine's values are
rounded by the scorer's own display rounding instead of read from the
explanation (the same function; about twice as fast).
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from support.random_bodies import Outcome, check_cohort, pairs  # noqa: E402


def run_chunk(job) -> tuple:
    edition, profile, chunk, count, cohort_size, seed, explain = job
    rng = random.Random(f"{seed}:{edition}:{profile}:{chunk}")
    outcome = Outcome()
    started = time.process_time()
    done = 0
    while done < count:
        size = min(cohort_size, count - done)
        before = outcome.bodies
        check_cohort(edition, profile, rng, size, outcome, explain=explain)
        done += max(outcome.bodies - before, size)
    return edition, profile, outcome, time.process_time() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-n", type=int, default=10_000, help="bodies per edition and profile")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--cohort", type=int, default=20, help="bodies scored together (cohort averages)")
    parser.add_argument("--chunk", type=int, default=500, help="bodies per unit of work")
    parser.add_argument("--seed", default="issue-7")
    parser.add_argument("--edition", action="append", help="edition id (repeatable); default: all")
    parser.add_argument("--explain", action="store_true", help="read the shown values from the explanations")
    args = parser.parse_args()
    chosen = [(e, p) for e, p in pairs() if not args.edition or e in args.edition]
    jobs = []
    for edition, profile in chosen:
        for chunk, start in enumerate(range(0, args.n, args.chunk)):
            jobs.append((edition, profile, chunk, min(args.chunk, args.n - start), args.cohort, args.seed,
                         args.explain))
    totals: dict = {}
    started = time.perf_counter()
    with ProcessPoolExecutor(max_workers=args.jobs) as pool:
        for edition, profile, outcome, seconds in pool.map(run_chunk, jobs):
            entry = totals.setdefault((edition, profile), [Outcome(), 0.0])
            entry[0].bodies += outcome.bodies
            entry[0].values += outcome.values
            entry[0].refused += outcome.refused
            entry[0].mismatches += outcome.mismatches
            entry[1] += seconds
            print(f"  {edition}/{profile or '-'}: {entry[0].bodies:,} bodies, {len(entry[0].mismatches)} mismatches "
                  f"({time.perf_counter() - started:.0f} s)", file=sys.stderr, flush=True)
    wall = time.perf_counter() - started
    print(f"{'edition/profile':<28}{'bodies':>9}{'values':>12}{'mismatches':>12}{'refused':>9}{'cpu s':>9}{'bodies/s':>10}")
    all_bodies = all_values = all_mismatches = 0
    for (edition, profile), (outcome, seconds) in totals.items():
        name = f"{edition}/{profile or '-'}"
        print(f"{name:<28}{outcome.bodies:>9,}{outcome.values:>12,}{len(outcome.mismatches):>12}"
              f"{outcome.refused:>9}{seconds:>9.0f}{outcome.bodies / seconds if seconds else 0:>10.1f}")
        all_bodies += outcome.bodies
        all_values += outcome.values
        all_mismatches += len(outcome.mismatches)
        for line in outcome.mismatches[:5]:
            print("   ", line)
    print(f"{'all':<28}{all_bodies:>9,}{all_values:>12,}{all_mismatches:>12}"
          f"{'':>9}{wall:>9.0f}{all_bodies / wall:>10.1f}  (wall clock, {args.jobs} jobs, seed {args.seed!r},"
          f" {'explanations' if args.explain else 'scorer rounding'})")
    return 1 if all_mismatches else 0


if __name__ == "__main__":
    sys.exit(main())
