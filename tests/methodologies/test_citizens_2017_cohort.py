"""Rules of citizens-2017 that involve other bodies, options, penalties and inputs.

§31: "if none of the evaluated body's service types was in the public monitoring …
the body gets, on this indicator, the average of the results of the state bodies
whose services were monitored." Read (A3) as the average P1 of the monitored
bodies of the same profile, since the central and local App 6 scales differ.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction as F

import pytest

from bagalau.engine.inputs import InputError, Submission
from bagalau.engine.cohort import CohortScorer
from bagalau.engine.scoring import AppliedPenalty, ScoringError
from support.citizens_2017 import EDITION, near, node, perfect_raw, score, score_cohort


# A satisfaction level inside each row of the central App 6 table (rows 1–6).
CENTRAL_ROW_LEVEL = {1: "4.90", 2: "4.70", 3: "4.50", 4: "4.30", 5: "4.10", 6: "3.50"}


def central_with(row: int, **extra) -> dict:
    """A central body with one monitored service type in App 6 row ``row``."""
    return perfect_raw("central", qs1_levels=[CENTRAL_ROW_LEVEL[row]], **extra)


def unmonitored(profile: str, **extra) -> dict:
    """No service type of the body was in the public monitoring: an empty list of levels."""
    return perfect_raw(profile, qs1_levels=[], **extra)


# --- §31 --------------------------------------------------------------------------

def test_unmonitored_body_gets_the_average_of_the_monitored_bodies():
    """Three monitored ministries with P1 = 15, 12 and 9 (App 6 rows 1–3); an akimat with
    P1 = 35 must not count; the unmonitored ministry gets (15 + 12 + 9)/3 = 12."""
    results = score_cohort([
        ("m1", "central", central_with(1)), ("m2", "central", central_with(2)), ("m3", "central", central_with(3)),
        ("a1", "local", perfect_raw("local")),
        ("x", "central", unmonitored("central")),
    ])
    assert [results[b].scores["QS.1.P1"] for b in ("m1", "m2", "m3")] == [15, 12, 9]
    assert results["x"].scores["QS.1.P1"] == 12
    assert results["x"].scores["QS.1"] == 12 + 5
    entry = node(results["x"].explanation, "QS.1.P1")
    assert entry["status"] == "cohort_average"
    note = next(n for n in entry["notes"] if n["code"] == "cohort_average")
    assert {b["id"]: Decimal(b["score"]) for b in note["bodies"]} == {"m1": 15, "m2": 12, "m3": 9}
    assert "§31" in note["text"] and "12" in note["text"]
    # The monitored bodies keep their own scores.
    assert node(results["m2"].explanation, "QS.1.P1")["status"] == "scored"


def test_unmonitored_akimat_gets_the_local_average_with_its_own_scale():
    """Local App 6: rows 1 and 4 → 35 and 20; the unmonitored akimat gets 27.5, not a mix with
    a central body's 15."""
    results = score_cohort([
        ("a1", "local", perfect_raw("local", qs1_levels=["4.95"])),   # row 1: 35
        ("a2", "local", perfect_raw("local", qs1_levels=["4.50"])),   # row 4: 20
        ("m1", "central", central_with(1)),
        ("y", "local", unmonitored("local")),
    ])
    assert results["y"].scores["QS.1.P1"] == Decimal("27.5")
    note = next(n for n in node(results["y"].explanation, "QS.1.P1")["notes"] if n["code"] == "cohort_average")
    assert [b["id"] for b in note["bodies"]] == ["a1", "a2"]


def test_the_average_is_of_p1_over_service_types_per_body_not_per_service():
    """A body with 3 service types (15, 15, 0 → P1 = 10) and one with 1 (→ 12) average to 11,
    not to 42/4 = 10.5: the §31 average is over bodies' results."""
    results = score_cohort([
        ("m1", "central", perfect_raw("central", qs1_levels=["4.85", "5", "3.2"])),
        ("m2", "central", central_with(2)),
        ("x", "central", unmonitored("central")),
    ])
    assert results["m1"].scores["QS.1.P1"] == 10
    assert results["x"].scores["QS.1.P1"] == 11


def test_two_unmonitored_bodies_do_not_feed_each_other():
    results = score_cohort([
        ("m1", "central", central_with(4)),
        ("x1", "central", unmonitored("central")), ("x2", "central", unmonitored("central")),
    ])
    assert results["x1"].scores["QS.1.P1"] == results["x2"].scores["QS.1.P1"] == 6


