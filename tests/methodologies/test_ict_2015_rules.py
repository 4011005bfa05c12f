"""The rules of order No. 1279 (seed 001) beyond its worked examples: the
central and local profiles and their weight transfers, the App 4–7 checklist
rules, the §31 overrides, the band rules of spec §3.5, the options (X5, X11,
X23, X24, X30), penalties and input checks.

Expected values are derived from the act's wording by hand (fractions).
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction as F

import pytest

from bagalau.engine.inputs import InputError
from bagalau.engine.scoring import AppliedPenalty

from support.ict_2015 import PROFILES, exact, node, note_codes, perfect, score, validate
from test_ict_2015_worked_examples import APP4_POINTS


@pytest.mark.parametrize("profile", PROFILES)
def test_a_perfect_body_scores_100_in_both_profiles(profile):
    result = score(profile, perfect(profile))
    assert result.total == 100
    assert [result.scores[c] for c in "12345"] == [20, 20, 5, 40, 15]


# ------------------------------------------------------------ weight transfers to 4.2

def test_para61_cgo_without_app8_list_moves_4_3_to_4_2():
    result = score("central", perfect("central", app8_functions=0, app1_t3_full=10, app1_t3_partial=10),
                   explain=True)
    assert result.scores["4.3"] == 0
    assert node(result.explanation, "4.3")["status"] == "not_applicable"
    entry = node(result.explanation, "4.2")
    assert entry["weight"] == "20" and "weight_received" in note_codes(entry)
    assert result.scores["4.2"] == (10 + F(3, 10) * 10) / 20 * (15 + 5)


@pytest.mark.parametrize("profile,weight", [("central", 35), ("local", 40)])
def test_para36_no_integration_required_moves_20_to_4_2_less_m(profile, weight):
    """§36: criterion 2 not evaluated; its 20 points, with the timely-commissioning
    coefficient of §37, go to 4.2: k = 15 + 5 + 20 (CGO with App 8) or 20 + 20 (LEB),
    and m = x/y = 1/4 is subtracted (X-05)."""
    raw = perfect(profile, app1_t1_required=0, app1_t1_implemented=0, app1_t1_is_due=4, app1_t1_is_late=1,
                  app1_t3_functions=20, app1_t3_full=10, app1_t3_partial=0)
    result = score(profile, raw, explain=True)
    assert result.scores["2"] == 0
    assert node(result.explanation, "2")["status"] == "not_applicable"
    assert node(result.explanation, "4.2")["weight"] == str(weight)
    assert result.scores["4.2"] == F(10, 20) * weight - F(1, 4)
    assert result.scores["4"] == 20 + result.scores["4.2"] + (5 if profile == "central" else 0)


def test_x5_lump_adds_20_less_m_as_a_fixed_amount():
    raw = perfect("central", app1_t1_required=0, app1_t1_implemented=0, app1_t1_is_due=4, app1_t1_is_late=1,
                  app1_t3_functions=20, app1_t3_full=10, app1_t3_partial=0)
    assert score("central", raw).scores["4.2"] == F(1, 2) * 35 - F(1, 4)                      # 17.25
    assert score("central", raw, options={"X5": "lump"}).scores["4.2"] == F(1, 2) * 15 + 20 - F(1, 4)  # 27.25


def test_cgo_without_app8_and_no_integration_required_gets_4_2_of_40():
    raw = perfect("central", app8_functions=0, app1_t1_required=0, app1_t1_implemented=0)
    result = score("central", raw, explain=True)
    assert node(result.explanation, "4.2")["weight"] == "40"
    assert result.scores["4.2"] == 40
    # Criterion 4 carries criterion 2's 20 points: 4.1 (20) + 4.2 (40) = 60, and N is still 100.
    assert result.scores["4"] == 60
    assert result.scores["2"] == 0
    assert result.total == 100


# ------------------------------------------------------------ criterion 2 (§30–38)

@pytest.mark.parametrize("profile", PROFILES)
def test_para31_no_departmental_is_and_all_functions_fully_automated_gives_20(profile):
    raw = perfect(profile, app1_t1_has_dis=False, app1_t1_required=0, app1_t1_implemented=0)
    assert score(profile, raw).scores["2"] == 20


@pytest.mark.parametrize("profile", PROFILES)
def test_para31_no_departmental_is_and_functions_not_all_fully_automated_gives_0(profile):
    raw = perfect(profile, app1_t1_has_dis=False, app1_t3_full=19, app1_t3_partial=1)
    result = score(profile, raw)
    assert result.scores["2"] == 0
    # criterion 2 is evaluated (0), so its weight does not move to 4.2
    assert result.scores["4.2"] == (19 + F(3, 10)) / 20 * (15 if profile == "central" else 20)


def test_p2_is_floored_at_0_when_m_exceeds_the_share():
    """a = 0 and every IS late: 0/5 × 20 − 3/3 = −1 → 0 (A7)."""
    raw = perfect("local", app1_t1_implemented=0, app1_t1_is_due=3, app1_t1_is_late=3)
    result = score("local", raw, explain=True)
    assert result.scores["2"] == 0
    assert "floor_applied" in note_codes(node(result.explanation, "2"))


def test_para38_m_is_ignored_when_no_is_is_due():
    raw = perfect("central", app1_t1_implemented=3, app1_t1_is_due=0, app1_t1_is_late=0)
    assert score("central", raw).scores["2"] == F(3, 5) * 20


def test_para36_refusal_penalty_is_charged_to_the_refusing_body_after_bounds():
    """−2 per refused integration covered by an approved joint plan (A6), even when
    the refusing body's own criterion 2 is not applicable."""
    refusal = [AppliedPenalty("integration_refusal", 2, node="2", reference="letter No. 12-3/45")]
    result = score("central", perfect("central"), penalties=refusal, explain=True)
    assert result.scores["2"] == 20 - 4
    assert result.total == 96
    not_required = perfect("local", app1_t1_required=0, app1_t1_implemented=0)
    result = score("local", not_required, penalties=[AppliedPenalty("integration_refusal", 1, node="2")])
    assert result.scores["2"] == -2


