"""The synthetic demo cohort of orgdev-2023 (bagalau/demo/orgdev_2023.py):
8 central ministries and 17 akimats, valid inputs, scored with explanations,
and the edge cases the module promises."""

from __future__ import annotations

from fractions import Fraction
from decimal import Decimal

import pytest

from bagalau.engine import catalog
from bagalau import demo
from bagalau.engine.cohort import CohortScorer
from bagalau.engine.inputs import Submission

EDITION = "orgdev-2023"


@pytest.fixture(scope="module")
def scored():
    document = demo.cohort_document(catalog.load(EDITION), 2023)
    cohort = CohortScorer(EDITION)
    bodies = [cohort.validate(Submission(b["id"], b["name"], b["inputs"], profile=b["profile"]))
              for b in document["bodies"]]
    results = {r.body_id: r for r in cohort.score(bodies, explain=True, period=2023)}
    return document, bodies, results


def node(explanation, node_id):
    stack = list(explanation["nodes"])
    while stack:
        item = stack.pop()
        if item["id"] == node_id:
            return item
        stack.extend(item.get("children", []))
    raise KeyError(node_id)


def test_demo_is_registered_and_labelled_synthetic(scored):
    document, _, _ = scored
    assert EDITION in demo.demo_methodologies()
    assert document["synthetic"] == demo.SYNTHETIC_NOTE
    profiles = [b["profile"] for b in document["bodies"]]
    assert profiles.count("central") == 8 and profiles.count("local") == 17


def test_every_body_scores_within_the_act_bounds(scored):
    _, bodies, results = scored
    assert not [b.submission.body_id for b in bodies if b.warnings]
    for result in results.values():
        assert 0 <= result.scores["HR"] <= 100
        assert result.scores["HR.2"] <= 30
        assert 0 <= result.scores["IT"] <= (110 if result.profile == "central" else 105)
        assert result.total == result.scores["HR"] + result.scores["IT"]


def test_edge_cases(scored):
    _, _, results = scored
    justice = results["min-justice"].explanation
    assert node(justice, "HR.1.3")["status"] == "zero_denominator" and node(justice, "HR.1.3")["score"] == "5.00"
    energy = results["min-energy"]
    assert energy.scores["HR.2.1.1"] == 0 and energy.scores["HR.2.1.3"] == -2
    health = results["min-health"].explanation
    assert node(health, "HR.3.1")["status"] == "zero_denominator" and node(health, "HR.3.3")["score"] == "10.00"
    agriculture = results["min-agriculture"]
    assert agriculture.scores["HR.2.4"] == 5
    respondents = agriculture.explanation
    exit_node = node(respondents, "HR.1.3")
    coverage = Fraction(exit_node["inputs"]["app1_g4"]["value"]) + Fraction(exit_node["inputs"]["app1_g6"]["value"])
    leavers = Fraction(exit_node["inputs"]["app1_g3"]["value"]) + Fraction(exit_node["inputs"]["app1_g5"]["value"])
    assert agriculture.scores["HR.1.3"] == max(0, 5 * coverage / leavers - Fraction(3, 2))
    assert node(results["mangystau"].explanation, "IT.5")["status"] == "zero_denominator"
    shymkent = results["shymkent"]
    assert shymkent.scores["HR.2.6"] == 2 and shymkent.scores["HR.2.7"] == Decimal("1.5")
    assert shymkent.scores["HR.2"] == 30


def test_profiles_have_their_own_criteria(scored):
    _, _, results = scored
    assert all(("IT.2" in r.scores) == (r.profile == "local") for r in results.values())
    assert all(("IT.8" in r.scores) == (r.profile == "central") for r in results.values())