def test_no_monitored_body_of_the_profile_is_an_error():
    with pytest.raises(ScoringError, match="QS.1.P1"):
        score_cohort([("a1", "local", perfect_raw("local")), ("x", "central", unmonitored("central"))])


def test_a_body_scored_alone_states_the_zero_denominator():
    """Outside a cohort nothing can be averaged: the cohort scorer refuses, and a plain
    scorer gives 0 with the zero-denominator note that points to §31."""
    with pytest.raises(ScoringError, match="no body of the cohort qualifies"):
        score(unmonitored("central"), "central")
    from bagalau.engine import catalog
    from bagalau.engine.inputs import validate
    from bagalau.engine.scoring import Scorer
    compiled = catalog.load(EDITION, "central")
    values = validate(compiled, Submission("x", "X", unmonitored("central"), profile="central")).values
    result = Scorer(compiled).score("x", values, explain=True)
    entry = node(result.explanation, "QS.1.P1")
    assert result.scores["QS.1.P1"] == 0 and entry["status"] == "zero_denominator"
    assert "§31" in entry["notes"][-1]["text"]


# --- penalties (§12–15, §40) ---------------------------------------------------------

def test_unreliable_facts_are_capped_per_direction_and_lower_the_block():
    penalties = [AppliedPenalty("unreliable_fact", 10, "QS", "fact 1–10"),
                 AppliedPenalty("unreliable_fact", 40, "OP", "facts 11–50"),
                 AppliedPenalty("unreliable_fact", 1, "CA", "fact 51")]
    result = score(perfect_raw("central"), "central", penalties=penalties, explain=True)
    assert result.scores["QS"] == 98
    assert near(result.scores["OP"], 95)          # 8 points capped at 5
    assert result.scores["CA"] == Decimal("99.8")  # App 18 has no penalty row, the penalty applies (A22)
    assert near(result.total, (98 + 95 + F("99.8")) / 3)
    assert result.penalty == Decimal("7.2")
    lines = {line["node"]: line for line in result.explanation["penalties"]}
    assert lines["OP"]["capped"] and Decimal(lines["OP"]["amount"]) == 5


def test_late_entry_deduction_is_on_qs2_only():
    result = score(perfect_raw("central", qs2_late_entry_facts=50), "central", explain=True)
    assert result.scores["QS.2"] == 19
    assert result.scores["QS"] == 99
    assert any(n["code"] == "deduction" and "§40" in n["text"] for n in node(result.explanation, "QS.2")["notes"])


# --- options ---------------------------------------------------------------------------

def test_option_a1_sum_of_directions():
    result = score(perfect_raw("local", ca_late=10), "local", options={"A1": "sum"})
    assert result.total == 100 + 100 + 90


def test_option_a11_ic5_without_late_services():
    assert score(perfect_raw("central"), "central").scores["QS.4.5"] == 3
    assert score(perfect_raw("central"), "central", options={"A11": "zero"}).scores["QS.4.5"] == 0


def test_option_a15_complaints_per_recipient_or_per_service():
    raw = perfect_raw("central", qs3_complaints_justified=30, qs3_recipients=10_000, qs3_services=20_000)
    assert score(raw, "central").scores["QS.3.T5"] == 2                                         # 5 − 3
    assert score(raw, "central", options={"A15": "services"}).scores["QS.3.T5"] == Decimal("3.5")  # 5 − 1.5


def test_option_a16_nothing_to_optimise():
    raw = perfect_raw("central", qs7_c=0, qs7_n=0)
    assert score(raw, "central").scores["QS.7.T"] == 5
    assert score(raw, "central", options={"A16": "zero"}).scores["QS.7.T"] == 0


def test_optimised_share_is_capped():
    result = score(perfect_raw("central", qs7_c=12, qs7_n=10), "central", explain=True)
    assert result.scores["QS.7.T"] == 5
    assert any(n["code"] == "share_clamped" for n in node(result.explanation, "QS.7.T")["notes"])


def test_option_a24_absolute_reading():
    raw = perfect_raw("central", ca_considered=2000, ca_court_upheld=100, ca_higher_satisfied=200, ca_satisfied=1000)
    assert score(raw, "central").scores["CA.2"] == 40 - F(300, 2000) * 100             # 25
    assert score(raw, "central", options={"A24": "absolute"}).scores["CA.2"] == 40 - 3  # 300/100


