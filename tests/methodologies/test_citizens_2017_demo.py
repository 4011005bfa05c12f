"""The synthetic demo cohort of citizens-2017 validates, scores and exercises its edge cases."""

from __future__ import annotations

from decimal import Decimal

from bagalau.engine import catalog
from bagalau import demo
from bagalau.engine.cohort import CohortScorer
from bagalau.engine.inputs import Submission
from support.citizens_2017 import EDITION, node


def test_demo_cohort_scores_with_the_cohort_average_and_the_edge_cases():
    document = demo.cohort_document(catalog.load(EDITION), period=2018)
    bodies = document["bodies"]
    assert sum(b["profile"] == "central" for b in bodies) == 8
    assert sum(b["profile"] == "local" for b in bodies) == 17
    cohort = CohortScorer(EDITION)
    validated = [cohort.validate(Submission(b["id"], b["name"], b["inputs"], profile=b["profile"])) for b in bodies]
    results = {r.body_id: r for r in cohort.score(validated, explain=True, period=2018)}
    for result in results.values():
        assert Decimal(0) <= result.total <= 100
        assert result.grades["total"]
    # §31: the unmonitored ministry gets the mean P1 of the seven monitored central bodies.
    monitored = [results[b["id"]].scores["QS.1.P1"] for b in bodies
                 if b["profile"] == "central" and len(b["inputs"]["qs1_levels"]) > 0]
    assert len(monitored) == 7
    assert results["min-justice"].scores["QS.1.P1"] == sum(monitored) / 7
    assert node(results["kyzylorda"].explanation, "QS.1.P1")["status"] == "cohort_average"
    # App 15 T1 section 1.6 does not apply to the National Bank.
    sections = node(results["natbank"].explanation, "OP.2.2")["checklist"][0]["sections"]
    assert next(s for s in sections if s["section"] == "1.6")["applies"] is False
    assert node(results["min-health"].explanation, "QS.7.T")["status"] == "zero_denominator"
    assert node(results["pavlodar"].explanation, "QS.4.5")["status"] == "zero_denominator"