# ------------------------------------------------------------ criterion 1

def test_para17_committee_sites_are_averaged_with_the_ministry():
    """Case 1: one committee site with an App 4 sum of 6 → 1.1 = (5 + 6/10 × 5)/2 = 4.
    1.2 over the CGO and two committees with App 5 totals 80 and 70 → (10 + 8 + 7)/3."""
    raw = perfect("central", wg_1_1_committees=1, wg_1_1_committees_points=6,
                  wg_1_2_committees=2, wg_1_2_committees_points=150)
    result = score("central", raw)
    assert result.scores["1.1"] == 4
    assert exact(result.scores["1.2"], F(10 + 8 + 7, 3))


def test_app4_english_bonus_offsets_other_deductions_but_not_beyond_10():
    """X-22: no breadcrumb trail (−1) with +0.5 for fully translated materials → 9.5 →
    4.75; a site that already has 10 stays at 5."""
    raw = perfect("local", app4_2_4=False, app4_4_5_materials=True)
    assert score("local", raw).scores["1.1"] == F(95, 10) / 10 * 5
    assert score("local", perfect("local", app4_4_5_materials=True)).scores["1.1"] == 5
    interface_only = perfect("local", app4_2_4=False, app4_4_5_interface=True)
    assert score("local", interface_only).scores["1.1"] == F(925, 100) / 10 * 5


