"""The act's own worked examples (E1–E16), the sums derived from them (D1–D3)
and the spec's synthetic edge vectors (V1–V8).

Each case names the paragraph of order No. 457 (seed 000) where the example
is printed, with the printed arithmetic. Expected values come from the act
(the printed result, at its printed precision) and from doing the printed
arithmetic exactly with fractions; nothing here is copied from the engine.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction as F

import pytest

from conftest import (APP6_SECTIONS, app6_defects, app6_fallback_weight, app6_item, explanation_node,
                      full_raw, near)
from bagalau.engine.inputs import Submission, validate
from bagalau.engine.scoring import Scorer
from bagalau.engine.validation import check_data

# (case id, overrides, node, printed result, exact value of the printed arithmetic)
WORKED_EXAMPLES = [
    ("E1 §32 3.1.1 200/500*3 = 1.2",
     {"app2_g1": 200, "app2_g2": 500}, "3.1.1", "1.2", F(200, 500) * 3),
    ("E2 §35 3.1.2 200/500*3 = 1.2",
     {"app2_g3": 200, "app2_g4": 500}, "3.1.2", "1.2", F(200, 500) * 3),
    ("E3 §38 3.1.3 200/500*3 = 1.2",
     {"app2_g6": 200, "app2_g5": 500}, "3.1.3", "1.2", F(200, 500) * 3),
    ("E4 §41 3.1.4 200/500*2 = 0.8",
     {"app2_g8": 200, "app2_g7": 500}, "3.1.4", "0.8", F(200, 500) * 2),
    ("E5 §44 3.1.5 200/500*3 = 1.2",
     {"app2_g10": 200, "app2_g9": 500}, "3.1.5", "1.2", F(200, 500) * 3),
    ("E6 §48 3.1.6 200/500*1 = 0.4",
     {"app2_g12": 200, "app2_g11": 500}, "3.1.6", "0.4", F(200, 500) * 1),
    ("E7 §60 4.1 20/50*25 = 10",
     {"wg_4_1_auto": 20, "wg_4_1_subject": 50}, "4.1", "10", F(20, 50) * 25),
    ("E8 §63 4.2 5/20*15 = 3.75",
     {"wg_4_2_period": 5, "wg_4_2_after": 15}, "4.2", "3.75", F(5, 20) * 15),
    ("E9 §66 4.3 ((5*1+10*0.5)/15)*5 = 3.33",
     {"wg_4_3_full": 5, "wg_4_3_partial": 10, "wg_4_1_auto": 15, "wg_4_1_subject": 15}, "4.3", "3.33",
     (F(5) * 1 + F(10) * F(1, 2)) / 15 * 5),
    ("E10 §71 5.1 1/2*(-2) = -1",
     {"app1_r3_1": 1, "wg_5_1_is_new": 2}, "5.1", "-1", F(1, 2) * -2),
    ("E11 §75 5.2 1/2*(-2) = -1",
     {"app1_r3_2": 1, "wg_5_2_is_comm": 2}, "5.2", "-1", F(1, 2) * -2),
    ("E12 §79 5.3 1/2*(-2) = -1",
     {"app1_r3_3": 1, "wg_5_2_is_comm": 2}, "5.3", "-1", F(1, 2) * -2),
    ("E13 §83 5.4 1/3*(-2) = -0.67",
     {"app1_r3_4": 1, "wg_5_4_is_created": 3}, "5.4", "-0.67", F(1, 3) * -2),
    ("E14 §87 5.5 1/4*(-2) = -0.5",
     {"app1_r3_5": 1, "wg_5_5_is_ind2010": 4}, "5.5", "-0.5", F(1, 4) * -2),
    ("E15 §91 5.6 3/5*(-1) = -0.6",
     {"app1_r3_6": 3, "wg_5_6_is_op": 5}, "5.6", "-0.6", F(3, 5) * -1),
    ("E16 §95 5.7 3/5*(-2) = -1.2",
     {"app1_r3_7": 3, "wg_5_7_is_ind": 5}, "5.7", "-1.2", F(3, 5) * -2),
]


@pytest.mark.parametrize("overrides,node,printed,exact", [case[1:] for case in WORKED_EXAMPLES],
                         ids=[case[0] for case in WORKED_EXAMPLES])
def test_worked_example(score_body, scorer, overrides, node, printed, exact):
    result = score_body(full_raw(**overrides))
    value = result.scores[node]
    # The act prints the result to at most 2 decimals: the displayed value must match it.
    assert scorer.round(value) == Decimal(printed)
    # Internally the value is the exact result of the printed arithmetic (A17: no early rounding).
    assert near(value, exact), f"{node}: {value} is not {exact}"


def test_worked_examples_cover_all_sixteen():
    assert [case[0].split()[0] for case in WORKED_EXAMPLES] == [f"E{i}" for i in range(1, 17)]


def test_e9_exact_value_is_ten_thirds_not_the_printed_rounding(score_body):
    """E9 prints 3.33, but 3.33 is a display rounding (A17): the score carried into
    P4 and N is 10/3, so 3 × E9 is 10, not 9.99."""
    value = score_body(full_raw(wg_4_3_full=5, wg_4_3_partial=10, wg_4_1_auto=15,
                               wg_4_1_subject=15)).scores["4.3"]
    assert value != Decimal("3.33")
    assert value == F(10, 3)
    assert near(value * 3, 10)


def test_e13_exact_value_is_minus_two_thirds(score_body, scorer):
    value = score_body(full_raw(app1_r3_4=1, wg_5_4_is_created=3)).scores["5.4"]
    assert value != Decimal("-0.67")
    assert value == F(-2, 3)
    # Rounding half-up is away from zero for the negative -0.666…: −0.67, as printed.
    assert scorer.round(value) == Decimal("-0.67")


def test_e1_is_exactly_one_point_two_not_a_float(score_body):
    """§3.4 of the spec: a float gives 200/500*3 = 1.2000000000000002; Decimal must not."""
    value = score_body(full_raw(app2_g1=200, app2_g2=500)).scores["3.1.1"]
    assert value == Decimal("1.2")


# --- D1–D3: sums of the worked examples --------------------------------------------

def _merged(*case_ids: str) -> dict:
    merged: dict = {}
    for case in WORKED_EXAMPLES:
        if case[0].split()[0] in case_ids:
            merged.update(case[1])
    return merged


def test_d1_sum_of_e1_to_e6_is_s31_six(score_body, scorer):
    result = score_body(full_raw(**_merged("E1", "E2", "E3", "E4", "E5", "E6")))
    assert result.scores["3.1"] == Decimal("6.0")
    assert scorer.round(result.scores["3.1"]) == Decimal("6.00")


def test_d2_sum_of_e7_to_e9_is_p4(compiled, scorer):
    """P4 = 10 + 3.75 + 10/3 = 17.0833… → 17.08. The examples are independent, so
    F_auto of E7 (20) differs from F_full + F_partial of E9 (15): the A30
    consistency check warns but does not block."""
    raw = full_raw(wg_4_1_auto=20, wg_4_1_subject=50,      # E7
                   wg_4_2_period=5, wg_4_2_after=15,       # E8
                   wg_4_3_full=5, wg_4_3_partial=10)       # E9 (F_auto_total 15 ≠ E7's F_auto 20)
    validated = validate(compiled, Submission("d2", None, raw))
    assert any("4.1" in w.reason or "wg_4_1_auto" in w.field for w in validated.warnings)
    result = scorer.score("d2", validated.values)
    p4 = result.scores["4"]
    assert near(p4, F(10) + F(15, 4) + F(10, 3))
    assert scorer.round(p4) == Decimal("17.08")


def test_d3_sum_of_e10_to_e16_is_p5(score_body, scorer):
    """P5 = −1 −1 −1 −2/3 −0.5 −0.6 −1.2 = −5.9666… → −5.97, with 5.8 contributing
    nothing (no IS is subject to integration: §99, zero denominator → 0)."""
    raw = full_raw(**_merged("E10", "E11", "E12", "E13", "E14", "E15", "E16"),
                   wg_5_8_to_integrate=0, app1_r3_8=0)
    result = score_body(raw)
    assert result.scores["5.8"] == 0
    p5 = result.scores["5"]
    assert near(p5, F(-1) * 3 + F(-2, 3) + F(-1, 2) + F(-3, 5) + F(-6, 5))
    assert scorer.round(p5) == Decimal("-5.97")
    # Adding the printed (rounded) values gives the same −5.97 (spec D3).
    printed = sum(Decimal(x) for x in ("-1", "-1", "-1", "-0.67", "-0.5", "-0.6", "-1.2"))
    assert printed == scorer.round(p5)


def test_total_is_summed_from_unrounded_values(score_body, scorer):
    """A17: N is summed from exact values and rounded once. E9 (10/3) three ways
    would differ, so use a body where that matters: 4.3 = 10/3 and 5.4 = −2/3
    give exactly 10/3 − 2/3 = 8/3 over the perfect baseline's 100 − 5 − 2."""
    result = score_body(full_raw(wg_4_3_full=5, wg_4_3_partial=10, wg_4_1_auto=15, wg_4_1_subject=15,
                                 app1_r3_4=1, wg_5_4_is_created=3))
    expected = F(100) - 5 + F(10, 3) - F(2, 3)
    assert near(result.total, expected, places=20)
    assert scorer.round(result.total) == Decimal("97.67")
    # Summing the rounded node values would give 100 - 5 + 3.33 - 0.67 = 97.66.
    assert scorer.round(result.total) != Decimal("97.66")


