"""Differential test (issue 12): the columnar scorer shows what the reference scorer shows.

For every edition and profile, a bounded number of random valid bodies
(seeded; ties, zero denominators and half cents drawn on purpose) and every
demo cohort are scored by both; every node's shown value, the total, the
grades and the rank must agree, cohort averages included. The benchmark
script (benchmarks/simulate.py --differential) runs the same comparison on
10,000 bodies per edition and profile.
"""

from __future__ import annotations

import json
from fractions import Fraction

import pytest

from bagalau import demo
from bagalau.engine import catalog
from bagalau.engine.cohort import CohortScorer, rank
from bagalau.engine.inputs import Submission, read_document
from bagalau.simulation.cohorts import ColumnarCohort, score_columns
from bagalau.simulation.columns import Columns
from bagalau.simulation.synthetic import random_bodies

BODIES_PER_PAIR = 300      # benchmarks/simulate.py --differential 10000 runs the same on 10,000

PAIRS = [(edition, profile) for edition in catalog.definition_paths()
         for profile in (list(catalog.methodology(edition).profiles) or [None])]


def mismatches(edition: str, bodies, options=None) -> tuple[list[str], object]:
    reference = CohortScorer(edition, options)
    results = reference.score(bodies)
    ranked = {entry.result.body_id: entry.rank for entry in rank(reference.scorer(None), results)}
    columnar = ColumnarCohort(edition, options).score(bodies)
    found = _columns_mismatches(edition, bodies, options, results, ranked, reference)
    for index, result in enumerate(results):
        scorer = reference.scorer(bodies[index].submission.profile)
        units = columnar.units[index]
        if set(units) != set(result.scores):
            found.append(f"{result.body_id}: nodes {sorted(set(units) ^ set(result.scores))}")
        for node_id, value in result.scores.items():
            if node_id in units and columnar.shown(units[node_id]) != scorer.round(value):
                found.append(f"{result.body_id} {node_id}: reference {scorer.round(value)}, "
                             f"columnar {columnar.shown(units[node_id])} (exact {value})")
        if columnar.shown(columnar.total_units[index]) != scorer.round(result.total):
            found.append(f"{result.body_id} total")
        if columnar.grades[index] != result.grades:
            found.append(f"{result.body_id} grades")
        if int(columnar.ranks[index]) != ranked[result.body_id]:
            found.append(f"{result.body_id} rank")
    return found, columnar


def _columns_mismatches(edition, bodies, options, results, ranked, reference) -> list[str]:
    """The same bodies read as columns (validated in columns, scored without an object per body)."""
    profiles = {b.submission.profile for b in bodies}
    if len(profiles) != 1 or any(b.penalties for b in bodies):
        return []
    profile = profiles.pop()
    compiled = catalog.load(edition, profile)
    submissions = [Submission(b.submission.body_id, b.submission.name, dict(b.submission.raw), profile=profile,
                              period=b.submission.period) for b in bodies]
    result = score_columns(ColumnarCohort(edition, options), Columns.from_submissions(compiled, submissions))
    scorer = reference.scorer(profile)
    found = []
    for index, expected in enumerate(results):
        for node_id, value in expected.scores.items():
            if result.node_units[node_id][index] != int(scorer.round(value).scaleb(scorer.places)):
                found.append(f"columns {expected.body_id} {node_id}")
        if result.total_units[index] != int(scorer.round(expected.total).scaleb(scorer.places)):
            found.append(f"columns {expected.body_id} total")
        if result.ranks[index] != ranked[expected.body_id]:
            found.append(f"columns {expected.body_id} rank")
    return found


def half_cents(edition: str, bodies) -> int:
    """How many shown values of the cohort are exactly half a cent (3 × 148/480 = 0.925)."""
    reference = CohortScorer(edition)
    count = 0
    for result in reference.score(bodies):
        for value in [*result.scores.values(), result.total]:
            scaled = Fraction(value) * 200
            count += scaled.denominator == 1 and scaled.numerator % 2 == 1
    return count


