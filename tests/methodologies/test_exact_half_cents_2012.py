"""Half-cents reached through divisions that do not end (issue 7, rule 1).

The definition's rounding (reading A17) promises exact values inside and each
shown value rounded half up to 2 places. Until the arithmetic was made exact,
a value that is exactly half a cent but is reached through a non-terminating
division (148/480 = 0.308333…) was cut at 28 digits before it was multiplied,
landed a hair below the half, and was shown rounded down. Every expected
value below is done by hand with fractions.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction as F

from conftest import explanation_node, full_raw


def test_3_1_2_with_148_of_480_shows_0_93(score_body):
    """§35: "Оценка по данному показателю определяется путем деления количества
    отправленных документов только в электронном виде, на общее количество
    внутренних документов … с последующим умножением полученного результата на 3."
    148 / 480 × 3 = 0.925 exactly, which A17 rounds half up to 0.93 (not 0.92)."""
    result = score_body(full_raw(app2_g3=148, app2_g4=480), explain=True)
    assert result.scores["3.1.2"] == F(148, 480) * 3 == F(37, 40)
    node = explanation_node(result.explanation, "3.1.2")
    assert node["score"] == "0.93"
    assert node["exact"] == "0.925" and "exact_fraction" not in node


def test_criterion_4_total_of_28_125_shows_28_13(score_body):
    """§58–66 and §13: P4 = 4.1 + 4.2 + 4.3, with 4.1 = 25 × 4/7 (§60), 4.2 =
    15 × 5/(5 + 2) (§63) and 4.3 = 5 × (1 × 1/4 + 0.5 × 3/4) (§66). Two of the
    three parts do not end (100/7, 75/7), yet P4 = 225/8 = 28.125 exactly → 28.13."""
    result = score_body(full_raw(wg_4_1_auto=4, wg_4_1_subject=7, wg_4_2_period=5, wg_4_2_after=2,
                                 wg_4_3_full=1, wg_4_3_partial=3), explain=True)
    expected = F(25 * 4, 7) + F(15 * 5, 7) + 5 * (F(1, 4) + F(1, 2) * F(3, 4))
    assert expected == F(225, 8)
    assert result.scores["4"] == expected
    assert explanation_node(result.explanation, "4")["score"] == "28.13"


def test_criterion_5_total_of_minus_0_875_shows_minus_0_88(score_body):
    """§83: 5.4 = 1/3 × (−2); §91: 5.6 = 5/24 × (−1). P5 = −2/3 − 5/24 = −7/8 =
    −0.875 exactly; half up away from zero (as E13 prints −0.67) gives −0.88."""
    result = score_body(full_raw(app1_r3_4=1, wg_5_4_is_created=3, app1_r3_6=5, wg_5_6_is_op=24), explain=True)
    assert result.scores["5"] == F(-2, 3) - F(5, 24) == F(-7, 8)
    node = explanation_node(result.explanation, "5")
    assert node["score"] == "-0.88" and node["exact"] == "-0.875"
    child = explanation_node(result.explanation, "5.4")
    assert child["exact"] == "-0.6666666666666666666666666667" and child["exact_fraction"] == "-2/3"
    assert Decimal(child["score"]) == Decimal("-0.67")