def test_display_rounding_is_half_up(score_body, scorer):
    """A17: half-up to 2 places. 3.1.4 = 2 × 1/16 = 0.125 exactly → 0.13
    (half-even would give 0.12)."""
    result = score_body(full_raw(app2_g8=1, app2_g7=16))
    assert result.scores["3.1.4"] == Decimal("0.125")
    assert scorer.round(result.scores["3.1.4"]) == Decimal("0.13")
    explanation = score_body(full_raw(app2_g8=1, app2_g7=16), explain=True).explanation
    assert explanation_node(explanation, "3.1.4")["score"] == "0.13"


def test_perfect_body_scores_one_hundred(score_body, scorer):
    result = score_body(full_raw())
    assert scorer.round(result.total) == Decimal("100.00")
    assert near(result.total, 100, places=20)
    for criterion, maximum in {"1": 10, "2": 20, "3": 25, "4": 45, "5": 0}.items():
        assert near(result.scores[criterion], maximum, places=20), criterion


# --- V1–V8: the spec's synthetic vectors ---------------------------------------------

def test_v1_non_licensor_procurement_weighs_eight(score_body):
    """§56: a non-licensor is not scored on e-Licensing; its 4 points move to
    e-procurement, which then weighs 8: 8 × 60/100 = 4.8."""
    result = score_body(full_raw(is_licensor=False, app1_r2_3_1=0, wg_3_3_1_formed=0,
                                 app1_r2_3_2_eproc=60, app1_r2_3_2_total=100))
    assert result.scores["3.3.1"] == 0
    assert result.scores["3.3.2"] == Decimal("4.8")
    assert result.scores["3.3"] == Decimal("4.8")