@pytest.mark.parametrize("overrides,row,app4_points", [
    ({"app4_1_1_positions": [1, 11, 21, None, 10, 20]}, "A4-1.1", F(1 + F(1, 2) + 0 + 0 + 1 + F(1, 2), 6)),
    ({"app4_2_1_failed": 7}, "A4-2.1", F(25, 100) - 7 * F(3, 100)),
    ({"app4_2_1_failed": 8}, "A4-2.1", 0),
    ({"app4_2_2_sampled": 30, "app4_2_2_within": 15}, "A4-2.2", F(3, 10)),
    ({"app4_2_2_sampled": 30, "app4_2_2_within": 14}, "A4-2.2", 0),
    ({"app4_2_3_missing": 4}, "A4-2.3", 0),
    ({"app4_2_5_broken": 5}, "A4-2.5", F(4, 10) - F(2, 10)),
    ({"app4_2_5_present": False}, "A4-2.5", 0),
    ({"app4_2_6_missing": 3}, "A4-2.6", F(1, 4)),
    ({"app4_2_10_faults": 4}, "A4-2.10", 0),
    ({"app4_4_3_faults": 1}, "A4-4.3", F(15, 100)),
    ({"app4_4_5": False, "app4_4_5_materials": True}, "A4-4.5", 0),
])
def test_app4_allocation_rules(overrides, row, app4_points):
    """Each App 4 row in its printed points (A36: rows floor at 0; all 8 platforms
    failing → 0); 1.1 is then the App 4 sum / 10 × 5 (§20), the other rows full."""
    result = score("central", perfect("central", **overrides))
    assert exact(result.scores[row], F(app4_points))
    printed = F(APP4_POINTS[row[3:]])
    assert exact(result.scores["1.1"], (10 - printed + F(app4_points)) / 10 * 5)


def test_app5_deficiencies_are_capped_at_half_of_each_section():
    """App 5 note: 0.1 per deficiency from the section's points, at most 50 %: 40
    deficiencies in section 1.8 (7 points) of the Kazakh version cost 3.5, not 4;
    12 in section 1.1 (1 point) of the Russian version cost 0.5."""
    raw = perfect("central", app5_t1_kk_1_8_defects=40, app5_t1_ru_1_1_defects=12, app5_t1_ru_1_2_defects=3)
    result = score("central", raw)
    assert exact(result.scores["1.2"], (100 - F(35, 10) - F(5, 10) - F(3, 10)) / 100 * 10)


def test_app5_partial_section_is_proportional():
    """X-21: 9 of 12 indicators of section 1.5 (6 points) present in Russian → 4.5."""
    raw = perfect("central")
    for item in (1, 5, 12):
        raw[f"app5_t1_ru_1_5_{item}"] = False
    assert score("central", raw).scores["1.2"] == F(50 + 50 - F(3, 12) * 6, 100) * 10


@pytest.mark.parametrize("option,expected", [
    ("rescale", (F(50 - 3 - 1, 47) * 50 + 50) / 10),
    ("full", F(49 + 50, 10)),
])
def test_x23_national_bank_budget_section(option, expected):
    """App 5 Table 1 section 1.6 does not apply to the National Bank; with section 1.1
    missing in Kazakh, 'rescale' scales the other sections to 50, 'full' counts 1.6 as met."""
    raw = perfect("central", app5_t1_1_6_applies=False)
    for item in (1, 2, 3):
        raw[f"app5_t1_kk_1_1_{item}"] = False
    assert exact(score("central", raw, options={"X23": option}).scores["1.2"], expected)


@pytest.mark.parametrize("profile", PROFILES)
def test_para25_link_to_mobile_version_gives_coefficient_3(profile):
    raw = perfect(profile, wg_1_3_auto=False, wg_1_3_link_to_mobile=True)
    assert score(profile, raw).scores["1.3"] == F(50, 50) * 3
    raw["wg_1_3_link_to_full"] = False
    assert score(profile, raw).scores["1.3"] == 3 - 1


def test_app6_deficiency_cap_and_floor():
    """App 6 Table 2 section 1.6 (1 point) with 9 deficiencies in Kazakh loses 0.5."""
    raw = perfect("local", app6_t2_kk_1_6_defects=9)
    assert score("local", raw).scores["1.3"] == F(50 - F(1, 2), 50) * 5


