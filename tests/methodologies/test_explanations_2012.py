"""The explanation of a body's score: serialisable, complete, and saying why
each number is what it is (not-applicable rules, zero denominators, options,
provisional reconstructions, App 6 deductions)."""

from __future__ import annotations

import json
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction as F

import pytest

from conftest import (APP6_SECTIONS, app6_defects, app6_fallback_weight, app6_item, explanation_node,
                      full_raw, near, walk_explanation)


def explain(score_body, raw, **kwargs):
    return score_body(raw, explain=True, **kwargs)


def codes(node) -> list[str]:
    return [note["code"] for note in node["notes"]]


def section_detail(explanation, version, section):
    checklist = explanation_node(explanation, "2.2")["checklist"]
    sections = next(v for v in checklist if v["version"] == version)["sections"]
    return next(s for s in sections if s["section"] == section)


# --- shape -------------------------------------------------------------------------------

def test_explanation_is_json_serialisable(score_body):
    result = explain(score_body, full_raw(is_licensor=False, app2_g7=0, app2_g8=0,
                                          wg_2_1_positions=[None, 3], app1_r2_1_1="1"))
    text = json.dumps(result.explanation, ensure_ascii=False)
    assert json.loads(text) == result.explanation


def test_explanation_header(score_body, compiled):
    result = explain(score_body, full_raw(app1_r3_4=1, wg_5_4_is_created=3), body="akimat-1")
    e = result.explanation
    assert e["schema"] == "bagalau.explanation/1"
    assert e["methodology"] == "it-2012"
    assert e["content_hash"] == compiled.content_hash
    assert e["body"]["id"] == "akimat-1"
    assert e["period"] == 2012
    assert e["options"] == {"A13": "full", "A32": "full"}
    # total: rounded for display, exact alongside (A17)
    assert e["total"] == "99.33"
    assert near(Decimal(e["total_exact"]), F(100) - F(2, 3))
    assert [n["id"] for n in e["nodes"]] == ["1", "2", "3", "4", "5"]


def test_every_node_is_explained(score_body):
    result = explain(score_body, full_raw())
    seen = set()
    for node in walk_explanation(result.explanation):
        for key in ("id", "score", "exact", "max", "weight", "status", "paragraph", "provenance", "notes"):
            assert key in node, (node["id"], key)
        assert node["paragraph"], node["id"]
        assert node["provenance"] in ("verbatim", "reconstructed", "entered")
        # the displayed score is the exact score rounded half-up to 2 places (A17)
        assert Decimal(node["score"]) == Decimal(node["exact"]).quantize(Decimal("0.01"), ROUND_HALF_UP), node["id"]
        seen.add(node["id"])
    assert seen == set(result.scores)


def test_displayed_scores_match_exact_scores(score_body, scorer):
    result = explain(score_body, full_raw(wg_4_3_full=5, wg_4_3_partial=10, wg_4_1_auto=15, wg_4_1_subject=15))
    node = explanation_node(result.explanation, "4.3")
    assert node["score"] == "3.33"                                 # E9, §66
    # 10/3 does not end: "exact" shows it to 28 significant digits, "exact_fraction" exactly
    assert node["exact"] == "3.333333333333333333333333333"
    assert node["exact_fraction"] == "10/3" and F(node["exact_fraction"]) == result.scores["4.3"]
    assert node["formula"].startswith("weight * ")
    assert node["inputs"]["wg_4_3_full"]["value"] == "5"
    assert node["inputs"]["wg_4_3_partial"]["value"] == "10"
    assert node["parameters"]["weight"] == "5"


def test_inputs_carry_their_source_in_the_forms(score_body):
    result = explain(score_body, full_raw(app2_g1=200, app2_g2=500))
    inputs = explanation_node(result.explanation, "3.1.1")["inputs"]
    assert inputs["app2_g1"]["value"] == "200"
    assert "App 2" in inputs["app2_g1"]["source"] and "column 1" in inputs["app2_g1"]["source"]
    assert "column 2" in inputs["app2_g2"]["source"]


def test_no_negative_zero_in_the_explanation(score_body):
    """Regression (fixed in 1a61400): weight × 0 for a deduction is Decimal('-0'),
    which showed as '-0.00' for 5.x indicators with nothing deducted."""
    result = explain(score_body, full_raw())
    for node in walk_explanation(result.explanation):
        assert not node["score"].startswith("-0.00"), (node["id"], node["score"])
        assert node["exact"] != "-0", node["id"]


# --- not applicable and redistribution (§56) ------------------------------------------------

