"""The spec's synthetic test vectors TV-01 … TV-18 (spec §4.2) for citizens-2017.

These are NOT in the act. They are derived from the spec's readings of the
lost formulas ([R]) and its recommendations ([REC], the A-xx readings the
definition implements), so they test that the definition implements those
readings. Every expected value is the spec's, re-derived here by hand with
fractions.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction as F

import pytest

from bagalau.engine.scoring import AppliedPenalty
from support.citizens_2017 import compiled, language_versions, near, perfect_raw, rounded, score


# --- QS.1 -------------------------------------------------------------------------

def test_tv01_central_satisfaction():
    """4.85 → 15, 4.62 → 12, 3.90 → 0 (App 6 central); measures taken:
    P1 = 27/3 = 9, K1 = 9 + 5 = 14."""
    raw = perfect_raw("central", qs1_levels=["4.85", "4.62", "3.90"])
    result = score(raw, "central")
    assert result.scores["QS.1.P1"] == 9
    assert result.scores["QS.1"] == 14


def test_tv02_local_satisfaction_without_measures():
    """4.92 → 35, 4.50 → 20 (App 6 local), no measures: M1 = P1 = 27.5."""
    raw = perfect_raw("local", qs1_levels=["4.92", "4.50"], qs1_measures=False)
    result = score(raw, "local")
    assert result.scores["QS.1.P1"] == Decimal("27.5")
    assert result.scores["QS.1"] == Decimal("27.5")


@pytest.mark.parametrize("table,level,points", [
    ("app6_central", "4.80", 15), ("app6_central", "4.79", 12), ("app6_central", "4.795", 12),
    ("app6_central", "3.999", 0), ("app6_central", "5.00", 15), ("app6_central", "4.00", 3),
    ("app6_local", "4.75", 30), ("app6_local", "4.749", 25), ("app6_local", "4.90", 35), ("app6_local", "4.14", 5),
])
def test_tv03_app6_boundaries_are_half_open(table, level, points):
    """TV-03 (A30): the printed 2-decimal rows read as half-open bands, 4.795 → 12.
    Scored in the engine: one monitored service type at that level gives P1 = its points."""
    profile = "central" if table == "app6_central" else "local"
    result = score(perfect_raw(profile, qs1_levels=[level]), profile)
    assert result.scores["QS.1.P1"] == points
    assert compiled(profile).methodology.bands[table].points_for(Decimal(level)) == points


def test_tv03_levels_of_one_body_are_banded_one_by_one():
    """App 6 points per service type, then their mean (§30, spec [R]): 4.80, 4.795 and
    3.999 give (15 + 12 + 0)/3 = 9; 4.80 and 3.999 give (15 + 0)/2 = 7.5, whereas banding
    their mean level 4.3995 would give 6."""
    assert score(perfect_raw("central", qs1_levels=["4.80", "4.795", "3.999"]), "central").scores["QS.1.P1"] == 9
    assert score(perfect_raw("central", qs1_levels=["4.80", "3.999"]), "central").scores["QS.1.P1"] == Decimal("7.5")


# --- QS.2 -------------------------------------------------------------------------

def test_tv04_central_deadlines():
    """a = 30, b = 200 000 → Z1 = 1.5; 50 → 30 late is a 40 % reduction → d = 3; K2 = 16.5."""
    result = score(perfect_raw("central", qs2_a=30, qs2_b=200_000, qs2_a_prev=50, qs4_late_found=30), "central")
    assert result.scores["QS.2.Z"] == Decimal("13.5")
    assert result.scores["QS.2.d"] == 3
    assert result.scores["QS.2"] == Decimal("16.5")


def test_tv05_local_floor_after_the_bonus_and_the_a4_alternative():
    """a = 500, b = 100 000 → R1 = 50; an 85.7 % reduction → d = 10;
    23 − 50 + 10 = −17 → 0 (A4 = after); floor before d: 0 + 10 = 10 (A4 = before)."""
    raw = perfect_raw("local", qs2_a=500, qs2_b=100_000, qs2_a_prev=3500, qs4_late_found=100)
    after = score(raw, "local", explain=True)
    assert after.scores["QS.2.Z"] == 23 - 50
    assert after.scores["QS.2.d"] == 10
    assert after.scores["QS.2"] == 0
    before = score(raw, "local", options={"A4": "before"})
    assert before.scores["QS.2.Z"] == 0
    assert before.scores["QS.2"] == 10


def test_tv06_no_violations():
    """a = 0: Z1 = 0 and d = 5 ('no violations in the period'): K2 = 20."""
    result = score(perfect_raw("central", qs2_a=0, qs2_a_prev=0), "central")
    assert result.scores["QS.2.d"] == 5
    assert result.scores["QS.2"] == 20


def test_tv07_late_entry_penalty_capped_at_5():
    """300 facts × 0.02 = 6 → capped at 5, taken off QS.2 (§40, A6)."""
    result = score(perfect_raw("central", qs2_late_entry_facts=300), "central", explain=True)
    assert result.scores["QS.2"] == 20 - 5
    few = score(perfect_raw("local", qs2_late_entry_facts=12), "local")
    assert few.scores["QS.2"] == 33 - Decimal("0.24")


# --- QS.3, QS.4, QS.7 -------------------------------------------------------------

def test_tv08_quality_assurance():
    """b = 100 000: 10 refusals → 2; none incomplete → 3; 50 extra-document cases → 3 − 5 → 0;
    20 process violations → 1; e = 3 justified complaints of f = 10 000 recipients → 4.7; K3 = 10.7."""
    raw = perfect_raw("central", qs3_services=100_000, qs3_refusals=10, qs3_incomplete_package=0,
                      qs3_extra_documents=50, qs3_process_violations=20, qs3_complaints_justified=3,
                      qs3_recipients=10_000)
    result = score(raw, "central")
    assert [result.scores[f"QS.3.T{i}"] for i in range(1, 6)] == [2, 3, 0, 1, Decimal("4.7")]
    assert result.scores["QS.3"] == Decimal("10.7")


def test_tv09_internal_control():
    """Unit, plans, 80 % of plans → 1.5, 95 % of recommendations → 2.5, 35 % of the late
    services found by own control → 2: K4 = 8.0."""
    raw = perfect_raw("central", qs4_plans_executed_pct=80, qs4_recommendations_executed_pct=95,
                      qs2_a=100, qs2_a_prev=120, qs4_late_found=35)
    result = score(raw, "central")
    assert [result.scores[f"QS.4.{i}"] for i in range(1, 6)] == [1, 1, Decimal("1.5"), Decimal("2.5"), 2]
    assert result.scores["QS.4"] == 8


def test_tv10_optimisation():
    """c = 6 of n = 10 → T = 3. Four services: row 1 with x/y = 2/2 → 20; row 2 with 1/2 → 7.5;
    a paper-only service with a Commission decision, moved to row 5 (A18), y = 0 → ratio 1 (A17),
    × 0.8 → 4; a service whose standard is not approved → 0; z = 4: V = 31.5/4 = 7.875; K7 = 10.875."""
    raw = perfect_raw("central", qs7_c=6, qs7_n=10, qs7_v_z=4, qs7_v_not_approved=1,
                      qs7_v_r1_services=1, qs7_v_r1_ratio=1, qs7_v_r2_services=1, qs7_v_r2_ratio="0.5",
                      qs7_v_r5_services=1, qs7_v_r5_ratio=0, qs7_v_r5_ratio_commission=1)
    result = score(raw, "central")
    assert result.scores["QS.7.T"] == 3
    assert result.scores["QS.7.V"] == Decimal("7.875")
    assert result.scores["QS.7"] == Decimal("10.875")


# --- OP -----------------------------------------------------------------------------

def tv11_dialogue() -> dict:
    return {"app12_dlg_kk_2_answered_pct": 85, "app12_dlg_ru_2_answered_pct": 85}


def test_tv11_open_dialogue():
    """Both languages: blog 2, 85 % answered → 1, feedback 0.5: S = 3.5 + 3.5 = 7 → 7/9 × 20 = 15.5556."""
    result = score(perfect_raw("central", **tv11_dialogue()), "central")
    assert near(result.scores["OP.1.4"], F(7, 9) * 20)
    assert rounded(result.scores["OP.1.4"], "0.0001") == Decimal("15.5556")


def tv12_website(profile: str = "central") -> dict:
    """App 14 total 8.2 (no breadcrumbs −1, two search features −0.5, both RSS channels −0.3);
    App 15 kk 46 (section 1.2, 4 points, empty), ru 44 (section 1.9, 6 points, empty);
    App 16 kk 22 (1.3, 3 points, empty), ru 20 (1.3 and 1.5, 5 points, empty);
    the mobile version loads automatically but has no link to the main version."""
    assert profile == "central"
    raw = {"op21_breadcrumbs": False, "op21_search_missing": 2, "op21_rss_unmet": 2, "op23_link_to_main": False}
    raw.update({f"app15c_kk_1_2_{i}": False for i in range(1, 8)})
    raw.update({f"app15c_ru_1_9_{i}": False for i in range(1, 9)})
    raw.update({f"app16c_{v}_1_3_{i}": False for v in ("kk", "ru") for i in range(1, 4)})
    raw["app16c_ru_1_5_1"] = False
    return raw


def test_tv12_official_website():
    """ACC = 8.2/10 × 5 = 4.1; CNT = (46 + 44)/100 × 10 = 9.0; MOB = 42/50 × 5 − 1 = 3.2; B2 = 16.3."""
    result = score(perfect_raw("central", **tv12_website()), "central")
    assert result.scores["OP.2.1"] == Decimal("4.1")
    assert result.scores["OP.2.2"] == 9
    assert result.scores["OP.2.3"] == Decimal("3.2")
    assert result.scores["OP.2"] == Decimal("16.3")


# --- CA -----------------------------------------------------------------------------

def test_tv13_complaint_deadlines():
    """f = 30 of p = 1 000: 40 − 3 = 37."""
    result = score(perfect_raw("local", ca_considered=1000, ca_late=30, ca_satisfied=1000), "local")
    assert result.scores["CA.1"] == 37


def test_tv14_upheld_complaints_with_the_size_coefficient():
    """a = 5, c = 15, b = 1 000 → N = 100: 40 − 20/1000 × 100 = 38; b = 800 → N = 10: 40 − 20/800 × 10 = 39.75."""
    big = score(perfect_raw("central", ca_considered=1000, ca_court_upheld=5, ca_higher_satisfied=15,
                            ca_satisfied=900), "central")
    assert big.scores["CA.2"] == 38
    small = score(perfect_raw("central", ca_considered=800, ca_court_upheld=5, ca_higher_satisfied=15,
                              ca_satisfied=700), "central")
    assert small.scores["CA.2"] == Decimal("39.75")


def test_tv15_share_satisfied():
    """s = 300, c = 500 explained, d = 1 000: 20 × 0.3 + 10 × 0.5 = 11."""
    result = score(perfect_raw("central", ca_considered=1000, ca_satisfied=300, ca_explained=500), "central")
    assert result.scores["CA.3"] == 11


# --- the block ---------------------------------------------------------------------

def tv16_body() -> dict:
    """One central body carrying TV-01, 04, 08, 09 (IC5 at 10 of 30 late = 33 % → 2), 10,
    EX-1 in both languages, TV-11, TV-12 and TV-13–15, with register expansion (5) and no
    composite services (0)."""
    raw = perfect_raw(
        "central",
        qs1_levels=["4.85", "4.62", "3.90"],
        qs2_a=30, qs2_b=200_000, qs2_a_prev=50,
        qs3_services=100_000, qs3_refusals=10, qs3_extra_documents=50, qs3_process_violations=20,
        qs3_complaints_justified=3, qs3_recipients=10_000,
        qs4_plans_executed_pct=80, qs4_recommendations_executed_pct=95, qs4_late_found=10,
        qs6_new_composite=False,
        qs7_c=6, qs7_n=10, qs7_v_z=4, qs7_v_not_approved=1, qs7_v_r1_services=1, qs7_v_r1_ratio=1,
        qs7_v_r2_services=1, qs7_v_r2_ratio="0.5", qs7_v_r5_services=1, qs7_v_r5_ratio=0,
        qs7_v_r5_ratio_commission=1,
        ca_considered=1000, ca_late=30, ca_court_upheld=5, ca_higher_satisfied=15, ca_satisfied=300,
        ca_explained=500,
        **language_versions("app12c_od", "2", defects=3), **tv11_dialogue(), **tv12_website())
    return raw


def test_tv16_block_score_of_a_central_body():
    """U = 14 + 16.5 + 10.7 + 8 + 5 + 0 + 10.875 = 65.075, minus 3 unreliable facts (0.6) = 64.475;
    D = (19.1667 + 20 + 20 + 15.5556) + 16.3 = 91.0222; H = 37 + 38 + 11 = 86;
    O = (64.475 + 91.0222 + 86)/3 = 80.50 → medium effectiveness."""
    result = score(tv16_body(), "central", penalties=[AppliedPenalty("unreliable_fact", 3, "QS", "App 1")])
    qs = F("65.075") - F("0.6")
    op = (F("14.4") - F("0.6")) / F("14.4") * 20 + 20 + 20 + F(7, 9) * 20 + F("16.3")
    ca = F(86)
    assert near(result.scores["QS"], qs)
    assert near(result.scores["OP"], op)
    assert result.scores["CA"] == ca
    assert near(result.total, (qs + op + ca) / 3)
    assert rounded(result.total) == Decimal("80.50")
    assert result.grades["total"]["en"] == "Medium effectiveness"


def test_tv16_literal_sum_reading():
    """A1 = sum: the literal 'adding up' gives 241.50 (0–300)."""
    result = score(tv16_body(), "central", options={"A1": "sum"},
                   penalties=[AppliedPenalty("unreliable_fact", 3, "QS", "App 1")])
    assert rounded(result.total) == Decimal("241.50")


@pytest.mark.parametrize("facts,deducted", [(1, "0.2"), (12, "2.4"), (25, "5"), (30, "5")])
def test_tv17_unreliable_facts_capped_at_5_per_direction(facts, deducted):
    result = score(perfect_raw("local"), "local", penalties=[AppliedPenalty("unreliable_fact", facts, "OP", "App 1")])
    assert near(result.scores["OP"], 100 - F(deducted))
    assert result.penalty == Decimal(deducted)


@pytest.mark.parametrize("late,satisfied,ca,grade", [
    (1000, 10_000, "90", "High effectiveness"), (1001, 10_000, "89.99", "Medium effectiveness"),
    (3000, 10_000, "70", "Medium effectiveness"), (3001, 10_000, "69.99", "Low effectiveness"),
    (4000, 5000, "50", "Low effectiveness"), (4000, 4995, "49.99", "Ineffective"),
])
def test_tv18_grade_bands_on_a_direction(late, satisfied, ca, grade):
    """§18: 90–100 high, 70–89.99 medium, 50–69.99 low, below 50 ineffective.
    Of 10 000 considered, each late one costs CA.1 0.01 (floored at 0 from 4 000 on),
    each one not satisfied costs CA.3 0.002."""
    raw = perfect_raw("central", ca_considered=10_000, ca_late=late, ca_satisfied=satisfied)
    result = score(raw, "central")
    assert result.scores["CA"] == Decimal(ca)
    assert result.grades["CA"]["en"] == grade


def test_tv18_grades_are_read_after_rounding():
    """A30: the block 89.99667 (100, 100, 69.99) displays as 90.00 and is graded high;
    exactly 90 is high too."""
    result = score(perfect_raw("central", ca_considered=10_000, ca_late=3001, ca_satisfied=10_000), "central")
    assert near(result.total, (200 + F("69.99")) / 3)
    assert rounded(result.total) == Decimal("90.00")
    assert result.grades["total"]["en"] == "High effectiveness"
    assert result.grades["CA"]["en"] == "Low effectiveness"
