"""Validation and scoring of a cohort read as columns (issue 12): the same problems,
with the engine's messages, and the same shown values as the reference scorer."""

from __future__ import annotations

import numpy as np
import pytest

from bagalau.engine import catalog
from bagalau.engine.cohort import CohortScorer, rank
from bagalau.engine.inputs import InputError, Submission, validate
from bagalau.simulation.cohorts import ColumnarCohort, score_columns
from bagalau.simulation.columns import Columns, validate as validate_columns
from bagalau.simulation.synthetic import random_bodies

EDITIONS = [("it-2012", None), ("openness-2025", "central"), ("orgdev-2023", "local"), ("citizens-2017", "central"),
            ("ict-2015-2022", "central")]


def _submissions(edition, profile, count, seed):
    return [Submission(b.submission.body_id, None, dict(b.submission.raw), profile=profile)
            for b in random_bodies(edition, profile, count, seed=seed)]


def _messages(compiled, submissions) -> list[str]:
    found = []
    for submission in submissions:
        try:
            validate(compiled, submission)
        except InputError as exc:
            found += [str(p) for p in exc.problems]
    return found


@pytest.mark.parametrize("edition,profile", EDITIONS)
def test_columns_score_as_the_reference(edition, profile):
    compiled = catalog.load(edition, profile)
    submissions = _submissions(edition, profile, 40, seed=21)
    columns = Columns.from_submissions(compiled, submissions)
    result = score_columns(ColumnarCohort(edition), columns)
    reference = CohortScorer(edition)
    bodies = [reference.validate(s) for s in submissions]
    results = reference.score(bodies)
    ranks = {entry.result.body_id: entry.rank for entry in rank(reference.scorer(None), results)}
    scorer = reference.scorer(profile)
    for index, expected in enumerate(results):
        for node_id, value in expected.scores.items():
            assert result.node_units[node_id][index] == int(scorer.round(value).scaleb(scorer.places)), node_id
        assert result.total_units[index] == int(scorer.round(expected.total).scaleb(scorer.places))
        assert result.ranks[index] == ranks[expected.body_id]
        grade = expected.grades.get("total")
        shown = grade and (grade.get("ru") or grade.get("en") or grade.get("kk"))
        assert result.grade()[index] == shown


@pytest.mark.parametrize("edition,profile", EDITIONS)
def test_columns_refuse_what_the_engine_refuses_with_its_messages(edition, profile):
    compiled = catalog.load(edition, profile)
    submissions = _submissions(edition, profile, 30, seed=4)
    numeric = [key for key, d in compiled.inputs.items() if d.type in ("integer", "decimal", "boolean")]
    rng = np.random.default_rng(1)
    for index, submission in enumerate(submissions):
        if index % 3:
            continue
        key = numeric[int(rng.integers(len(numeric)))]
        definition = compiled.inputs[key]
        submission.raw[key] = [-1, 10 ** 16, "x", 2.5, None, True][index // 3 % 6] \
            if definition.type != "boolean" else [2, "x", None, 0.5][index // 3 % 4]
    expected = _messages(compiled, submissions)
    assert expected, "no body was refused: the test would prove nothing"
    columns = Columns.from_submissions(compiled, submissions)
    with pytest.raises(InputError) as caught:
        validate_columns(compiled, columns)
    assert [str(p) for p in caught.value.problems] == expected


def test_float_columns_read_as_the_engine_reads_them():
    compiled = catalog.load("it-2012")
    submissions = _submissions("it-2012", None, 20, seed=2)
    columns = Columns.from_submissions(compiled, submissions)
    decimals = [k for k, d in compiled.inputs.items() if d.type == "decimal" and k in columns.raw]
    assert decimals
    for key in decimals:
        columns.raw[key] = np.array([np.nan if v is None else float(v) for v in columns.raw[key]])
    result = score_columns(ColumnarCohort("it-2012"), columns)
    reference = CohortScorer("it-2012")
    scorer = reference.scorer(None)
    for index, expected in enumerate(reference.score([reference.validate(columns.submission(i))
                                                      for i in range(len(columns))])):
        assert result.total_units[index] == int(scorer.round(expected.total).scaleb(2))


@pytest.mark.parametrize("edition,profile", [("it-2012", None), ("ict-2015", "central")])
def test_float_columns_sparse_and_dense_and_cells_only_the_engine_reads(edition, profile):
    """Decimals as float arrays (NaN where empty), as a Parquet file gives them: columns
    mostly empty (section points) and full ones, and a few cells with seven decimals that
    the columns do not read but the engine accepts: every body shows what the reference shows,
    and those bodies are scored by the reference."""
    compiled = catalog.load(edition, profile)
    submissions = _submissions(edition, profile, 200, seed=17)
    columns = Columns.from_submissions(compiled, submissions)
    decimals = [k for k, d in compiled.inputs.items() if d.type == "decimal" and k in columns.raw]
    odd = []
    for key in decimals:
        columns.raw[key] = np.array([np.nan if v is None else float(v) for v in columns.raw[key]])
    decimals.sort(key=lambda k: np.isnan(columns.raw[k]).mean())     # full columns first: they are scored
    for key in decimals:
        definition = compiled.inputs[key]
        filled = np.flatnonzero(~np.isnan(columns.raw[key]))
        chosen = [int(i) for i in filled if int(i) not in odd][:1]
        if chosen and definition.max is not None and definition.max >= 1 and (definition.min or 0) <= 0 \
                and len(odd) < 3:
            columns.raw[key][chosen[0]] = 0.1234567          # seven places: only the engine reads it
            odd.append(chosen[0])
    assert any((~np.isnan(columns.raw[k])).mean() < 1 / 8 for k in decimals), "no mostly empty column"
    assert odd, "no cell with seven decimals was placed"
    result = score_columns(ColumnarCohort(edition), columns)
    reference = CohortScorer(edition)
    scorer = reference.scorer(profile)
    bodies = [reference.validate(columns.submission(i)) for i in range(len(columns))]
    for index, expected in enumerate(reference.score(bodies)):
        for node_id, value in expected.scores.items():
            assert result.node_units[node_id][index] == int(scorer.round(value).scaleb(scorer.places)), node_id
        assert result.total_units[index] == int(scorer.round(expected.total).scaleb(scorer.places))
    assert result.fallback[odd].all()