def test_non_licensor_redistributes_3_3_1_to_3_3_2(score_body):
    result = explain(score_body, full_raw(is_licensor=False, app1_r2_3_2_eproc=60, app1_r2_3_2_total=100))
    e = result.explanation
    n331 = explanation_node(e, "3.3.1")
    assert n331["status"] == "not_applicable"
    assert n331["score"] == "0.00"
    na = [n for n in n331["notes"] if n["code"] == "not_applicable"]
    assert na and "3.3.2" in na[0]["text"] and "licensor" in na[0]["text"]
    assert n331["inputs"]["is_licensor"]["value"] in (False, "0")
    n332 = explanation_node(e, "3.3.2")
    assert n332["weight"] == "8"
    assert n332["max"] == "4"
    assert n332["score"] == "4.80"                                   # V1
    received = [n for n in n332["notes"] if n["code"] == "weight_received"]
    assert received and "3.3.1" in received[0]["text"] and "8" in received[0]["text"]


def test_licensor_has_no_redistribution(score_body):
    e = explain(score_body, full_raw(is_licensor=True)).explanation
    assert explanation_node(e, "3.3.1")["status"] == "scored"
    n332 = explanation_node(e, "3.3.2")
    assert n332["weight"] == "4"
    assert "weight_received" not in codes(n332)


def test_not_needed_direction_scores_full_with_a_note(score_body):
    """§18: no need for attestation → the direction's maximum, 3."""
    e = explain(score_body, full_raw(app1_r1_d4=False, app1_r1_d4_not_needed=True)).explanation
    node = explanation_node(e, "1.4")
    assert node["status"] == "not_applicable"
    assert node["score"] == "3.00"
    assert "§18" in node["notes"][0]["text"]


# --- zero denominators and option A13 -----------------------------------------------------

def test_a13_default_gives_a_positive_indicator_its_maximum(score_body):
    """No e-appeals at all (G7 = 0): by default 'no need' → 2 points (A13, after §18/§99)."""
    e = explain(score_body, full_raw(app2_g7=0, app2_g8=0)).explanation
    node = explanation_node(e, "3.1.4")
    assert node["status"] == "zero_denominator"
    assert node["score"] == "2.00"
    assert "zero_denominator" in codes(node)
    assert "A13" in node["notes"][-1]["text"]


def test_a13_zero_option_gives_zero(score_body):
    e = explain(score_body, full_raw(app2_g7=0, app2_g8=0), options={"A13": "zero"}).explanation
    node = explanation_node(e, "3.1.4")
    assert node["status"] == "zero_denominator"
    assert node["score"] == "0.00"
    assert e["options"]["A13"] == "zero"
    assert e["total"] == "98.00"


def test_a13_uses_the_received_weight_for_a_non_licensor(score_body):
    """A non-licensor with no public procurement: 3.3.2 weighs 8 (§56), so 'no need'
    gives 8, not the printed 4; the 'zero' reading gives 0."""
    raw = full_raw(is_licensor=False, app1_r2_3_2_eproc=0, app1_r2_3_2_total=0)
    assert score_body(raw).scores["3.3.2"] == 8
    assert score_body(raw, options={"A13": "zero"}).scores["3.3.2"] == 0


def test_a13_option_key_may_be_written_a_13(score_body):
    result = score_body(full_raw(app2_g7=0, app2_g8=0), options={"A-13": "zero"})
    assert result.scores["3.1.4"] == 0


def test_a13_does_not_touch_deductions(score_body):
    """5.x with no IS at all: nothing is deducted under either option."""
    raw = full_raw(wg_5_1_is_new=0, app1_r3_1=0)
    for option in ("full", "zero"):
        node = explanation_node(explain(score_body, raw, options={"A13": option}).explanation, "5.1")
        assert node["status"] == "zero_denominator"
        assert Decimal(node["score"]) == 0


def test_unknown_option_value_is_rejected(compiled):
    from bagalau.engine.scoring import Scorer
    with pytest.raises(ValueError, match="not one of"):
        Scorer(compiled, options={"A13": "half"})
    with pytest.raises(ValueError, match="unknown option"):
        Scorer(compiled, options={"A99": "full"})


# --- provisional reconstruction ----------------------------------------------------------

def test_2_2_is_marked_provisional(score_body):
    e = explain(score_body, full_raw()).explanation
    node = explanation_node(e, "2.2")
    assert node["provenance"] == "reconstructed"
    assert node["notes"][0]["code"] == "provisional"
    assert "provisional" in node["notes"][0]["text"]
    assert "A1" in node["readings"]
    # and a verbatim node is not
    assert "provisional" not in codes(explanation_node(e, "3.1.1"))


