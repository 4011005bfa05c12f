"""Checklist section points in columns (issue 7, intake): the columnar validation refuses
what the engine refuses, with the engine's messages, and the columnar scorer shows
what the reference shows for bodies that give a section's points instead of its items."""

from __future__ import annotations

import pytest

from bagalau.engine import catalog
from bagalau.engine.cohort import CohortScorer
from bagalau.engine.inputs import InputError, Submission, validate
from bagalau.simulation.cohorts import ColumnarCohort, score_columns
from bagalau.simulation.columns import Columns, validate as validate_columns
from bagalau.simulation.synthetic import random_bodies

EDITIONS = [("ict-2015", "central"), ("citizens-2017", "local"), ("it-2012", None)]


def _submissions(edition, profile, count, seed):
    return [Submission(b.submission.body_id, None, dict(b.submission.raw), profile=profile)
            for b in random_bodies(edition, profile, count, seed=seed)]


def _with_points(compiled, submissions):
    return [s for s in submissions if any(s.raw.get(p) is not None for p in compiled.section_points)]


@pytest.mark.parametrize("edition,profile", EDITIONS)
def test_columns_score_section_points_as_the_reference(edition, profile):
    compiled = catalog.load(edition, profile)
    submissions = _submissions(edition, profile, 60, seed=31)
    chosen = _with_points(compiled, submissions)
    assert len(chosen) >= 5, "too few bodies with section points to test anything"
    assert any(all(s.raw.get(item) is None for item in compiled.section_points[p][2].item_ids)
               for s in chosen for p in compiled.section_points if s.raw.get(p) is not None)
    result = score_columns(ColumnarCohort(edition), Columns.from_submissions(compiled, chosen))
    reference = CohortScorer(edition)
    scorer = reference.scorer(profile)
    for index, expected in enumerate(reference.score([reference.validate(s) for s in chosen])):
        for node_id, value in expected.scores.items():
            assert result.node_units[node_id][index] == int(scorer.round(value).scaleb(scorer.places)), node_id
        assert result.total_units[index] == int(scorer.round(expected.total).scaleb(scorer.places))


def test_columns_refuse_section_entries_with_the_engines_messages():
    """Neither items nor points, points that disagree with the items, points above the
    weight, items given in part with the points: the same messages, body by body."""
    edition, profile = "ict-2015", "central"
    compiled = catalog.load(edition, profile)
    submissions = _submissions(edition, profile, 12, seed=3)
    _, _, section = compiled.section_points["app6_t1_kk_1_1_points"]
    with_items = [s for s in submissions if s.raw.get(section.item_ids[0]) is not None]
    assert len(with_items) >= 4
    with_items[0].raw.pop(section.item_ids[1])                       # neither
    with_items[1].raw["app6_t1_kk_1_1_points"] = "0.05"             # disagree (or agree: then accepted)
    for key in (*section.item_ids, section.defects_id):
        with_items[2].raw.pop(key, None)
    with_items[2].raw["app6_t1_kk_1_1_points"] = "6"                # above the weight 5
    for key in section.item_ids[1:]:
        with_items[3].raw.pop(key, None)
    with_items[3].raw["app6_t1_kk_1_1_points"] = "1"                # items in part
    expected = []
    for submission in submissions:
        try:
            validate(compiled, submission)
        except InputError as exc:
            expected += [str(p) for p in exc.problems]
    assert any("or give the section's points in app6_t1_kk_1_1_points" in m for m in expected)
    assert any("above the maximum 5" in m for m in expected)
    with pytest.raises(InputError) as caught:
        validate_columns(compiled, Columns.from_submissions(compiled, submissions))
    assert [str(p) for p in caught.value.problems] == expected


@pytest.mark.parametrize("weight,per_defect,cap_share,defects_d", [
    ("25/12", "1/10", "1/4", 1), ("5", "1/2", "1/2", 1), ("7/3", "3/7", "1", 10), ("50/72", "0", "1/3", 1)])
def test_section_score_in_one_denominator_is_the_engines(weight, per_defect, cap_share, defects_d):
    """W × present / items − min(per_defect × defects, cap_share × W), floored at 0, as the
    engine's ``items_score`` gives it, body by body; the interval holds every value."""
    from fractions import Fraction

    import numpy as np

    from bagalau.engine.checklists import items_score
    from bagalau.simulation import numeric as nm
    from bagalau.simulation.columnar import _fused_section_score

    rng = np.random.default_rng(5)
    count = 4
    items = rng.integers(0, count + 1, 300).astype(np.int64)
    raw = rng.integers(0, 40, 300).astype(np.int64)
    defects = nm.Num(raw, defects_d, int(raw.max()), defects_d, Fraction(int(raw.min()), defects_d),
                     Fraction(int(raw.max()), defects_d))
    w, pd, cs = Fraction(weight), Fraction(per_defect), Fraction(cap_share)
    score = _fused_section_score(items, count, defects, nm.constant(w), nm.constant(pd), nm.constant(cs))
    assert score is not None and score.exact
    for index in range(300):
        values = [1] * int(items[index]) + [0] * (count - int(items[index]))
        expected = items_score(w, values, Fraction(int(raw[index]), defects_d), pd, cs)[3]
        assert Fraction(int(score.n[index]), score.d) == expected
        assert score.lo <= expected <= score.hi