# ------------------------------------------------------------ criteria 3 and 4

def test_leb_without_departments_keeps_the_apparatus_points():
    result = score("local", perfect("local", app1_t2_r3=0, app1_t2_r4=0), explain=True)
    assert result.scores["3.1"] == Decimal("1.5")
    assert node(result.explanation, "3.1-departments")["status"] == "zero_denominator"


@pytest.mark.parametrize("stale,lost", [("0.5", 0), ("0.51", 1)])
def test_para51_a_parameter_is_lost_above_50_percent_stale(stale, lost):
    raw = perfect("central", app1_t3_full=10, app1_t3_partial=5, wg_4_1_dis=15, app7_1=stale)
    assert score("central", raw).scores["4.1"] == F(15, 20) * 20 - lost


def test_para52_sub_parameters_weigh_parameter_over_count():
    """3 of 13 stale sub-parameters of App 7 row 2 (2 points) cost 6/13; 2 of 5 of row 6
    (2 points) cost 0.8."""
    raw = perfect("central", app1_t3_full=10, app1_t3_partial=5, wg_4_1_dis=15,
                  app7_2_1="0.9", app7_2_7="1", app7_2_13="0.6", app7_6_2="0.7", app7_6_5="1")
    assert exact(score("central", raw).scores["4.1-ap"], -(F(6, 13) + F(8, 10)))


def test_ap_coefficient_cannot_push_4_1_below_0():
    raw = perfect("central", wg_4_1_dis=1, app1_t3_full=1, app1_t3_partial=0)
    for key in list(raw):
        if key.startswith("app7_"):
            raw[key] = 1
    result = score("central", raw)
    assert result.scores["4.1-ap"] == -14
    assert result.scores["4.1"] == 0


def test_ap_coefficient_only_for_cgos_that_filled_the_portal():
    raw = perfect("central", ap_participant=False, app7_1=1, app7_8=1)
    assert score("central", raw).scores["4.1"] == 20


def test_para54_all_functions_fully_automated_gives_20_even_without_departmental_is():
    """§54: ratio 1 whatever a is (X-10); §46: interdepartmental automation does not
    count in a otherwise."""
    assert score("local", perfect("local", wg_4_1_dis=0)).scores["4.1"] == 20
    partly = perfect("local", wg_4_1_dis=0, app1_t3_full=19, app1_t3_partial=1)
    assert score("local", partly).scores["4.1"] == 0


@pytest.mark.parametrize("option,expected", [("subject", F(5 + 3, 100) * 15), ("automated", F(5 + 3, 15) * 15)])
def test_x11_4_2_denominator(option, expected):
    raw = perfect("central", app1_t3_functions=100, app1_t3_full=5, app1_t3_partial=10, wg_4_1_dis=15)
    assert exact(score("central", raw, options={"X11": option}).scores["4.2"], expected)


# ------------------------------------------------------------ criterion 5

@pytest.mark.parametrize("option,expected", [("full", 3), ("zero", 0)])
def test_x30_5_1_zero_denominator(option, expected):
    raw = perfect("local", app1_t4_r1=0, app1_t4_r2=0)
    assert score("local", raw, options={"X30": option}).scores["5.1"] == expected


@pytest.mark.parametrize("complete,points", [(10, 2), (9, 1), (7, 1), (6, 0)])
def test_para74_directory_bands_with_70_percent_in_the_middle_band(complete, points):
    raw = perfect("central", wg_5_3_1_sampled=10, wg_5_3_1_complete=complete)
    assert score("central", raw).scores["5.3.1"] == points