# --- App 6 deduction cap (§26, App 6 note; A1, A3) -------------------------------------------

def test_app6_deduction_capped_at_a_quarter_of_the_section_weight(score_body):
    """Section 1.13 (11 items) weighs 11 × 50/72 under the A1 fallback. 30 defects
    × 0.1 = 3 exceeds 25 % of 7.638… = 1.909…, so exactly 0.25 × W is deducted."""
    w = app6_fallback_weight("1.13")
    result = explain(score_body, full_raw(**{app6_defects("kk", "1.13"): 30}))
    detail = section_detail(result.explanation, "kk", "1.13")
    assert near(Decimal(detail["weight"]), w)
    assert near(Decimal(detail["deduction"]), w / 4)
    assert detail["deduction_capped"] is True
    assert near(Decimal(detail["score"]), w * 3 / 4)
    # S2.2 = 15/100 × (50 − W/4 + 50)
    assert near(result.scores["2.2"], F(15, 100) * (100 - w / 4), places=20)
    assert "capped" in explanation_node(result.explanation, "2.2")["notes"][-1]["text"]
    # the other version is untouched
    assert Decimal(section_detail(result.explanation, "ru", "1.13")["deduction"]) == 0


def test_app6_deduction_below_the_cap(score_body):
    """Section 1.6 weighs 50/72 = 0.694…; its cap is 0.1736…: one defect (0.1) is
    deducted in full, two defects (0.2) hit the cap."""
    w = app6_fallback_weight("1.6")
    one = section_detail(explain(score_body, full_raw(**{app6_defects("ru", "1.6"): 1})).explanation, "ru", "1.6")
    assert Decimal(one["deduction"]) == Decimal("0.1")
    assert one["deduction_capped"] is False
    two = section_detail(explain(score_body, full_raw(**{app6_defects("ru", "1.6"): 2})).explanation, "ru", "1.6")
    assert near(Decimal(two["deduction"]), w / 4)
    assert two["deduction_capped"] is True


def test_app6_section_floored_at_zero(score_body):
    """A3: a section with nothing present and defects found scores 0, not below,
    and does not eat into the other sections."""
    w = app6_fallback_weight("1.13")
    raw = full_raw(**{app6_item("kk", "1.13", i): False for i in range(1, 12)},
                   **{app6_defects("kk", "1.13"): 5})
    result = explain(score_body, raw)
    detail = section_detail(result.explanation, "kk", "1.13")
    assert Decimal(detail["earned"]) == 0
    assert Decimal(detail["score"]) == 0
    assert detail["present"] == 0 and len(detail["missing"]) == 11
    assert near(result.scores["2.2"], F(15, 100) * (100 - w), places=20)


def test_app6_partial_section(score_body):
    """Earned = W × present / items: 1.2 (7 items) with 4 present → 4 × 50/72."""
    raw = full_raw(**{app6_item("ru", "1.2", i): False for i in (1, 2, 3)})
    detail = section_detail(explain(score_body, raw).explanation, "ru", "1.2")
    assert near(Decimal(detail["earned"]), F(4 * 50, 72))
    assert sorted(detail["missing"]) == ["1", "2", "3"]


def test_app6_missing_language_version_scores_zero_for_it(score_body):
    """A34: a version that does not exist is entered as all absent → at most half of S2.2."""
    raw = full_raw(**{app6_item("kk", s, i): False for s, n in APP6_SECTIONS.items() for i in range(1, n + 1)})
    result = score_body(raw)
    assert near(result.scores["2.2"], F(15, 2), places=20)


def test_app6_section_1_6_not_applicable(score_body):
    """A32 default: a section that does not apply counts as met; under 'rescale'
    the other sections share its weight. With everything else present both give 15."""
    raw = full_raw(app6_1_6_applies=False,
                   **{app6_item(v, "1.6", 1): False for v in ("kk", "ru")})
    full = explain(score_body, raw)
    assert section_detail(full.explanation, "kk", "1.6")["applies"] is False
    assert near(full.scores["2.2"], 15, places=20)
    rescaled = score_body(raw, options={"A32": "rescale"})
    assert near(rescaled.scores["2.2"], 15, places=20)
    # and when it does apply, its missing item costs 2 × 50/72 × 15/100
    applies = score_body({**raw, "app6_1_6_applies": True})
    assert near(applies.scores["2.2"], F(15) - F(15, 100) * 2 * F(50, 72), places=20)
