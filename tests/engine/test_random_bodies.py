"""Random valid bodies against an independent exact evaluator (issue 7, "Done means").

For every edition and profile, one seeded cohort of 12 random valid bodies
(random options, random penalties) is scored by the engine with explanations
and by tests/support/reference_scorer.py, which evaluates the same tree in
fractions.Fraction with its own rules for weights, zero denominators,
checklists, deductions, bounds, penalties, floors and cohort averages, and
rounds half up itself. Every shown value must be equal. The full run (10,000
bodies per edition and profile) is benchmarks/random_bodies.py.
"""

from __future__ import annotations

import random
from fractions import Fraction

import pytest

from support.random_bodies import Outcome, check_cohort, pairs
from support.reference_scorer import shown

BODIES = 12


@pytest.mark.parametrize("edition,profile", pairs())
def test_every_shown_value_equals_the_exact_evaluation_rounded_half_up(edition, profile):
    outcome = Outcome()
    check_cohort(edition, profile, random.Random(f"suite:{edition}:{profile}"), BODIES, outcome)
    assert outcome.mismatches == []
    assert outcome.bodies + outcome.refused * BODIES == BODIES and outcome.values > BODIES


def test_the_reference_rounds_half_up_away_from_zero():
    assert shown(Fraction(37, 40), 2) == "0.93"        # it-2012 3.1.2 with 148/480: 3 × 148/480 = 0.925
    assert shown(Fraction(-7, 8), 2) == "-0.88"
    assert shown(Fraction(1, 3), 2) == "0.33" and shown(Fraction(-1, 1000), 2) == "0.00"
    assert shown(Fraction(5), 0) == "5" and shown(Fraction(45, 10), 0) == "5"


def test_the_148_of_480_body_is_exact_in_the_engine_and_the_reference():
    """The regression of rule 1 (it-2012 §35), through both evaluators."""
    from conftest import full_raw
    from bagalau.engine.cohort import CohortScorer
    from bagalau.engine.inputs import Submission
    from support.reference_scorer import ReferenceCohort

    cohort = CohortScorer("it-2012")
    body = cohort.validate(Submission("b", "b", full_raw(app2_g3=148, app2_g4=480)))
    result = cohort.score([body], explain=True)[0]
    scores, _ = ReferenceCohort("it-2012").score([("b", None, body.values)], None)["b"]
    assert scores["3.1.2"] == Fraction(37, 40) and shown(scores["3.1.2"], 2) == "0.93"
    from bagalau.engine.explanations import find_node
    assert find_node(result.explanation, "3.1.2")["score"] == "0.93"