@pytest.mark.parametrize("edition,profile", PAIRS, ids=[f"{e}-{p}" for e, p in PAIRS])
def test_random_bodies_agree(edition, profile):
    bodies = random_bodies(edition, profile, BODIES_PER_PAIR, seed=12)
    assert len(bodies) >= BODIES_PER_PAIR // 2, "too few valid random bodies to test anything"
    found, _ = mismatches(edition, bodies)
    assert found == []


def test_random_bodies_hold_half_cents():
    """The random bodies compared above include values exactly half a cent."""
    assert half_cents("it-2012", random_bodies("it-2012", None, BODIES_PER_PAIR, seed=12)) > 0


@pytest.mark.parametrize("edition", demo.demo_methodologies())
def test_demo_cohorts_agree(edition, tmp_path):
    compiled = catalog.load(edition)
    path = tmp_path / "cohort.json"
    path.write_text(json.dumps(demo.cohort_document(compiled, demo.default_period(compiled.source)),
                               ensure_ascii=False), encoding="utf-8")
    reference = CohortScorer(edition)
    bodies = [reference.validate(submission) for submission in read_document(path)]
    found, _ = mismatches(edition, bodies)
    assert found == []


def test_half_cents_are_decided_exactly():
    """The demo cohorts hold values exactly half a cent; they agree (above), and
    the columnar scorer settles most of them itself rather than leaving them all
    to the reference scorer."""
    compiled = catalog.load("it-2012")
    document = demo.cohort_document(compiled, demo.default_period(compiled.source))
    reference = CohortScorer("it-2012")
    from bagalau.engine.inputs import Submission
    bodies = [reference.validate(Submission(b["id"], b["name"], b["inputs"])) for b in document["bodies"]]
    assert half_cents("it-2012", bodies) > 0
    found, columnar = mismatches("it-2012", bodies)
    assert found == []


def test_cohort_averages_agree():
    """openness-2025: bodies with a secret budget take the average of the others."""
    bodies = random_bodies("openness-2025", "central", BODIES_PER_PAIR, seed=5)
    takers = [b for b in bodies if CohortScorer("openness-2025")._averaged_nodes(b, None)]
    assert takers, "no body of the sample takes a cohort average"
    found, _ = mismatches("openness-2025", bodies)
    assert found == []


@pytest.mark.parametrize("options", [{"A13": "zero"}, {"A32": "rescale"}])
def test_other_readings_agree(options):
    bodies = random_bodies("it-2012", None, BODIES_PER_PAIR, seed=7)
    found, _ = mismatches("it-2012", bodies, options)
    assert found == []


def test_columnar_mirrors_the_floors_of_issue_7():
    """orgdev-2023 п. 81 (A23 = none: I below 0, D = −100) and the total's min_total floor
    (P24 = floor) under option choices both ways: the columnar scorer shows what the
    reference shows (issue 7, rules 3 and 6)."""
    from bagalau.engine.inputs import Submission
    import sys
    sys.path.insert(0, str(__import__("pathlib").Path(__file__).resolve().parent.parent / "methodologies"))
    from test_orgdev_2023_rules import base_raw

    for options in ({}, {"A23": "floor"}, {"P24": "none"}, {"A23": "floor", "P24": "none"}):
        cohort = CohortScorer("orgdev-2023", options)
        bodies = [cohort.validate(Submission(f"b{i}", None, base_raw(profile, **overrides), profile=profile))
                  for i, (profile, overrides) in enumerate([
                      ("central", {"IT.1": 0, "IT.9": -100}), ("local", {"IT.1": 0, "IT.9": -100}),
                      ("central", {"IT.9": -100, "IT.1": 0, "HR.1.1": 0, "HR.1.2": 0}), ("central", {})])]
        found, _ = mismatches("orgdev-2023", bodies, options)
        assert found == [], (options, found)