def test_v1_non_licensor_ignores_licence_counts(score_body):
    """A non-licensor's licence counts (if any) do not matter: 3.3.1 is not evaluated."""
    one = score_body(full_raw(is_licensor=False, app1_r2_3_1=40, wg_3_3_1_formed=0,
                              app1_r2_3_2_eproc=60, app1_r2_3_2_total=100))
    assert one.scores["3.3"] == Decimal("4.8")


def test_v2_licensor(score_body):
    """4 × 30/40 + 4 × 50/100 = 3 + 2 = 5.0"""
    result = score_body(full_raw(is_licensor=True, wg_3_3_1_formed=30, app1_r2_3_1=40,
                                 app1_r2_3_2_eproc=50, app1_r2_3_2_total=100))
    assert result.scores["3.3.1"] == 3
    assert result.scores["3.3.2"] == 2
    assert result.scores["3.3"] == Decimal("5.0")


def test_v3_elicensing_planned(score_body):
    """§56 (A11): e-Licensing planned → 0.5 for that component only; 4 × 0.5 = 2 → 2.5."""
    result = score_body(full_raw(is_licensor=True, elicensing_planned=True, wg_3_3_1_formed=40,
                                 app1_r2_3_1=40, app1_r2_3_2_eproc=50, app1_r2_3_2_total=100))
    assert result.scores["3.3.1"] == Decimal("0.5")
    assert result.scores["3.3"] == Decimal("2.5")


def test_v4_archives_three_of_four(score_body):
    """§51–52: 0.5 per item; three items → 1.5."""
    result = score_body(full_raw(app1_r2_2_3=False))
    assert result.scores["3.2"] == Decimal("1.5")
    assert result.scores["3.2.3"] == 0


def test_v5_criterion_1(score_body):
    """§18: 1.1, 1.2, 1.5 present; 1.3 not needed (its maximum); 1.4 absent but
    needed → 1 + 1 + 1 + 0 + 4 = 7."""
    result = score_body(full_raw(app1_r1_d3=False, app1_r1_d3_not_needed=True,
                                 app1_r1_d4=False, app1_r1_d4_not_needed=False))
    assert result.scores["1"] == 7
    assert result.scores["1.3"] == 1
    assert result.scores["1.4"] == 0


