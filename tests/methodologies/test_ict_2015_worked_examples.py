"""The worked examples of order No. 1279 (seed 001; spec 001 §4 TV-1 … TV-6),
the spec's derived boundary vectors (D-1 … D-9) and every printed table total
(App 3 per profile, App 4, App 5, App 6, App 7, App 8).

Each expected value is the act's printed result at its printed precision and
the exact value of the printed arithmetic (fractions); nothing is copied from
the engine's output.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction as F
from itertools import product

import pytest

from bagalau.engine import catalog
from bagalau.engine.cohort import CohortScorer
from bagalau.engine.inputs import Submission

from support.ict_2015 import PROFILES, exact, node, perfect, rounded, score


# ---------------------------------------------------------------- TV-1 … TV-6

@pytest.mark.parametrize("profile", PROFILES)
def test_tv1_para38_criterion2_is_7_6(profile):
    """§38: "(2*1)/5*20-2/5=7,6 балл" — 2 of 5 required integrations implemented,
    2 of 5 departmental IS not put into industrial operation on time (A3, A4)."""
    result = score(profile, perfect(profile, app1_t1_required=5, app1_t1_implemented=2,
                                    app1_t1_is_due=5, app1_t1_is_late=2))
    assert rounded(result.scores["2"]) == Decimal("7.6")
    assert exact(result.scores["2"], F(2 * 1, 5) * 20 - F(2, 5))


def test_tv2_para48_indicator_4_1_is_6_87_with_the_printed_coefficient():
    """§48: "36/(36+50)*20+(-1,5)=6,87". The narrative of m ("2 of 14 indicators …
    three non-matching indicators total 1.5") cannot be produced from App 7's
    weights (see the next test), so the AP coefficient m = −1.5 is put in as the
    score of node 4.1-ap; the share and the sum are the definition's."""
    raw = perfect("central", app1_t3_functions=86, app1_t3_full=36, app1_t3_partial=0, wg_4_1_dis=36)
    cohort = CohortScorer("ict-2015")
    validated = cohort.validate(Submission("b", "b", raw, profile="central"))
    scorer = cohort.scorer("central")
    override = {"4.1-ap": (Decimal("-1.5"), {"code": "test", "text": "m = −1.5 as printed in §48"})}
    result = scorer.score("b", validated.values, overrides=override)
    assert exact(result.scores["4.1-share"], F(36, 36 + 50) * 20)
    assert rounded(result.scores["4.1"]) == Decimal("6.87")
    assert exact(result.scores["4.1"], F(36, 36 + 50) * 20 + F(-3, 2))


def test_tv2_the_printed_m_is_not_reachable_from_app7():
    """X-09: App 7's parameters lose 1, 2/13 steps of 2, 1, 0.2 steps, 1, 0.4 steps,
    1, 2, 2, 1 points; no combination loses exactly 1.5, which is why TV-2's m is
    only usable as the printed figure."""
    reachable = set()
    for r1, k2, r3, k4, r5, k6, r7, r8, r9, r10 in product(
            (0, 1), range(14), (0, 1), range(6), (0, 1), range(6), (0, 1), (0, 2), (0, 2), (0, 1)):
        reachable.add(r1 + F(2 * k2, 13) + r3 + F(k4, 5) + r5 + F(2 * k6, 5) + r7 + r8 + r9 + r10)
    assert max(reachable) == 14
    assert F(3, 2) not in reachable


@pytest.mark.parametrize("profile", PROFILES)
def test_tv2_share_without_ap_coefficient(profile):
    """An LEB (and a CGO that did not fill the AP in 2011–2015) has no m (§49):
    4.1 = 36/86 × 20 = 8.372… → 8.37."""
    raw = perfect(profile, app1_t3_functions=86, app1_t3_full=36, app1_t3_partial=0, wg_4_1_dis=36)
    if profile == "central":
        raw["ap_participant"] = False
    result = score(profile, raw)
    assert rounded(result.scores["4.1"]) == Decimal("8.37")
    assert exact(result.scores["4.1"], F(36, 86) * 20)


@pytest.mark.parametrize("option", ["subject", "automated"])
def test_tv3_para57_indicator_4_2_discrepancy(option):
    """§57: "((5*1+10*0,3)/15)*15= 7,9 балл" — the act prints 7.9, but its own
    expression evaluates to (5 + 3)/15 × 15 = 8.0 (X-11; 7.9 is no rounding of 8).
    The example's 15 functions are all automated, so both denominators of option
    X11 (§55 subject to automation, §57 automated) give the same 8.0."""
    raw = perfect("central", app1_t3_functions=15, app1_t3_full=5, app1_t3_partial=10, wg_4_1_dis=15)
    value = score("central", raw, options={"X11": option}).scores["4.2"]
    expression = (F(5) * 1 + F(10) * F(3, 10)) / 15 * 15
    assert expression == 8
    assert exact(value, expression)
    assert rounded(value) == Decimal("8.00")
    assert rounded(value) != Decimal("7.9"), "the printed 7.9 does not follow from the printed expression"


def test_tv4_para60_indicator_4_3_is_1_56():
    """§60: "15/48*5= 1,56 балл" — 15 LEB functions automated through the CGO's IS
    out of 48 subject to automation (A12: ratio of sums over the LEBs)."""
    result = score("central", perfect("central", wg_4_3_automated=15, wg_4_3_subject=48))
    assert rounded(result.scores["4.3"]) == Decimal("1.56")
    assert exact(result.scores["4.3"], F(15, 48) * 5)


@pytest.mark.parametrize("profile", PROFILES)
def test_tv5_para65_indicator_5_1_is_1_2(profile):
    """§65: "200/500*3= 1,2 балл"."""
    result = score(profile, perfect(profile, app1_t4_r1=200, app1_t4_r2=500))
    assert result.scores["5.1"] == Decimal("1.2")


@pytest.mark.parametrize("profile", PROFILES)
def test_tv6_para68_indicator_5_2_is_0_8(profile):
    """§68: "200/500*2=0,8 балл"."""
    result = score(profile, perfect(profile, app1_t4_r3=200, app1_t4_r4=500))
    assert result.scores["5.2"] == Decimal("0.8")


# ---------------------------------------------------------------- D-1 … D-9

@pytest.mark.parametrize("profile", PROFILES)
def test_d1_para69_no_e_applications_gives_2(profile):
    result = score(profile, perfect(profile, app1_t4_r3=0, app1_t4_r4=0), explain=True)
    assert result.scores["5.2"] == 2
    assert node(result.explanation, "5.2")["status"] == "zero_denominator"


@pytest.mark.parametrize("profile", PROFILES)
def test_d2_para25_29_no_mobile_version_and_no_link_scores_0_without_the_minus_1(profile):
    raw = perfect(profile, wg_1_3_auto=False, wg_1_3_link_to_mobile=False, wg_1_3_link_to_full=False)
    result = score(profile, raw, explain=True)
    assert result.scores["1.3"] == 0
    table = "1.3-t1" if profile == "central" else "1.3-t2"
    assert node(result.explanation, table)["status"] == "not_applicable"
    assert result.total == 95


@pytest.mark.parametrize("profile", PROFILES)
def test_d3_para28_29_auto_loading_full_marks_without_link_to_full_version_is_4(profile):
    result = score(profile, perfect(profile, wg_1_3_link_to_full=False))
    assert result.scores["1.3"] == F(50, 50) * 5 - 1 == 4


@pytest.mark.parametrize("profile", PROFILES)
def test_d4_para20_app4_sum_10_gives_5(profile):
    result = score(profile, perfect(profile))
    assert result.scores["1.1"] == F(10, 10) * 5 == 5


def _absent(raw: dict, table: str, version: str, sections: list[str]) -> dict:
    for key in list(raw):
        for section in sections:
            prefix = f"{table}_{version}_{section.replace('.', '_')}_"
            if key.startswith(prefix) and not key.endswith("_defects"):
                raw[key] = False
    return raw


@pytest.mark.parametrize("profile,table", [("central", "app5_t1"), ("local", "app5_t2")])
def test_d5_para23_kazakh_40_russian_35_gives_7_5(profile, table):
    """Kazakh version: sections worth 10 points missing → 40; Russian: 15 points
    missing → 35; (40 + 35)/100 × 10 = 7.5."""
    raw = perfect(profile)
    if table == "app5_t1":   # 1.1 (1) + 1.7 (2) + 1.8 (7) = 10; 1.8 (7) + 1.9 (6) + 1.10 (2) = 15
        _absent(raw, table, "kk", ["1.1", "1.7", "1.8"])
        _absent(raw, table, "ru", ["1.8", "1.9", "1.10"])
    else:                    # 1.9 (8) + 1.10 (2) = 10; 1.9 (8) + 1.8 (5) + 1.15 (2) = 15
        _absent(raw, table, "kk", ["1.9", "1.10"])
        _absent(raw, table, "ru", ["1.9", "1.8", "1.15"])
    result = score(profile, raw)
    assert result.scores["1.2"] == F(40 + 35, 100) * 10 == F(15, 2)


def test_d6_para42_leb_institutional_strengthening_is_3_9():
    raw = perfect("local", app1_t2_r2=True, app1_t2_r3=20, app1_t2_r4=12, app1_t2_r5=9, app1_t2_r6=12)
    result = score("local", raw)
    assert result.scores["3.1"] == F(3, 2) + F(3, 2) * F(12, 20) == F(24, 10)
    assert result.scores["3.2"] == F(9, 12) * 2 == F(3, 2)
    assert result.scores["3"] == Decimal("3.9")


@pytest.mark.parametrize("active,points", [(800, 2), (799, 1), (600, 1), (599, 0)])
def test_d7_para79_uems_thresholds(active, points):
    """80 % → 2; 79.9 % → 1; 60 % → 1; 59.9 % → 0."""
    result = score("local", perfect("local", wg_5_3_5_connected=1000, wg_5_3_5_active=active))
    assert result.scores["5.3.5"] == points


def test_d8_para99_thirty_unreliable_facts_cost_5():
    from bagalau.engine.scoring import AppliedPenalty
    result = score("central", perfect("central"), penalties=[AppliedPenalty("unreliable_fact", 30)])
    assert result.penalty == min(30 * Decimal("0.2"), 5) == 5
    assert result.total == 95


def test_d9_para59_leb_4_2_carries_20_points():
    """LEB: 5 fully + 10 partially automated of 15 → 8/15 × 20 = 10.667."""
    raw = perfect("local", app1_t3_functions=15, app1_t3_full=5, app1_t3_partial=10, wg_4_1_dis=15)
    result = score("local", raw)
    assert exact(result.scores["4.2"], F(8, 15) * 20)
    assert rounded(result.scores["4.2"]) == Decimal("10.67")


# ---------------------------------------------------------------- printed totals

APP3 = {  # App 3 as printed; 4.3, 5.4, 5.5.1 are for CGOs, 5.5.2 for LEBs (spec §3.2)
    "central": {"1": 20, "1.1": 5, "1.2": 10, "1.3": 5, "2": 20, "3": 5, "3.1": 3, "3.2": 2, "4": 40, "4.1": 20,
                "4.2": 15, "4.3": 5, "5": 15, "5.1": 3, "5.2": 2, "5.3": 5, "5.3.1": 2, "5.3.2": Decimal("-2.5"),
                "5.3.3": Decimal("0.5"), "5.3.4": Decimal("0.5"), "5.3.5": 2, "5.4": 3, "5.4.1": Decimal("1.5"),
                "5.4.2": Decimal("1.5"), "5.5": 2, "5.5.1": 2},
    "local": {"1": 20, "1.1": 5, "1.2": 10, "1.3": 5, "2": 20, "3": 5, "3.1": 3, "3.2": 2, "4": 40, "4.1": 20,
              "4.2": 20, "5": 15, "5.1": 3, "5.2": 2, "5.3": 5, "5.3.1": 2, "5.3.3": Decimal("0.5"),
              "5.3.4": Decimal("0.5"), "5.3.5": 2, "5.5": 5, "5.5.2": 5},
}


@pytest.mark.parametrize("profile", PROFILES)
def test_app3_points_per_profile(profile):
    m = catalog.load("ict-2015", profile).methodology
    printed = APP3[profile]
    assert {n.id: n.max for n in m.walk() if n.id in printed} == {k: Decimal(v) for k, v in printed.items()}
    assert not {"4.3", "5.4", "5.4.1", "5.4.2", "5.5.1", "5.3.2"} & {n.id for n in m.walk()} or profile == "central"
    assert sum(n.max for n in m.nodes) == m.max_total == 100
    # criterion totals as the spec checks them: C4 (20 + 15 + 5 | 20 + 20), C5 (3+2+5+3+2 | 3+2+5+5)
    criterion_5 = [c.max for c in m.node("5").children]
    assert sum(criterion_5) == 15
    assert sum(c.max for c in m.node("4").children) == 40


APP4_POINTS = {  # App 4 as printed: row -> maximum points
    "1.1": "1",
    "2.1": "0.25", "2.2": "0.3", "2.3": "0.45", "2.4": "1", "2.5": "0.4", "2.6": "1", "2.7": "1", "2.8": "0.4",
    "2.9": "0.4", "2.10": "0.6", "2.11": "0.1", "2.12": "0.1",
    "3.1": "0.2", "3.2": "0.2", "3.3": "0.2", "3.4": "0.2", "3.5": "0.2", "3.6": "0.2", "3.7": "0.2", "3.8": "0.2",
    "4.1": "0.1", "4.2": "0.2", "4.3": "0.3", "4.4": "0.3", "4.5": "0.3", "4.6": "0.2",
}


@pytest.mark.parametrize("profile", PROFILES)
def test_app4_rows_sections_and_total_10(profile):
    """App 4: sections 1 + 6 + 1.6 + 1.4 = 10, the divisor of §20. Each row node
    carries its printed App 4 points; indicator 1.1 (5) turns their sum into
    V1.1 = S_acc / 10 × 5 by its own formula. Row 4.5 may add the 0.5 bonus."""
    m = catalog.load("ict-2015", profile).methodology
    rows = {n.id[3:]: n.max for n in m.walk() if n.id.startswith("A4-") and "." in n.id}
    assert rows == {k: Decimal(v) for k, v in APP4_POINTS.items()}
    for section in ("1", "2", "3", "4"):
        assert m.node(f"A4-{section}").max == sum(v for k, v in rows.items() if k.split(".")[0] == section)
    sections = {n.id: n.max for n in m.node("1.1").children}
    assert sections == {"A4-1": 1, "A4-2": 6, "A4-3": Decimal("1.6"), "A4-4": Decimal("1.4")}
    assert sum(sections.values()) == 10
    assert m.node("1.1").max == 5 and m.node("1.1").formula
    assert m.node("A4-4.5").upper == Decimal("0.3") + Decimal("0.5")
    assert m.node("A4-4").upper == Decimal("1.4") + Decimal("0.5")


@pytest.mark.parametrize("profile", PROFILES)
def test_para20_app4_sum_divided_by_10_times_5(profile):
    """§20: V1.1 = S_acc / 10 × 5. Missing breadcrumbs (2.4, 1), RSS with one fault
    (4.3, −0.15) and no visitor counter (4.6, 0.2): S_acc = 10 − 1 − 0.15 − 0.2 =
    8.65 → 4.325 → 4.33; the explanation shows the rows in App 4 points."""
    raw = perfect(profile, app4_2_4=False, app4_4_3_faults=1, app4_4_6=False)
    result = score(profile, raw, explain=True)
    s_acc = F(10) - 1 - F(15, 100) - F(2, 10)
    assert result.scores["A4-2"] == 5 and result.scores["A4-4"] == F(14, 10) - F(15, 100) - F(2, 10)
    assert exact(result.scores["1.1"], s_acc / 10 * 5)
    assert rounded(result.scores["1.1"]) == Decimal("4.33")
    entry = node(result.explanation, "1.1")
    assert [child["id"] for child in entry["children"]] == ["A4-1", "A4-2", "A4-3", "A4-4"]
    assert node(result.explanation, "A4-2.4")["score"] == "0.00"
    assert node(result.explanation, "A4-4.3")["score"] == "0.15"


APP5 = {
    "app5_t1": ({"1.1": 1, "1.2": "3.5", "1.3": 3, "1.4": 3, "1.5": 6, "1.6": 3, "1.7": 2, "1.8": 7, "1.9": 6,
                 "1.10": 2, "1.11": 7, "1.12": "4.5", "1.13": 2},
                {"1.1": 3, "1.2": 6, "1.3": 6, "1.4": 4, "1.5": 12, "1.6": 2, "1.7": 5, "1.8": 7, "1.9": 6,
                 "1.10": 4, "1.11": 8, "1.12": 9, "1.13": 2}),
    "app5_t2": ({"1.1": 1, "1.2": "3.5", "1.3": 3, "1.4": 1, "1.5": 6, "1.6": 3, "1.7": 2, "1.8": 5, "1.9": 8,
                 "1.10": 2, "1.11": "3.5", "1.12": 3, "1.13": 4, "1.14": 3, "1.15": 2},
                {"1.1": 3, "1.2": 7, "1.3": 6, "1.4": 1, "1.5": 10, "1.6": 2, "1.7": 5, "1.8": 5, "1.9": 6,
                 "1.10": 4, "1.11": 8, "1.12": 5, "1.13": 8, "1.14": 3, "1.15": 2}),
    "app6_t1": ({"1.1": 5, "1.2": 10, "1.3": 3, "1.4": 5, "1.5": 2},
                {"1.1": 5, "1.2": 3, "1.3": 3, "1.4": 5, "1.5": 1}),
    "app6_t2": ({"1.1": 5, "1.2": 2, "1.3": 10, "1.4": 3, "1.5": 3, "1.6": 1, "1.7": 1},
                {"1.1": 5, "1.2": 4, "1.3": 3, "1.4": 3, "1.5": 5, "1.6": 1, "1.7": 1}),
}


@pytest.mark.parametrize("key", sorted(APP5))
def test_app5_app6_section_points_and_totals(key):
    """App 5 Tables 1–2: "Барлығы 50 50"; App 6 Tables 1–2: "Барлығы 25 25" (same
    points in the Kazakh and Russian columns)."""
    profile = "central" if key.endswith("t1") else "local"
    compiled = catalog.load("ict-2015", profile)
    m = compiled.methodology
    points, items = APP5[key]
    rule = next(n.checklist for n in m.walk() if n.checklist and n.checklist.checklist == key)
    weights = {section: compiled.parameters[parameter] for section, parameter in rule.section_weights.items()}
    assert weights == {k: Decimal(str(v)) for k, v in points.items()}
    assert sum(weights.values()) == rule.version_total == (50 if key.startswith("app5") else 25)
    assert rule.versions == ["kk", "ru"]
    assert {s.id: len(s.items) for s in m.checklists[key].sections} == items


def test_app7_parameters_total_14():
    """App 7: 1 + 2 + 1 + 1 + 1 + 2 + 1 + 2 + 2 + 1 = 14 (so m ∈ [−14, 0]); parameters
    2, 4 and 6 have 13, 5 and 5 sub-parameters."""
    m = catalog.load("ict-2015", "central").methodology
    rows = {n.id: -n.max for n in m.node("4.1-ap").children}
    assert rows == {"A7-1": 1, "A7-2": 2, "A7-3": 1, "A7-4": 1, "A7-5": 1, "A7-6": 2, "A7-7": 1, "A7-8": 2,
                    "A7-9": 2, "A7-10": 1}
    assert sum(rows.values()) == -m.node("4.1-ap").max == 14
    inputs = catalog.load("ict-2015", "central").inputs
    for parameter, count in (("2", 13), ("4", 5), ("6", 5)):
        assert len([i for i in inputs if i.startswith(f"app7_{parameter}_")]) == count


def test_app8_72_functions_under_9_headings():
    """App 8 (wording of 27.08.2022): 20 + 11 + 12 + 6 + 8 + 6 + 6 + 1 + 2 = 72."""
    app8 = catalog.methodology("ict-2015-2022").checklists["app8"]
    counts = [len(s.items) for s in app8.sections]
    assert counts == [20, 11, 12, 6, 8, 6, 6, 1, 2]
    assert sum(counts) == 72