def test_ca2_with_no_complaints_considered():
    raw = perfect_raw("local", ca_considered=0, ca_satisfied=0)
    result = score(raw, "local", explain=True)
    assert result.scores["CA.2"] == 40 and result.scores["CA.1"] == 40
    assert node(result.explanation, "CA.2")["status"] == "zero_denominator"


@pytest.mark.parametrize("missing,broken,links,all_", [(0, 1, "0.35", "0.35"), (4, 0, "0", "0.225"),
                                                      (1, 5, "0.075", "0.225"), (0, 9, "0.225", "0.225")])
def test_option_a26_app14_item_2_3(missing, broken, links, all_):
    raw = perfect_raw("central", op21_missing_elements=missing, op21_sitemap_broken_links=broken)
    for option, kept in (("links", links), ("all", all_)):
        result = score(raw, "central", options={"A26": option})
        assert result.scores["OP.2.1"] == 5 - (Decimal("0.45") - Decimal(kept)) / 10 * 5, option


def test_option_a28_budget_section_for_the_national_bank():
    """App 15 T1: section 1.6 does not apply to the National Bank. Left out, the other
    sections (48 points) are scaled to 50; counted as met, it adds 2."""
    raw = perfect_raw("central", app15c_1_6_applies=False, app15c_kk_1_8_1=False, app15c_ru_1_8_1=False)
    lost_per_version = F(7, 7)  # section 1.8: 7 points, 1 of 7 items missing
    rescaled = score(raw, "central")
    assert near(rescaled.scores["OP.2.2"], (2 * (48 - lost_per_version) * F(50, 48)) / 100 * 10)
    full = score(raw, "central", options={"A28": "full"})
    assert near(full.scores["OP.2.2"], (2 * (50 - lost_per_version)) / 100 * 10)


@pytest.mark.parametrize("option,no_drafts,no_comments,lost", [
    ("separate", True, False, "1"),      # drafting parameters full (2 + 1 + 0.4); monitoring (1) absent
    ("separate", False, True, "3.4"),    # monitoring full; posting (2), forms (1), documents (0.4) absent
    ("both", True, False, "4.4"),        # nothing full: all five parameters absent
    ("both", True, True, "0"),           # both cases: everything full
])
def test_option_p81_open_legal_acts(option, no_drafts, no_comments, lost):
    """A central body that posted nothing on the Open Legal Acts portal in the Kazakh
    version. Reading 'separate': no drafts planned → the drafting parameters are full; no
    comments → the monitoring parameter is full. Reading 'both': full only when both."""
    absent = {f"app12c_npa_kk_{i}_posted": False for i in range(1, 6)}
    raw = perfect_raw("central", app13_no_draft_laws=no_drafts, app13_no_draft_acts=no_drafts,
                      app13_no_user_comments=no_comments, **absent)
    result = score(raw, "central", options={"P81": option})
    assert near(result.scores["OP.1.3"], (F("8.8") - F(lost)) / F("8.8") * 20)


# --- the mobile version (§96–99) -------------------------------------------------------

@pytest.mark.parametrize("mode,link_back,expected", [
    ("auto", True, 5), ("auto", False, 4), ("link", True, 3), ("link", False, 2), ("none", False, 0),
])
def test_mobile_coefficient_and_link_penalty(mode, link_back, expected):
    raw = perfect_raw("local", op23_mobile_exists=mode != "none", op23_auto_load=mode == "auto",
                      op23_link_to_mobile=mode == "link", op23_link_to_main=link_back)
    if mode == "none":
        raw.update({key: False for key in raw if key.startswith("app16l_") and not key.endswith("_defects")})
    assert score(raw, "local").scores["OP.2.3"] == expected


def test_mobile_penalty_does_not_go_below_zero():
    """Main version loads without a link to a mobile one: no assessment (0, §96); the −1 of §99
    does not make it negative."""
    raw = perfect_raw("central", op23_auto_load=False, op23_link_to_mobile=False, op23_link_to_main=False)
    assert score(raw, "central").scores["OP.2.3"] == 0


# --- inputs ---------------------------------------------------------------------------

def test_satisfaction_levels_are_on_the_0_to_5_scale():
    """App 6 bands a level of the 0–5 public-monitoring scale; 5.2 is not one."""
    cohort = CohortScorer(EDITION)
    with pytest.raises(InputError) as error:
        cohort.validate(Submission("b", "B", perfect_raw("central", qs1_levels=["4.9", "5.2"]), profile="central"))
    assert any(p.field == "qs1_levels" and "value 2" in p.reason for p in error.value.problems)