@pytest.mark.parametrize("options,to_coordinate,coordinated,deduction", [
    ({}, 8, 8, F(5, 2) * F(4, 10)),                                   # 40 % not sent
    ({"X24": "flat"}, 8, 8, F(5, 2)),
    ({}, 10, 0, F(5, 2) * F(4, 10) + F(5, 2)),                        # and nothing coordinated
    ({"X24cap": "app3"}, 10, 0, F(5, 2)),
    ({"X24": "flat"}, 10, 0, 5),
])
def test_para76_nla_coordination_deductions(options, to_coordinate, coordinated, deduction):
    raw = perfect("central", wg_5_3_2_to_send=10, wg_5_3_2_sent=6, wg_5_3_2_to_coordinate=to_coordinate,
                  wg_5_3_2_coordinated=coordinated)
    result = score("central", raw, options=options)
    assert exact(result.scores["5.3.2"], -deduction)
    assert exact(result.scores["5.3"], 5 - deduction)


def test_para76_no_drafts_no_deduction_and_leb_has_no_5_3_2():
    raw = perfect("central", wg_5_3_2_to_send=0, wg_5_3_2_sent=0, wg_5_3_2_to_coordinate=0, wg_5_3_2_coordinated=0)
    assert score("central", raw).scores["5.3.2"] == 0
    assert "5.3.2" not in score("local", perfect("local")).scores


def test_para77_78_joint_work_and_library():
    assert score("local", perfect("local", wg_5_3_3_groups=0)).scores["5.3.3"] == 0
    assert score("local", perfect("local", wg_5_3_3_placed=8, wg_5_3_3_archived=2)).scores["5.3.3"] == F(2, 8) / 2
    assert score("local", perfect("local", wg_5_3_4_documents=4)).scores["5.3.4"] == 0
    assert score("local", perfect("local", wg_5_3_4_empty_folder=True)).scores["5.3.4"] == 0


@pytest.mark.parametrize("published,planned,points", [(2, 2, Decimal("1.5")), (7, 10, Decimal("0.5")),
                                                      (6, 10, 0), (0, 0, Decimal("1.5"))])
def test_para83_open_nla_drafts(published, planned, points):
    raw = perfect("central", wg_5_4_1_planned=planned, wg_5_4_1_published=published)
    assert score("central", raw).scores["5.4.1"] == points


def test_para84_no_comments_gives_1_5():
    raw = perfect("central", wg_5_4_2_comments=0, wg_5_4_2_answered=0)
    assert score("central", raw).scores["5.4.2"] == Decimal("1.5")


@pytest.mark.parametrize("answered,questions,points", [(12, 12, 2), (75, 100, 1), (74, 100, 0), (0, 0, 2)])
def test_para88_blog(answered, questions, points):
    raw = perfect("central", wg_5_5_1_questions=questions, wg_5_5_1_answered=answered)
    assert score("central", raw).scores["5.5.1"] == points


@pytest.mark.parametrize("conferences,answered,questions,points", [
    (2, 40, 40, 5), (2, 28, 40, 3), (2, 27, 40, 0), (0, 0, 0, 0), (1, 0, 0, 5)])
def test_para89_90_internet_conferences(conferences, answered, questions, points):
    """No conference in the year → 0 (§90); a conference with no question → 5 (X-26)."""
    raw = perfect("local", wg_5_5_2_conferences=conferences, wg_5_5_2_questions=questions,
                  wg_5_5_2_answered=answered)
    assert score("local", raw).scores["5.5.2"] == points


# ------------------------------------------------------------ penalties and inputs

def test_para96_99_penalties_come_off_the_total():
    penalties = [AppliedPenalty("late", 1, reference="received 3 days after the Schedule date"),
                 AppliedPenalty("incomplete", 1, reference="Table 4 missing"),
                 AppliedPenalty("unreliable_fact", 3)]
    result = score("local", perfect("local"), penalties=penalties, explain=True)
    assert result.penalty == Decimal("1.5") + 2 + 3 * Decimal("0.2")
    assert result.total == 100 - result.penalty
    assert result.explanation["total_before_penalties"] == "100"
    assert {line["rule"] for line in result.explanation["penalties"]} == {"late", "incomplete", "unreliable_fact"}