def test_v5_attestation_not_needed_scores_three(score_body):
    result = score_body(full_raw(app1_r1_d4=False, app1_r1_d4_not_needed=True))
    assert result.scores["1.4"] == 3
    assert result.scores["1"] == 10


@pytest.mark.parametrize("position,points", [
    (15, 3), (41, 0), (40, 1), (10, 5),       # V6 as printed in the spec
    (1, 5), (11, 3), (20, 3), (21, 1),        # the other band edges of §23
    (None, 0),                                # not found
], ids=lambda v: str(v))
def test_v6_promotion_one_observation(score_body, position, points):
    result = score_body(full_raw(wg_2_1_positions=[position]))
    assert result.scores["2.1"] == points


def test_v6_promotion_mean_of_observations(score_body):
    """A2: S2.1 is the mean of the band points over all observations:
    4 engines, one quarter: 5, 3, 1, 0 → 9/4 = 2.25."""
    result = score_body(full_raw(wg_2_1_positions=[3, 12, 33, None]))
    assert result.scores["2.1"] == Decimal("2.25")


def _definition_with_section_weight_four(definition_data: dict) -> dict:
    """The real definition with App 6 section 1.1 weighing exactly 4 (as in V7);
    1.2 absorbs the difference so each version still totals 50."""
    import copy
    data = copy.deepcopy(definition_data)
    data["parameters"]["app6_w_1_1"]["value"] = "4"
    data["parameters"]["app6_w_1_2"]["value"] = "10 * 50 / 72 - 4"
    return data


def test_v7_app6_deduction_capped_at_a_quarter_of_the_section(definition_data):
    """App 6 note, §26: 0.1 per defect, at most 25 % of the section weight.
    Section weight 4, 12 defects → min(1.2, 1.0) = 1.0; the section scores 3."""
    compiled, problems = check_data(_definition_with_section_weight_four(definition_data))
    assert problems == []
    raw = full_raw(**{app6_defects("kk", "1.1"): 12})
    values = validate(compiled, Submission("v7", None, raw)).values
    result = Scorer(compiled).score("v7", values, explain=True)
    detail = explanation_node(result.explanation, "2.2")["checklist"]
    kk = next(v for v in detail if v["version"] == "kk")
    section = next(s for s in kk["sections"] if s["section"] == "1.1")
    assert Decimal(section["weight"]) == 4
    assert Decimal(section["deduction"]) == Decimal("1.0")
    assert section["deduction_capped"] is True
    assert Decimal(section["score"]) == 3
    # S2.2 = 15 × (49 + 50) / 100 = 14.85
    assert near(result.scores["2.2"], F(1485, 100), places=20)


def test_v7_below_the_cap_every_defect_counts(definition_data):
    """Section weight 4, 9 defects → 0.9 < 1.0: the whole 0.9 is deducted."""
    compiled, _ = check_data(_definition_with_section_weight_four(definition_data))
    raw = full_raw(**{app6_defects("ru", "1.1"): 9})
    values = validate(compiled, Submission("v7", None, raw)).values
    result = Scorer(compiled).score("v7", values)
    assert near(result.scores["2.2"], F(15) * (100 - F(9, 10)) / 100, places=20)


def test_v8_integration_exemption(score_body):
    """§99 (A16): 4 IS subject to integration, 2 not integrated, 1 of them with a
    documented request and unjustified refusal → −2 × 1/4 = −0.5."""
    result = score_body(full_raw(wg_5_8_to_integrate=4, app1_r3_8=2, wg_5_8_refused=1))
    assert result.scores["5.8"] == Decimal("-0.5")


def test_v8_all_refused_means_no_deduction(score_body):
    result = score_body(full_raw(wg_5_8_to_integrate=4, app1_r3_8=2, wg_5_8_refused=2))
    assert result.scores["5.8"] == 0


def test_app6_fallback_weights_total_fifty_per_version():
    """A1: the fallback gives 50/72 per item; App 6 has 72 items, so 50 per version."""
    assert sum(APP6_SECTIONS.values()) == 72
    assert sum(app6_fallback_weight(s) for s in APP6_SECTIONS) == 50


def test_app6_one_missing_item_costs_its_fallback_weight(score_body):
    """Earned = W × present/items; one item of 72 missing in one version costs
    15/100 × 50/72 = 0.1041666… of S2.2."""
    result = score_body(full_raw(**{app6_item("kk", "1.13", 4): False}))
    assert near(result.scores["2.2"], F(15) - F(15, 100) * F(50, 72), places=20)
