"""The 2023 organisational-development amendments (seed 003, joint order
No. 57/НҚ–46), scored from orgdev-2023 (an overlay on orgdev-2020).

The act prints no numeric worked example (spec 003 §4). What it prints are the
rules, the constants and the tables of Appendices 13 and 16; spec §4.2 builds
test vectors (TV-…) on them. Every expected value below is derived here from
the act's wording (or, for the 14 lost formulas, the spec's reconstruction),
with exact fractions — never read back from the engine.

Ids: HR.1.3 = exit interview V, HR.1.5 = P, HR.2 = O, HR.2.1 = N (N1 HR.2.1.1,
N2 HR.2.1.2, weekend penalty HR.2.1.3), HR.2.4 = U, HR.2.5 = S, HR.2.6 = I,
HR.2.7 = K, HR.3.1 = A, HR.3.3 = C, HR.3.4 = D (incentives); IT.2 = B,
IT.5 = L, IT.6 = J, IT.8 = H, IT.9 = D (unused IS). Option A3 is spec §7
item 3 (floor before / after the bonus), not amendment A3.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction as F

import pytest

from bagalau.engine.cohort import CohortScorer
from bagalau.engine.inputs import InputError, Submission
from bagalau.engine.scoring import AppliedPenalty

EDITION = "orgdev-2023"
ENTERED_FULL = {  # base-act indicators whose rule is not in the seeds: entered at their maximum
    "HR.1.1": 10, "HR.1.2": 5, "HR.1.4": 5, "HR.2.2": 5, "HR.2.3": 5, "HR.3.2": 10, "HR.3.5": 5,
    "IT.1": 30, "IT.3": 20, "IT.4": 25, "IT.7": 0, "IT.9": 0,
}


def entered(node_id: str) -> str:
    return "entered_" + node_id.replace(".", "_")


def base_raw(profile: str = "central", **overrides) -> dict:
    """A body that scores every non-bonus point the act offers and no bonus:
    HR 30 + 30 + 40 = 100 and IT 100 (Appendix 13, Appendix 16)."""
    raw: dict = {
        # exit interview: every leaver answered, nobody cites negative aspects -> V = 5
        "app1_g3": 6, "app1_g4": 6, "app1_g5": 4, "app1_g6": 4, "exit_negative": 0,
        # qualitative composition: 100 qualified AGS among 100 -> P = 5
        **{f"app7_g{column}": 0 for column in range(3, 12)}, "app7_g12": 100, "hr_ags_avg": 100,
        # normalisation of labour: no overtime, full agreement -> N = 5 + 5
        "n1_workdays": 250, "pass_m": 0, "pass_p": 0, "n1_headcount_avg": 100,
        "survey_i1": 1, "survey_i2": 1, "survey_i3": 1, "survey_i4": 1,
        # training: everybody on time -> U = 5
        "training_a": 10, "training_b": 10, "training_c": 5, "training_d": 5, "training_late": 0, "training_missed": 0,
        # strategy with content, executed 85% -> S = 2 + 3
        "strategy_approved": True, "strategy_content_ok": True, "strategy_info_submitted": True,
        "strategy_execution_pct": 85,
        # bonuses not earned: I = 0, K = 0
        "intern_received": 0, "intern_sent": 0, "ekyzmet_files_ok": 0, "ekyzmet_servants": 100,
        # competitions all observed and recorded -> A = 10; kr = 0.8 -> C = 10; D = 5
        "app2_held": 10, "app2_observers": 10, "app2_video": 10, "competition_video_violations": 0,
        "career_a": 8, "career_b": 10,
        "survey_i19": 1, "survey_i20": 1, "survey_i21": 1, "survey_i22": 1,
        # IT: L and J at their maximum
        "app8_t3_g2": 10, "app8_t3_g3": 10, "app8_t4_g2": 100, "app8_t4_g3": 100,
    }
    if profile == "central":
        raw.update({"app8_t6_g2": 10, "app8_t6_g3": 0})          # H = 0 (bonus)
    else:
        raw.update({"smart_edu": 1000, "smart_health": 1000, "smart_transport": 800, "smart_roads": 800,
                    "smart_security": 700, "smart_tourism": 700, "smart_housing": 700, "smart_ecology": 600,
                    "smart_governance": 600})                     # B_sum = 6900 -> B = 10
    for node_id, points in ENTERED_FULL.items():
        raw[entered(node_id)] = points
        raw[entered(node_id) + "_comment"] = f"test: {node_id} entered at {points}"
    for key, value in overrides.items():
        if key in ENTERED_FULL:
            raw[entered(key)] = value
        elif value is None:
            raw.pop(key, None)
        else:
            raw[key] = value
    return raw


_COHORTS: dict[tuple, CohortScorer] = {}


def cohort(options: dict | None = None) -> CohortScorer:
    key = tuple(sorted((options or {}).items()))
    if key not in _COHORTS:
        _COHORTS[key] = CohortScorer(EDITION, options)
    return _COHORTS[key]


def score(profile: str = "central", options: dict | None = None, explain: bool = False,
          penalties: list[AppliedPenalty] | None = None, **overrides):
    scorer = cohort(options)
    body = scorer.validate(Submission("b1", "Test body", base_raw(profile, **overrides), profile=profile))
    return scorer.score([body], explain=explain, period=2023,
                        penalties={"b1": penalties} if penalties else None)[0]


def shown(result, node_id: str) -> Decimal:
    """The value as the act would print it (2 places, half up)."""
    return cohort().scorer(result.profile).round(result.scores[node_id])


def exact(result, node_id: str) -> F:
    return F(result.scores[node_id])


from bagalau.engine.explanations import find_node as explanation_node  # noqa: E402


# --- the baseline: Appendix 13 and 16 totals ---------------------------------------------

@pytest.mark.parametrize("profile", ["central", "local"])
def test_full_body_scores_the_printed_direction_totals(profile):
    """Appendix 13: 30 + 30 + 40 = 100; Appendix 16: 100 for CGO and for MIO (without bonuses)."""
    result = score(profile)
    assert result.scores["HR.1"] == 30 and result.scores["HR.2"] == 30 and result.scores["HR.3"] == 40
    assert result.scores["HR"] == 100
    assert result.scores["IT"] == 100
    assert result.total == 200


def test_bonuses_lift_it_above_100_but_not_o_above_30():
    """п. 39 caps O at 30 (reading A2); п. 81 states no cap for I, so F and H lift
    it to 30+20+25+20+5 + 5+5 = 110 for a CGO and 30+10+20+25+10+5 + 5 = 105 for a MIO."""
    central = score("central", intern_sent=11, ekyzmet_files_ok=100, **{"IT.7": 5}, app8_t6_g3=10)
    assert central.scores["HR.2.6"] == 2 and central.scores["HR.2.7"] == F(3, 2)
    assert central.scores["HR.2"] == 30                     # 33.5 capped
    assert central.scores["IT"] == 110
    local = score("local", **{"IT.7": 5})
    assert local.scores["IT"] == 105


# --- V: exit interview, п. 35 --------------------------------------------------------------

def test_tv_v1_coverage_times_five():
    # TV-V1: a = 18, b = 20 -> 5 × 18/20 = 4.5
    result = score(app1_g3=12, app1_g4=10, app1_g5=8, app1_g6=8)
    assert exact(result, "HR.1.3") == F(5) * F(18, 20) == F(9, 2)


def test_tv_v2_more_than_half_negative_costs_one_and_a_half():
    # TV-V2: 10 of 18 respondents cite negative aspects (55.6 %) -> 4.5 − 1.5 = 3.0
    result = score(app1_g3=12, app1_g4=10, app1_g5=8, app1_g6=8, exit_negative=10)
    assert exact(result, "HR.1.3") == F(9, 2) - F(3, 2) == 3


def test_tv_v3_exactly_half_is_not_a_majority():
    # TV-V3: "более 50%": 9 of 18 -> no penalty
    result = score(app1_g3=12, app1_g4=10, app1_g5=8, app1_g6=8, exit_negative=9)
    assert exact(result, "HR.1.3") == F(9, 2)


def test_v_majority_base_option_a5():
    """Reading A5: by default the share is over respondents (10/18 > 50%);
    option A5 = leavers counts it over all 20 leavers (10/20 = 50%: no penalty)."""
    raw = dict(app1_g3=12, app1_g4=10, app1_g5=8, app1_g6=8, exit_negative=10)
    assert exact(score(**raw), "HR.1.3") == 3
    assert exact(score(options={"A5": "leavers"}, **raw), "HR.1.3") == F(9, 2)
    assert exact(score(options={"A5": "leavers"}, **{**raw, "exit_negative": 11}), "HR.1.3") == 3


def test_tv_v4_no_leavers_scores_the_maximum_or_zero_by_option_a4():
    result = score(explain=True, app1_g3=0, app1_g4=0, app1_g5=0, app1_g6=0)
    assert result.scores["HR.1.3"] == 5
    node = explanation_node(result.explanation, "HR.1.3")
    assert node["status"] == "zero_denominator"
    assert score(options={"A4": "zero"}, app1_g3=0, app1_g4=0, app1_g5=0, app1_g6=0).scores["HR.1.3"] == 0


def test_v_floor_before_and_after_option_a3():
    """Coverage 4/20 -> 1.0; the penalty makes it −0.5. Reading A3 'before' floors V at 0;
    'after' keeps −0.5, which the other K1 indicators absorb."""
    raw = dict(app1_g3=12, app1_g4=2, app1_g5=8, app1_g6=2, exit_negative=3)
    before = score(**raw)
    assert before.scores["HR.1.3"] == 0 and before.scores["HR.1"] == 25
    after = score(options={"A3": "after"}, **raw)
    assert exact(after, "HR.1.3") == F(5) * F(4, 20) - F(3, 2) == F(-1, 2)
    assert exact(after, "HR.1") == 25 - F(1, 2)


def test_v_respondents_cannot_exceed_leavers():
    with pytest.raises(InputError, match="column 4"):
        score(app1_g3=2, app1_g4=3)


# --- P: qualitative composition, п. 37 ---------------------------------------------------------

def test_tv_p1_share_of_qualified_staff():
    # TV-P1: a..j = 3,1,2,10,5,2,4,0,1,40 (Σ = 68), z = 200 -> 5 × 68/200 = 1.7
    columns = {"app7_g4": 3, "app7_g5": 1, "app7_g6": 2, "app7_g7": 10, "app7_g8": 5, "app7_g3": 2,
               "app7_g9": 4, "app7_g10": 0, "app7_g11": 1, "app7_g12": 40}
    result = score(hr_ags_avg=200, **columns)
    assert exact(result, "HR.1.5") == F(5 * 68, 200) == F(17, 10)


def test_tv_p2_capped_at_five():
    # TV-P2: Σ = 260 over z = 200 -> 6.5, capped at the maximum 5 (reading A7)
    result = score(explain=True, hr_ags_avg=200, app7_g12=260)
    assert result.scores["HR.1.5"] == 5
    assert any(n["code"] == "cap_applied" for n in explanation_node(result.explanation, "HR.1.5")["notes"])


def test_average_headcount_may_be_fractional_but_not_zero():
    assert exact(score(hr_ags_avg="62.5", app7_g12=25), "HR.1.5") == F(5 * 25) / F(125, 2)
    with pytest.raises(InputError, match="average AGS headcount"):
        score(hr_ags_avg=0)


# --- N: normalisation of labour, п. 40 -------------------------------------------------------------

def n1(d: int, n: F, m: F) -> F:
    """п. 40(1): b = (d − 21) × 8; a = (b·n + m)/n; N1 = 5 × (1 − 8 × (a − b)/b), floored at 0."""
    b = F(d - 21) * 8
    a = (b * n + m) / n
    return max(F(0), 5 * (1 - 8 * (a - b) / b))


@pytest.mark.parametrize("tv,m,expected", [
    ("TV-N1a", 11450, F(5, 2)),   # a = 1946.5, (a−b)/b = 0.0625, ×8 = 0.5
    ("TV-N1b", 0, F(5)),          # no overtime
    ("TV-N1c", 22900, F(0)),      # 229 h per person = 1 h on each of 229 days
    ("TV-N1d", 30000, F(0)),      # raw −1.5502…, floored
])
def test_tv_n1(tv, m, expected):
    result = score(n1_workdays=250, n1_headcount_avg=100, pass_m=m)
    assert n1(250, F(100), F(m)) == expected
    assert exact(result, "HR.2.1.1") == expected


def test_tv_n1d_negative_result_is_floored_and_explained():
    result = score(explain=True, n1_workdays=250, n1_headcount_avg=100, pass_m=30000)
    raw = 5 * (1 - 8 * F(300) / F(1832))
    assert round(float(raw), 4) == -1.5502
    node = explanation_node(result.explanation, "HR.2.1.1")
    assert node["score"] == "0.00"
    assert any(n["code"] == "floor_applied" for n in node["notes"])


def test_tv_n2_mean_agreement_index():
    # TV-N2: i1..i4 = 0.8, 0.7, 0.9, 0.6 -> 5 × 0.75 = 3.75
    result = score(survey_i1="0.8", survey_i2="0.7", survey_i3="0.9", survey_i4="0.6")
    assert exact(result, "HR.2.1.2") == F(15, 4)


@pytest.mark.parametrize("tv,p,penalty", [
    ("TV-S1", 1500, 1),           # s = 15
    ("TV-S2", 899, 0),            # s = 8.99: below 9
    ("TV-S3", 900, 1),            # s = 9: "9-184 часов"
    ("TV-S4", 18400, 1),          # s = 184: still "9-184"
    ("TV-S5", 18401, 2),          # s = 184.01: "свыше 184 часов"
])
def test_tv_weekend_scale(tv, p, penalty):
    result = score(pass_p=p, n1_headcount_avg=100)
    assert result.scores["HR.2.1.3"] == -penalty
    assert result.scores["HR.2.1"] == 10 - penalty


def test_weekend_scale_on_the_unrounded_average():
    """s = 8.995 would print as 9.00 but is below 9 (reading A10)."""
    assert score(pass_p="899.5", n1_headcount_avg=100).scores["HR.2.1.3"] == 0


def test_tv_n_combined():
    # TV-N: N1 = 2.5, N2 = 3.75, s = 15 -> 2.5 + 3.75 − 1 = 5.25
    result = score(pass_m=11450, pass_p=1500, survey_i1="0.8", survey_i2="0.7", survey_i3="0.9", survey_i4="0.6")
    assert exact(result, "HR.2.1") == F(5, 2) + F(15, 4) - 1 == F(21, 4)


def test_n_floor_before_or_after_the_bonus_option_a3():
    """N1 = 0 (1 h/day of overtime), N2 = 5 × 0.1 = 0.5, s = 200 -> penalty 2. 'before': N is
    floored at 0 before O adds the bonuses; 'after': N = −1.5 and the bonus I absorbs it."""
    raw = dict(pass_m=22900, pass_p=20000, survey_i1="0.1", survey_i2="0.1", survey_i3="0.1", survey_i4="0.1",
               intern_sent=11)
    before = score(**raw)
    assert before.scores["HR.2.1.3"] == F(-1, 2) and before.scores["HR.2.1"] == 0
    assert before.scores["HR.2"] == 0 + 5 + 5 + 5 + 5 + 2          # N T Y U S I
    after = score(options={"A3": "after"}, **raw)
    assert after.scores["HR.2.1.3"] == -2
    assert exact(after, "HR.2.1") == F(1, 2) - 2
    assert exact(after, "HR.2") == F(-3, 2) + 5 + 5 + 5 + 5 + 2


# --- U: training, п. 44 -------------------------------------------------------------------------------

def u(a, b, c, d, late, missed) -> F:
    ratio = lambda x, y: F(1) if y == 0 else F(x, y)
    return 5 * F(1, 2) * (ratio(a, b) + ratio(c, d)) - min(F(5), F(1, 2) * late + missed)


def test_tv_u1_ratios_and_penalties():
    # TV-U1: 5 × 0.5 × (0.9 + 0.8) = 4.25, penalty 0.5×2 + 1×3 = 4 -> 0.25
    result = score(training_a=45, training_b=50, training_c=8, training_d=10, training_late=2, training_missed=3)
    assert exact(result, "HR.2.4") == u(45, 50, 8, 10, 2, 3) == F(1, 4)


def test_tv_u2_nobody_due_for_retraining_counts_as_one():
    # TV-U2: "При отсутствии … подлежащих переподготовке … c/d = 1"
    result = score(training_a=50, training_b=50, training_c=0, training_d=0)
    assert result.scores["HR.2.4"] == 5


def test_nobody_due_at_all_scores_five():
    assert score(training_a=0, training_b=0, training_c=0, training_d=0).scores["HR.2.4"] == 5


def test_tv_u3_penalty_capped_at_five_and_floor_by_option_a3():
    # TV-U3: base 5 × 0.5 × (0.8 + 0.6) = 3.5, penalty min(8, 5) = 5 -> −1.5, floored at 0 by default
    raw = dict(training_a=40, training_b=50, training_c=6, training_d=10, training_late=0, training_missed=8)
    assert u(40, 50, 6, 10, 0, 8) == F(-3, 2)
    assert score(**raw).scores["HR.2.4"] == 0
    assert exact(score(options={"A3": "after"}, **raw), "HR.2.4") == F(-3, 2)


# --- S: strategic HR planning, п. 45 -------------------------------------------------------------------

@pytest.mark.parametrize("tv,approved,content,submitted,pct,expected", [
    ("TV-SS1", True, True, True, "85", 5),          # 2 + 3
    ("TV-SS2", True, False, True, "79.99", 3),      # 1 + 2
    ("TV-SS3", True, True, True, "40", 3),          # 2 + 1
    ("TV-SS4", True, True, True, "39.99", 2),       # 2 + 0
    ("TV-SS5", False, False, False, "0", 0),        # no strategy, no information
    ("80 exactly", True, True, True, "80", 5),      # "не менее 80%"
    ("60 exactly", True, True, True, "60", 4),
    ("79.995 (A14 half-open)", True, True, True, "79.995", 4),
    ("no information on execution", True, True, False, "95", 2),
    ("no strategy, execution claimed (A14)", False, False, True, "95", 0),
])
def test_tv_strategy(tv, approved, content, submitted, pct, expected):
    result = score(strategy_approved=approved, strategy_content_ok=content, strategy_info_submitted=submitted,
                   strategy_execution_pct=pct)
    assert result.scores["HR.2.5"] == expected


# --- I and K: bonus indicators, пп. 45-1, 45-2 -----------------------------------------------------------

@pytest.mark.parametrize("tv,received,sent,expected", [
    ("TV-I1", 11, 10, 2),     # 21 of 200 = 10.5 %: "более 10%"
    ("TV-I2", 10, 10, 1),     # exactly 10 %: "не более 10%"
    ("TV-I3", 5, 5, 1),       # exactly 5 %: "не менее 5%"
    ("TV-I4", 4, 5, 0),       # 4.5 %
])
def test_tv_internships(tv, received, sent, expected):
    assert score(hr_ags_avg=200, app7_g12=200, intern_received=received, intern_sent=sent).scores["HR.2.6"] == expected


@pytest.mark.parametrize("tv,files,expected", [("TV-K1", 990, F(3, 2)), ("TV-K2", 989, 0)])
def test_tv_ekyzmet(tv, files, expected):
    assert score(ekyzmet_files_ok=files, ekyzmet_servants=1000).scores["HR.2.7"] == expected


def test_tv_o1_labour_organisation_sum():
    """TV-O1: N = 5.25, T = 4, Y = 3.5, S = 5, U = 4.25, I = 2, K = 1.5 -> O = 25.5 (п. 39)."""
    result = score(pass_m=11450, pass_p=1500, survey_i1="0.8", survey_i2="0.7", survey_i3="0.9", survey_i4="0.6",
                   **{"HR.2.2": 4, "HR.2.3": "3.5"},
                   training_a=45, training_b=50, training_c=8, training_d=10,
                   intern_received=11, ekyzmet_files_ok=99)
    assert exact(result, "HR.2.4") == F(17, 4)
    assert exact(result, "HR.2") == F(21, 4) + 4 + F(7, 2) + 5 + F(17, 4) + 2 + F(3, 2) == F(51, 2)


def test_tv_o2_capped_at_thirty():
    """TV-O2: 10 + 5 + 5 + 5 + 5 + 2 + 1.5 = 33.5 -> 30 (reading A2)."""
    result = score(explain=True, intern_received=11, ekyzmet_files_ok=100)
    assert result.scores["HR.2"] == 30
    notes = explanation_node(result.explanation, "HR.2")["notes"]
    assert any(n["code"] == "cap_applied" and "33.5" in n["text"] for n in notes)


# --- A, C, D: meritocracy and organisational culture -------------------------------------------------------

@pytest.mark.parametrize("tv,observers,video,held,violations,expected", [
    ("TV-A1", 8, 10, 10, 0, F(9)),      # 10 × 18/20
    ("TV-A2", 8, 10, 10, 3, F(6)),      # 9 − 3
    ("TV-A3", 10, 10, 10, 0, F(10)),
    ("penalty capped at 10", 10, 10, 10, 14, F(0)),
])
def test_tv_competitions(tv, observers, video, held, violations, expected):
    result = score(app2_observers=observers, app2_video=video, app2_held=held,
                   competition_video_violations=violations)
    assert exact(result, "HR.3.1") == expected


def test_competition_penalty_below_zero_only_after_option_a3():
    raw = dict(app2_observers=2, app2_video=2, app2_held=10, competition_video_violations=12)
    assert score(**raw).scores["HR.3.1"] == 0
    assert exact(score(options={"A3": "after"}, **raw), "HR.3.1") == F(10 * 4, 20) - 10 == -8


def test_no_competition_held_option_a4():
    raw = dict(app2_observers=0, app2_video=0, app2_held=0)
    assert score(**raw).scores["HR.3.1"] == 10
    assert score(options={"A4": "zero"}, **raw).scores["HR.3.1"] == 0


@pytest.mark.parametrize("tv,a,b,expected", [
    ("TV-C1", 40, 50, F(10)),          # kr = 0.80 -> maximum
    ("TV-C2", 39, 50, F(78, 10)),      # kr = 0.78 -> 10 × 0.78
    ("TV-C3", 0, 10, F(0)),
    ("kr = 0.79 -> 7.9 (the step to 10 is the act's)", 79, 100, F(79, 10)),
])
def test_tv_career(tv, a, b, expected):
    assert exact(score(career_a=a, career_b=b), "HR.3.3") == expected


def test_career_a_above_b_is_a_warning_and_scores_ten():
    scorer = cohort()
    body = scorer.validate(Submission("b1", "x", base_raw(career_a=12, career_b=10), profile="central"))
    assert any("a exceeds b" in str(w) for w in body.warnings)
    assert scorer.score([body])[0].scores["HR.3.3"] == 10


def test_career_no_promotions_option_a4():
    assert score(career_a=0, career_b=0).scores["HR.3.3"] == 10
    assert score(options={"A4": "zero"}, career_a=0, career_b=0).scores["HR.3.3"] == 0


def test_tv_d_incentives():
    # TV-D: 5 × mean(0.6, 0.5, 0.7, 0.8) = 3.25
    result = score(survey_i19="0.6", survey_i20="0.5", survey_i21="0.7", survey_i22="0.8")
    assert exact(result, "HR.3.4") == F(13, 4)


# --- IT direction ---------------------------------------------------------------------------------------------

SPHERES = ("smart_edu", "smart_health", "smart_transport", "smart_roads", "smart_security", "smart_tourism",
           "smart_housing", "smart_ecology", "smart_governance")


def spheres(total: int) -> dict:
    """Nine sphere scores adding up to ``total``."""
    share, rest = divmod(total, 9)
    return {key: share + (rest if i == 0 else 0) for i, key in enumerate(SPHERES)}


@pytest.mark.parametrize("tv,total,expected", [
    ("TV-B1", 4830, F(7)), ("TV-B2", 6900, F(10)), ("TV-B3", 3450, F(5)), ("above 6900 (capped)", 7200, F(10)),
])
def test_tv_smart_cities(tv, total, expected):
    # п. 69-2/69-3: B% = B_sum / 6900 × 100, converted to the weight 10
    result = score("local", **spheres(total))
    assert exact(result, "IT.2") == min(F(total, 6900), 1) * 100 * 10 / 100 == expected


def test_smart_cities_and_registry_belong_to_one_profile_each():
    """п. 66: B applies to MIO only; п. 78-1: H applies to CGO only (Appendix 16 '–')."""
    central, local = score("central"), score("local")
    assert "IT.2" not in central.scores and "IT.8" in central.scores
    assert "IT.8" not in local.scores and "IT.2" in local.scores
    with pytest.raises(InputError, match=r"\(smart_edu\) belong to profile .local., but the body is read as .central."):
        score("central", smart_edu=10)


@pytest.mark.parametrize("tv,profile,c,d,expected", [
    ("TV-L1", "central", 12, 15, F(16)),    # 20 × 0.8
    ("TV-L2", "local", 6, 10, F(6)),        # 10 × 0.6
])
def test_tv_it_staff(tv, profile, c, d, expected):
    assert exact(score(profile, app8_t3_g3=c, app8_t3_g2=d), "IT.5") == expected


def test_it_staff_without_digital_unit_scores_zero():
    result = score(explain=True, app8_t3_g3=0, app8_t3_g2=0)
    assert result.scores["IT.5"] == 0
    assert explanation_node(result.explanation, "IT.5")["status"] == "zero_denominator"


def test_tv_j_and_h():
    # TV-J: 5 × 30/600 = 0.25; TV-H: 5 × 40/160 = 1.25
    result = score(app8_t4_g3=30, app8_t4_g2=600, app8_t6_g3=40, app8_t6_g2=160)
    assert exact(result, "IT.6") == F(1, 4)
    assert exact(result, "IT.8") == F(5, 4)


def test_tv_it1_central_direction_total():
    """TV-IT1: A 27 + B 0 + C 18 + E 20 + L 16 + J 0.25 + F 3 + H 1.25 − D 2 = 83.5 (п. 81)."""
    result = score(**{"IT.1": 27, "IT.3": 18, "IT.4": 20, "IT.7": 3, "IT.9": -2},
                   app8_t3_g3=12, app8_t3_g2=15, app8_t4_g3=30, app8_t4_g2=600, app8_t6_g3=40, app8_t6_g2=160)
    assert exact(result, "IT") == 27 + 0 + 18 + 20 + 16 + F(1, 4) + 3 + F(5, 4) - 2 == F(167, 2)
    assert shown(result, "IT") == Decimal("83.50")


def test_tv_it2_local_direction_total():
    """TV-IT2: A 25 + B 7 + C 16 + E 22 + L 6 + J 1 + F 2 + H 0 − D 1 = 78.0 (п. 81)."""
    result = score("local", **{"IT.1": 25, "IT.3": 16, "IT.4": 22, "IT.7": 2, "IT.9": -1}, **spheres(4830),
                   app8_t3_g3=6, app8_t3_g2=10, app8_t4_g3=20, app8_t4_g2=100)
    assert exact(result, "IT") == 25 + 7 + 16 + 22 + 6 + 1 + 2 + 0 - 1 == 78


# --- entered and reconstructed rules -------------------------------------------------------------------------

def test_entered_points_are_bounded_and_need_a_comment():
    with pytest.raises(InputError, match="above the maximum 10"):
        score(**{"HR.1.1": 11})
    with pytest.raises(InputError, match="below the minimum -100"):
        score(**{"IT.9": -101})
    with pytest.raises(InputError, match="entered_HR_1_2_comment"):
        score(entered_HR_1_2_comment=None)


def test_entered_and_provisional_notes_in_the_explanation():
    result = score(explain=True, **{"HR.1.1": 7})
    turnover = explanation_node(result.explanation, "HR.1.1")
    assert turnover["provenance"] == "entered" and turnover["score"] == "7.00"
    assert any(n["code"] == "entered" and "test: HR.1.1" in n["text"] for n in turnover["notes"])
    for node_id in ("HR.1.3", "HR.1.5", "HR.2.1.1", "HR.2.1.2", "HR.2.1.3", "HR.2.4", "HR.3.1", "HR.3.3",
                    "HR.3.4", "IT.5", "IT.6", "IT.8"):
        node = explanation_node(result.explanation, node_id)
        assert node["notes"][0]["code"] == "provisional", node_id
    for node_id in ("HR.2.5", "HR.2.6", "HR.2.7", "HR.2.1", "HR.2"):
        assert explanation_node(result.explanation, node_id)["provenance"] == "verbatim"


# --- reporting penalties, п. 24 -------------------------------------------------------------------------------

def test_tv_pen_reporting_penalties_capped_at_ten_per_direction():
    """TV-PEN: HR facts worth 12 points -> 10 deducted (п. 24); the IT direction has its own cap."""
    result = score(explain=True, penalties=[
        AppliedPenalty("reporting", 700, "HR", "unreliable facts"),
        AppliedPenalty("reporting", 500, "HR", "late report"),
        AppliedPenalty("reporting", 150, "IT", "incomplete App 8"),
    ])
    assert result.scores["HR"] == 100 - 10
    assert exact(result, "IT") == 100 - F(3, 2)
    assert result.total == 200 - 10 - F(3, 2)
    capped = {line["node"]: line["capped"] for line in result.explanation["penalties"]}
    assert capped == {"HR": True, "IT": False}


def test_penalty_must_name_a_direction():
    from bagalau.engine.scoring import ScoringError
    with pytest.raises(ScoringError, match="capped per direction"):
        score(penalties=[AppliedPenalty("reporting", 10, None)])


# --- issue 7, rules 6 and 7 ---------------------------------------------------------------------

@pytest.mark.parametrize("options,it,total", [({}, -30, 70), ({"A23": "floor"}, 0, 100)])
def test_para81_it_direction_is_not_floored_unless_option_a23(options, it, total):
    """п. 81: "I = A + B + C + E + L + J + F + H – D" — a plain formula with no lower bound;
    where the act floors it says so in words (п. 40(1): "со знаком минус, государственному
    органу присваивается 0 баллов", for N1 alone). A = 0 and D = −100 with the other criteria
    at their maxima (70) give I = −30 (reading A23); option A23 = floor keeps the earlier 0.
    The total HR + IT = 100 − 30 stays above min_total."""
    result = score(options=options, explain=True, **{"IT.1": 0, "IT.9": -100})
    assert result.scores["IT"] == it and result.total == total
    notes = explanation_node(result.explanation, "IT")["notes"]
    assert any(n["code"] == "floor_applied" for n in notes) is (it == 0)


def test_para40_2_explanation_shows_the_penalty_set_and_the_amount_taken():
    """п. 40(2): "9-184 часов 1 штрафной балл; свыше 184 часов 2 штрафных балла". s = 200 h
    sets 2 points; with N1 = 0 (1 h/day of overtime) and N2 = 5 × 0.25 = 1.25, option A3 =
    before takes at most N1 + N2 = 1.25. The explanation shows both: 2 set, 1.25 taken."""
    result = score(explain=True, pass_m=22900, pass_p=20000, survey_i1="0.25", survey_i2="0.25",
                   survey_i3="0.25", survey_i4="0.25")
    entry = explanation_node(result.explanation, "HR.2.1.3")
    assert entry["score"] == "-1.25"
    assert entry["parameters"]["weekend_penalty_set"] == "2"
    assert entry["parameters"]["weekend_penalty_taken"] == "1.25"
    explained = next(n["text"] for n in entry["notes"] if n["code"] == "explained")
    assert "sets 2 penalty point(s)" in explained and "1.25 taken" in explained
    after = score(options={"A3": "after"}, explain=True, pass_m=22900, pass_p=20000, survey_i1="0.25",
                  survey_i2="0.25", survey_i3="0.25", survey_i4="0.25")
    entry = explanation_node(after.explanation, "HR.2.1.3")
    assert entry["score"] == "-2.00" and entry["parameters"]["weekend_penalty_taken"] == "2"