def test_inputs_are_profile_specific_and_checked():
    with pytest.raises(InputError, match=r"\(app1_t2_r1\) belong to profile .central., but the body is read as .local."):
        validate("local", perfect("local", app1_t2_r1=True))
    with pytest.raises(InputError, match="app1_t1_implemented"):
        validate("central", perfect("central", app1_t1_implemented=6))
    with pytest.raises(InputError, match="above the maximum"):
        validate("central", perfect("central", app7_3="1.2"))
    with pytest.raises(InputError, match="wg_1_1_committees"):
        validate("central", perfect("central", wg_1_1_committees=1, wg_1_1_committees_points=11))
    with pytest.raises(InputError, match="an LEB has no committees"):
        validate("local", perfect("local", wg_1_1_committees=1, wg_1_1_committees_points=6))
    warned = validate("central", perfect("central", wg_5_3_1_sampled=8, wg_5_3_1_complete=8))
    assert any("fewer than 10" in str(w) for w in warned.warnings)


def test_reconstructed_formulas_are_provisional_in_explanations():
    result = score("central", perfect("central"), explain=True)
    for node_id in ("2", "4.2", "4.3", "1.2-t1"):
        assert "provisional" in note_codes(node(result.explanation, node_id)), node_id
    assert "provisional" not in note_codes(node(result.explanation, "5.1"))


# --- the final score's floor (issue 7, rule 3; spec X-07, option X7) ----------------------------

def _weak_local_body() -> dict:
    """A local body that earns 2.2 points (criterion 1 only): nothing met, nothing automated."""
    raw = perfect("local")
    for key, value in list(raw.items()):
        if value is True:
            raw[key] = False
    for key in ("app1_t1_implemented", "app1_t3_full", "wg_4_1_dis", "app1_t4_r1", "app1_t4_r3",
                "wg_5_3_1_complete", "wg_5_3_3_archived", "wg_5_3_4_documents", "wg_5_3_5_active",
                "app1_t2_r5", "app1_t2_r4", "wg_5_5_2_answered", "app4_2_2_within"):
        raw[key] = 0
    raw.update(app4_1_1_positions=[None] * 6, app1_t1_has_dis=True)
    return raw


REPORT_PENALTIES = [AppliedPenalty("late", 1), AppliedPenalty("incomplete", 1), AppliedPenalty("unreliable_fact", 30)]


@pytest.mark.parametrize("edition", ["ict-2015", "ict-2015-2021", "ict-2015-2022"])
def test_para95_penalties_beyond_the_criteria_leave_the_final_score_at_0(edition):
    """§95: "Есепті ақпарат уақтылы емес, толық емес немесе дұрыс емес ұсынылған жағдайда,
    осы бағыт бойынша айыппұл балдары ОМО және ЖАО-ның қорытынды бағасынан шегеріледі."
    The act states no floor; the spec's X-07 recommends "Floor N_final at 0", and the
    edition declares min_total 0. 2.2 − (1.5 + 2 + 5) = −6.3 → 0 by default (option X7)."""
    result = score("local", _weak_local_body(), edition=edition, penalties=REPORT_PENALTIES, explain=True)
    assert result.explanation["total_before_penalties"] == "2.2"
    assert result.total == 0 and result.explanation["total"] == "0.00"
    floor = result.explanation["total_floor"]
    assert floor["unfloored"] == "-6.3" and floor["min_total"] == "0" and floor["option"] == "X7"


def test_x7_none_leaves_the_final_score_below_0():
    """Option X7 = none: §95 literal, the penalties come off with no floor."""
    result = score("local", _weak_local_body(), options={"X7": "none"}, penalties=REPORT_PENALTIES, explain=True)
    assert result.total == F("-6.3") and result.explanation["total"] == "-6.30"
    assert "total_floor" not in result.explanation