def test_satisfaction_levels_from_a_spreadsheet_cell():
    """In the XLSX template the levels are one comma-separated cell with decimal points:
    "4.85, 4.62, 3.90" → 15, 12, 0 → P1 = 9 (TV-01)."""
    result = score(perfect_raw("central", qs1_levels="4.85, 4.62, 3.90"), "central")
    assert result.scores["QS.1.P1"] == 9


def test_a_central_only_input_is_not_asked_of_local_bodies():
    cohort = CohortScorer(EDITION)
    local = cohort.scorer("local").compiled.inputs
    assert "qs7_v_z" not in local and "qs1_levels" in local
    assert "qs7_v_z" in cohort.scorer("central").compiled.inputs


def test_late_services_cannot_exceed_services_rendered():
    cohort = CohortScorer(EDITION)
    with pytest.raises(InputError):
        cohort.validate(Submission("b", "B", perfect_raw("local", qs2_a=30, qs2_b=20), profile="local"))


# --- the direction floor after the §15 penalty (issue 7, rule 2; reading A31) ----------

def _weak_openness(profile: str) -> dict:
    """Nothing posted, no search positions, no navigation: OP earns 2.45 points."""
    raw = perfect_raw(profile)
    for key, value in list(raw.items()):
        if key.startswith(("app12", "op2", "app15", "app16")) and value is True:
            raw[key] = False
        if key.startswith("app12") and key.endswith("answered_pct"):
            raw[key] = 0
    raw.update(op21_search_positions=[None] * 6, op21_navigation_pct=0)
    return raw


def test_direction_is_floored_at_0_after_the_paragraph_15_penalty():
    """§15: "За представление государственным органом недостоверной отчетной
    информации предусматривается вычитание 0,2 штрафных баллов за каждый
    зафиксированный факт. Сумма вычитаемых штрафных баллов … по каждому направлению
    оценки не превышает 5 баллов." Reading A31: the direction is floored at 0
    (the act grades on 0–100, §18). A body whose OP earns 2.45 points and has 25
    recorded facts loses 2.45, not 5; before the floor OP came out at −2.55."""
    raw = _weak_openness("local")
    before = score(raw, "local")
    assert before.scores["OP"] == F("2.45")
    result = score(raw, "local", explain=True,
                   penalties=[AppliedPenalty("unreliable_fact", 25, "OP", "facts 1–25")])
    assert result.scores["OP"] == 0
    assert result.penalty == F("2.45")
    assert result.total == (result.scores["QS"] + 0 + result.scores["CA"]) / 3
    entry = node(result.explanation, "OP")
    assert entry["score"] == "0.00"
    floor_notes = [n for n in entry["notes"] if n["code"] == "penalty_floor"]
    assert len(floor_notes) == 1 and "A31" in floor_notes[0]["text"]
    assert floor_notes[0]["nominal"] == "5" and floor_notes[0]["taken"] == "2.45"


def test_direction_above_the_penalty_loses_the_whole_penalty():
    """A direction with more than the penalty keeps the act's subtraction (§15): 100 − 5 = 95."""
    result = score(perfect_raw("local"), "local", penalties=[AppliedPenalty("unreliable_fact", 30, "QS", "App 1")])
    assert result.scores["QS"] == 95 and result.penalty == 5


# --- §66 with no service types (issue 7, rule 5; reading P66) ----------------------------------

NO_SERVICES = {"qs7_v_z": 0, **{f"qs7_v_r{row}_services": 0 for row in range(1, 7)},
               **{f"qs7_v_r{row}_ratio": 0 for row in range(1, 6)}}


@pytest.mark.parametrize("options,expected", [({}, 20), ({"P66": "zero"}, 0)])
def test_para66_no_service_types_in_the_register_scores_the_maximum(options, expected):
    """§66: V = Σa/z, "z – общее количество видов государственных услуг, оказываемых
    государственным органом в соответствии с Реестром". With z = 0 there is nothing to
    assess; where that happens the act gives the maximum (§81: "присваивается максимальный
    балл весового значения соответствующего параметра"), so V = 20 (reading P66);
    option P66 = zero gives 0."""
    result = score(perfect_raw("central", **NO_SERVICES), "central", options=options, explain=True)
    assert result.scores["QS.7.V"] == expected
    notes = node(result.explanation, "QS.7.V")["notes"]
    assert any(n["code"] == "zero_denominator" and "P66" in n["text"] for n in notes)
