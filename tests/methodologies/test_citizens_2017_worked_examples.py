"""The act's own worked examples ("Например", spec §4.1) for citizens-2017.

The act prints three examples, all in the open-government criterion:

* EX-1, §79 (Open Data): "if the body approved 10 open datasets but posted
  only 7, 0,3 points will be deducted from the parameter's weight";
* EX-2, §80 (Open Budget): "if the body posted 5 of 7 consolidated reports on
  the results of financial activity, 0,2 points will be deducted";
* EX-3, §81 (Open Legal Acts): "if the body posted 7 of 11 draft laws, 0,4
  points will be deducted".

The printed figure is the deduction (0.1 per deficiency); each test also
checks the indicator it feeds, worked out by hand from §79–81's words
("sum the language versions, divide by 14.4 / 17.8 / 8.8, multiply by 20")
with the parameter points of App 12. Expected values come from the act,
never from the engine.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction as F

import pytest

from support.citizens_2017 import language_versions, near, node, perfect_raw, rounded, score


def checklist_section(explanation: dict, node_id: str, version: str, section: str) -> dict:
    entry = node(explanation, node_id)
    detail = next(v for v in entry["checklist"] if v["version"] == version)
    return next(s for s in detail["sections"] if s["section"] == section)


# --- EX-1, §79: 10 approved datasets, 7 posted -> 0.3 --------------------------------

@pytest.mark.parametrize("profile,maximum", [("central", "14.4"), ("local", "15.4")])
def test_ex1_open_data_three_missing_datasets_deduct_0_3(profile, maximum):
    prefix = "app12c_od" if profile == "central" else "app12l_od"
    raw = perfect_raw(profile, **{f"{prefix}_kk_2_defects": 10 - 7})
    result = score(raw, profile, explain=True)
    section = checklist_section(result.explanation, "OP.1.1", "kk", "2")
    # The printed figure: 0,3 points off the parameter "number of datasets published" (2 points).
    assert Decimal(section["deduction"]) == Decimal("0.3")
    assert Decimal(section["score"]) == Decimal(2) - Decimal("0.3")
    # §79: (S_kk + S_ru) / MAX × 20, with the other parameters perfect.
    whole = F(maximum) * 1
    assert near(result.scores["OP.1.1"], (whole - F("0.3")) / whole * 20)


def test_ex1_in_both_language_versions_central():
    raw = perfect_raw("central", **language_versions("app12c_od", "2", defects=3))
    result = score(raw, "central")
    assert near(result.scores["OP.1.1"], (F("14.4") - F("0.6")) / F("14.4") * 20)
    assert rounded(result.scores["OP.1.1"], "0.0001") == Decimal("19.1667")  # spec §4.1 EX-1


def test_ex1_once_central_four_decimals():
    result = score(perfect_raw("central", app12c_od_kk_2_defects=3), "central")
    assert rounded(result.scores["OP.1.1"], "0.0001") == Decimal("19.5833")  # spec §4.1 EX-1


# --- EX-2, §80: 5 of 7 consolidated reports on financial results -> 0.2 -------------------

def test_ex2_open_budget_two_missing_reports_deduct_0_2():
    raw = perfect_raw("central", app12c_ob_ru_1_2_defects=7 - 5)
    result = score(raw, "central", explain=True)
    section = checklist_section(result.explanation, "OP.1.2", "ru", "1.2")
    assert Decimal(section["deduction"]) == Decimal("0.2")
    # The parameter "consolidated report on the results of financial activity" is worth 0.5 (App 12 T1).
    assert Decimal(section["weight"]) == Decimal("0.5")
    assert Decimal(section["score"]) == Decimal("0.3")
    assert near(result.scores["OP.1.2"], (F("17.8") - F("0.2")) / F("17.8") * 20)
    assert rounded(result.scores["OP.1.2"], "0.0001") == Decimal("19.7753")  # spec §4.1 EX-2, once


def test_ex2_in_both_language_versions():
    raw = perfect_raw("central", **language_versions("app12c_ob", "1.2", defects=2))
    result = score(raw, "central")
    assert rounded(result.scores["OP.1.2"], "0.0001") == Decimal("19.5506")  # spec §4.1 EX-2, both


def test_ex2_parameter_exists_for_central_bodies_only():
    """App 12 T2 has no consolidated-statement parameters: the example applies to
    central bodies only (A34)."""
    from support.citizens_2017 import compiled
    assert "app12c_ob_kk_1_2_posted" in compiled("central").inputs
    assert not any(key.startswith("app12c_ob") for key in compiled("local").inputs)


# --- EX-3, §81: 7 of 11 draft laws -> 0.4 -----------------------------------------------

def test_ex3_open_legal_acts_four_missing_drafts_deduct_0_4():
    """The deduction falls on the 1-point posting parameter (draft-law concepts)."""
    base = score(perfect_raw("central"), "central").scores["OP.1.3"]
    result = score(perfect_raw("central", app12c_npa_kk_1_defects=11 - 7), "central")
    # The printed figure, seen through the indicator: 20/8.8 × 0.4 points lost.
    lost = (F(base) - F(result.scores["OP.1.3"])) * F("8.8") / 20
    assert abs(lost - F("0.4")) < F(1, 10 ** 20)
    assert near(result.scores["OP.1.3"], (F("8.8") - F("0.4")) / F("8.8") * 20)
    assert rounded(result.scores["OP.1.3"], "0.0001") == Decimal("19.0909")  # spec §4.1 EX-3, once


def test_ex3_in_both_language_versions():
    raw = perfect_raw("central", app12c_npa_kk_2_defects=4, app12c_npa_ru_2_defects=4)
    result = score(raw, "central")
    assert rounded(result.scores["OP.1.3"], "0.0001") == Decimal("18.1818")  # spec §4.1 EX-3, both


def test_ex3_cap_protects_a_present_parameter_only():
    """Spec second reading, correction 2: 1 of 11 posted → raw 1.0 capped at 75 % of 1
    (the parameter keeps 0.25); 0 of 11 posted → the parameter is absent and scores 0."""
    one_posted = score(perfect_raw("central", app12c_npa_kk_1_defects=10), "central")
    assert near(one_posted.scores["OP.1.3"], (F("8.8") - F("0.75")) / F("8.8") * 20)
    none_posted = score(perfect_raw("central", app12c_npa_kk_1_posted=False), "central")
    assert near(none_posted.scores["OP.1.3"], (F("8.8") - 1) / F("8.8") * 20)
