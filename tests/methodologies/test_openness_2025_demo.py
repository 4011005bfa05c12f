"""The synthetic demo cohort of openness-2025: it validates, scores, and
exercises the act's special cases (secret budget, Resolution No. 12, note *,
zero denominators)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from bagalau.engine import catalog
from bagalau import demo
from bagalau.engine.cohort import CohortScorer
from bagalau.engine.inputs import Submission
from bagalau.engine.explanations import find_node




@pytest.fixture(scope="module")
def results():
    document = demo.cohort_document(catalog.load("openness-2025"), 2025)
    assert "SYNTHETIC" in document["synthetic"]
    cohort = CohortScorer("openness-2025")
    bodies = [cohort.validate(Submission(b["id"], b["name"], b["inputs"], profile=b["profile"]))
              for b in document["bodies"]]
    assert sum(b.submission.profile == "central" for b in bodies) == 8
    assert sum(b.submission.profile == "local" for b in bodies) == 17
    return {r.body_id: r for r in cohort.score(bodies, explain=True, period=2025)}


def test_every_body_is_scored_within_the_direction_bounds(results):
    for result in results.values():
        assert 0 <= result.total <= 100
        assert -9 <= result.scores["7"] <= 0 and 0 <= result.scores["6"] <= 10


def test_secret_budget_ministry_gets_the_central_average(results):
    node = find_node(results["min-interior"].explanation, "T2.10")
    note = next(n for n in node["notes"] if n["code"] == "cohort_average")
    sources = [b["id"] for b in note["bodies"]]
    assert "min-interior" not in sources and sources and all(s.startswith("min-") for s in sources)
    assert node["status"] == "cohort_average"


def test_special_cases_show_in_the_explanations(results):
    assert find_node(results["min-justice"].explanation, "T6.4")["status"] == "cohort_average"
    assert find_node(results["kostanay"].explanation, "T1.1")["status"] == "not_applicable"
    assert find_node(results["atyrau"].explanation, "T7-1.2.kk")["status"] == "zero_denominator"
    assert find_node(results["pavlodar"].explanation, "T7.6.ru")["status"] == "zero_denominator"
    assert find_node(results["min-labour"].explanation, "T4.6.kk")["status"] == "zero_denominator"
    c6 = find_node(results["mangystau"].explanation, "6")     # no media respondent: C = 1 (A17c)
    assert Decimal(c6["parameters"]["C"]) == 1 and c6["inputs"]["mci_media_respondents"]["value"] == "0"
    assert results["min-digital"].scores["7"] == 0
    assert all(results[a].scores["7"] == 0 for a in results if not a.startswith("min-"))
