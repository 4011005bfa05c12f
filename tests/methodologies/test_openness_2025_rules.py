"""The 2025 amendments to the openness direction (seed 004, joint order
No. 199-НҚ / 76 / 189/НҚ / 28 о/д), scored from openness-2025 (an overlay on
openness-2021).

The act prints no numeric worked example with a computed score (spec 004
§4.1). What it prints are the App. 7–10 points, the table totals ("Итого",
spec §4.2 TV-02…TV-18), the P6 formula (p.80), the bands of Table 6 row 2
and Table 7-1 row 3, and the cohort rules (p.67 part 3, Table 6 notes * and
**). Spec §4.3 derives vectors (DV-…) from them and from the reconstructions
R-A, R-B, R-C. Every expected value below is computed here from the act's
wording (or the named reconstruction) with exact fractions, never read back
from the engine.

Ids: criteria 1–7 are App. 7's rows; Tn.r is App. 10 Table n row r; .kk and
.ru are the Kazakh (column 3) and Russian (column 4) point columns.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction as F

import pytest

from bagalau.engine import catalog
from bagalau.engine.cohort import CohortScorer
from bagalau.engine.inputs import InputError, Submission

EDITION = "openness-2025"


def entered(node_id: str) -> str:
    return "entered_" + "".join(c if c.isalnum() else "_" for c in node_id)


def full_raw(profile: str = "central", **overrides) -> dict:
    """A body that earns every point App. 10 offers and no penalty:
    criteria 1–5 at 18, P6 = (5 + 2) × 1 + 3 = 10, criterion 7 = 0."""
    compiled = catalog.load(EDITION, profile)
    raw: dict = {}
    for key, item in compiled.inputs.items():
        if key.startswith("entered_") and not key.endswith("_comment"):
            raw[key] = item.max
            raw[key + "_comment"] = f"test: {item.source.row} at its maximum"
    raw.update({
        # Table 6 row 2: more than 50 entries in both languages -> 1.5 + 1.5
        "app9_t5_r3_entries_kk": 60, "app9_t5_r3_entries_ru": 60,
        # Table 7 row 6: every question answered
        "portal_ask_received": 40, "portal_ask_answered": 40,
        # p.81: 12 events, all highly public in both languages -> A = 5
        "app9_t5_1_r1_events": 12, "app9_t5_1_r1_high_kk": 12, "app9_t5_1_r1_high_ru": 12, "app9_t5_1_r1_high_both": 12,
        # p.82: every request answered on time -> B = 2
        "app9_t5_1_r2_requests": 10, "app9_t5_1_r2_answers": 10, "app9_t5_1_r2_late": 0,
        # p.83: every surveyed medium satisfied -> C = 1; p.84: 85 % -> D = 1.5 + 1.5
        "mci_media_respondents": 20, "mci_media_satisfied_pct": 100, "mci_population_satisfied_pct": 85,
        # criterion 7: subordinate organisations without any violation
        "app9_t6_r1_orgs": 4, "app9_t6_r3_quasi_orgs": 2, "app9_t6_r3_questions": 10, "app9_t6_r3_answered": 10,
        **{f"mci_{row}_{lang}": 0 for row in ("t9_r1", "t10_r1", "t10_r2", "t10_r3", "t11_r1") for lang in ("kk", "ru")},
    })
    if profile == "central":
        # Table 4 row 6: 5 programme items, all with the most public event (1 per column)
        raw.update({"app9_t4_r5_items": 5, "app9_t4_r5_cat1": 5, "app9_t4_r5_cat2": 0, "app9_t4_r5_cat3": 0,
                    "app9_t4_r5_cat4": 0})
    for key, value in overrides.items():
        if key.startswith("T"):                     # a node id: set its entered points
            raw[entered(key)] = value
        elif value is None:
            raw.pop(key, None)
        else:
            raw[key] = value
    return raw


def score(bodies: list[tuple[str, str, dict]], options: dict | None = None, explain: bool = True):
    cohort = CohortScorer(EDITION, options)
    validated = [cohort.validate(Submission(body_id, body_id, raw, profile=profile)) for body_id, profile, raw in bodies]
    return {r.body_id: r for r in cohort.score(validated, explain=explain, period=2025)}


def one(profile: str = "central", options: dict | None = None, **overrides):
    return score([("body", profile, full_raw(profile, **overrides))], options)["body"]


def find(nodes: list[dict], node_id: str) -> dict:
    for node in nodes:
        if node["id"] == node_id:
            return node
        found = find(node.get("children", []), node_id) if node.get("children") else None
        if found:
            return found
    return None


def exact(value: Decimal, expected: F) -> bool:
    return abs(F(value) - expected) < F(1, 10**20)


# --- the full body and the table totals ---------------------------------------------------------

@pytest.mark.parametrize("profile", ["central", "local"])
def test_a_body_meeting_every_row_scores_the_app_8_maximum(profile):
    """App. 8: overall score by criteria max 100, deduction max 0, final max 100;
    App. 7: 18 + 18 + 18 + 18 + 18 + 10."""
    result = one(profile)
    expected = {"1": 18, "2": 18, "3": 18, "4": 18, "5": 18, "6": 10, "7": 0}
    assert {key: result.scores[key] for key in expected} == {key: Decimal(v) for key, v in expected.items()}
    assert result.total == 100


def test_p6_maximum_is_10():
    """TV-13 / DV-07: (A + B) × C + D = (5 + 2) × 1 + 3 = 10 (Table 7-1 'Итого 10')."""
    result = one()
    assert result.scores["T7-1.1"] == 5 and result.scores["T7-1.2"] == 2 and result.scores["T7-1.3"] == 3
    assert Decimal(find(result.explanation["nodes"], "6")["parameters"]["C"]) == 1 and result.scores["6"] == 10


def test_p6_is_the_act_formula_over_a_b_and_d_with_c_a_coefficient():
    """p.80: P6 = (A + B) × C + D, written as criterion 6's own formula over its three rows;
    C (p.83) is a coefficient, not points, so it is no row of its own (R-C, provisional)."""
    m = catalog.load(EDITION, "central").methodology
    node = m.node("6")
    assert node.formula == "(score('T7-1.1') + score('T7-1.2')) * C + score('T7-1.3')"
    assert [c.id for c in node.children] == ["T7-1.1", "T7-1.2", "T7-1.3"]
    assert set(node.variables) == {"C"} and node.provenance == "reconstructed"


def test_full_deduction_of_criterion_7_is_9():
    """App. 10 Table 8 'Итого 9' = Tables 9, 10, 11 'Итого штрафных баллов 3' each: 100 − 9 = 91."""
    violations = {f"mci_{row}_{lang}": 1 for row in ("t9_r1", "t10_r1", "t10_r2", "t10_r3", "t11_r1") for lang in ("kk", "ru")}
    result = one(**violations, app9_t6_r3_answered=8)          # 80 % answered, below 90 %
    assert result.scores["T8.1"] == -3 and result.scores["T8.2"] == -3 and result.scores["T8.3"] == -3
    assert result.scores["T9.1.kk"] == Decimal("-1.5") and result.scores["T10.2.ru"] == Decimal("-0.5")
    assert result.scores["T11.2.kk"] == -1 and result.scores["T11.2.ru"] == -1
    assert result.scores["7"] == -9 and result.total == 91


# --- criterion 6: P6 = (A + B) × C + D (p.80), reconstructions R-A, R-B, R-C -------------------

def dv05(**more):
    """DV-05: a_KZ = 10, a_RU = 12, b = 15; requests a = 20, answers b = 19, late c = 3;
    media satisfied 80 %; population 72 %."""
    return {**dict(app9_t5_1_r1_high_kk=10, app9_t5_1_r1_high_ru=12, app9_t5_1_r1_high_both=10, app9_t5_1_r1_events=15,
                   app9_t5_1_r2_requests=20, app9_t5_1_r2_answers=19, app9_t5_1_r2_late=3,
                   mci_media_satisfied_pct=80, mci_population_satisfied_pct=72), **more}


def test_dv05_p6_with_all_four_parts():
    """A = 2.5·10/15 + 2.5·12/15 = 11/3; B = 2·(19 − 3)/20 = 8/5; C = 0.8;
    D = 1 + 1 (72 % is in 'от 69 до 79'); P6 = (11/3 + 8/5)·4/5 + 2 = 466/75 = 6.2133."""
    result = one(**dv05())
    a = F(5, 2) * F(10, 15) + F(5, 2) * F(12, 15)
    b = 2 * F(19 - 3, 20)
    assert exact(result.scores["T7-1.1.kk"], F(5, 2) * F(10, 15))
    assert exact(result.scores["T7-1.1"], a) and exact(result.scores["T7-1.2"], b)
    assert result.scores["T7-1.3"] == 2
    assert exact(result.scores["6"], (a + b) * F(4, 5) + 2)
    assert exact(result.scores["6"], F(466, 75))
    explained = find(result.explanation["nodes"], "6")
    assert explained["score"] == "6.21" and Decimal(explained["parameters"]["C"]) == Decimal("0.8")


def test_p6_is_provisional_in_every_explanation():
    """pp.81–83 lost their formulas: R-A, R-B and R-C are marked provisional."""
    nodes = one(**dv05()).explanation["nodes"]
    for node_id in ("6", "T7-1.1.kk", "T7-1.1.ru", "T7-1.2.kk", "T7-1.2.ru"):
        assert find(nodes, node_id)["notes"][0]["code"] == "provisional", node_id
    assert not any(n["code"] == "provisional" for n in find(nodes, "T7-1.3.kk")["notes"])   # D is the act's


def test_dv06_fewer_than_12_events():
    """p.81 'b … must be not less than 12'. DV-06: a_KZ = a_RU = b = 8 → A = 2 × 2.5 × 8/12 = 10/3
    under max(b, 12) (A2); option A2 = zero gives 0, A2 = none gives 5. The body is warned."""
    raw = full_raw(app9_t5_1_r1_events=8, app9_t5_1_r1_high_kk=8, app9_t5_1_r1_high_ru=8, app9_t5_1_r1_high_both=8)
    cohort = CohortScorer(EDITION)
    validated = cohort.validate(Submission("b", "b", raw, profile="central"))
    assert [w.field for w in validated.warnings] == ["app9_t5_1_r1_events"]
    assert exact(one(**{k: raw[k] for k in raw if k.startswith("app9_t5_1_r1")}).scores["T7-1.1"], F(10, 3))
    low = {k: raw[k] for k in raw if k.startswith("app9_t5_1_r1")}
    assert one(options={"A2": "zero"}, **low).scores["T7-1.1"] == 0
    assert one(options={"A2": "none"}, **low).scores["T7-1.1"] == 5


def test_no_event_held_scores_a_zero():
    result = one(app9_t5_1_r1_events=0, app9_t5_1_r1_high_kk=0, app9_t5_1_r1_high_ru=0, app9_t5_1_r1_high_both=0,
                 options={"A2": "none"})
    assert result.scores["T7-1.1"] == 0
    assert find(result.explanation["nodes"], "T7-1.1.kk")["status"] == "zero_denominator"


def test_dv08_no_satisfied_medium_leaves_only_d():
    """DV-08: C = 0 (media 0 %), population 60 % → P6 = D = 0.8 + 0.8 = 1.6."""
    result = one(**dv05(mci_media_satisfied_pct=0, mci_population_satisfied_pct=60))
    assert exact(result.scores["6"], F(8, 5))


def test_dv09_no_media_request_gives_b_its_maximum():
    """DV-09 (A17): no request received → B = 1 + 1, flagged; option A17 = zero → 0."""
    result = one(app9_t5_1_r2_requests=0, app9_t5_1_r2_answers=0, app9_t5_1_r2_late=0)
    assert result.scores["T7-1.2"] == 2
    assert find(result.explanation["nodes"], "T7-1.2.ru")["status"] == "zero_denominator"
    assert one(options={"A17": "zero"}, app9_t5_1_r2_requests=0, app9_t5_1_r2_answers=0,
               app9_t5_1_r2_late=0).scores["T7-1.2"] == 0


def test_unanswered_and_late_requests_both_lower_b():
    """R-B: B = (b − c)/a per column: 10 requests, 8 answered, 2 of them late → 2 × 6/10."""
    result = one(app9_t5_1_r2_requests=10, app9_t5_1_r2_answers=8, app9_t5_1_r2_late=2)
    assert exact(result.scores["T7-1.2"], 2 * F(6, 10))


def test_media_survey_without_respondents():
    """A17c: nobody answered the media survey → C = 1 (A + B count in full), or 0."""
    values = dv05(mci_media_respondents=0, mci_media_satisfied_pct=0)
    a_plus_b = F(11, 3) + F(8, 5)
    result = one(**values)
    assert exact(result.scores["6"], a_plus_b + 2)
    assert Decimal(find(result.explanation["nodes"], "6")["parameters"]["C"]) == 1
    assert exact(one(options={"A17c": "zero"}, **values).scores["6"], F(2))


def test_language_columns_of_a_use_language_specific_events():
    """R-A per column (A5): a_KZ counts events with Kazakh materials. Option A5 =
    both_languages counts once, events with materials in both, in both columns."""
    result = one(**dv05())
    assert exact(result.scores["T7-1.1.kk"], F(5, 2) * F(10, 15))
    assert exact(result.scores["T7-1.1.ru"], F(5, 2) * F(12, 15))
    both = one(options={"A5": "both_languages"}, **dv05(app9_t5_1_r1_high_both=9))
    assert exact(both.scores["T7-1.1.kk"], F(5, 2) * F(9, 15)) and both.scores["T7-1.1.kk"] == both.scores["T7-1.1.ru"]


@pytest.mark.parametrize("pct, points", [
    # DV-03: the printed bands
    (85, "1.5"), (75, "1"), (60, "0.8"), (50, "0.6"), (40, "0.4"), (30, "0"),
    # DV-04: the gaps between them go to the lower band (A13)
    (80, "1"), ("79.5", "1"), (69, "1"), ("68.5", "0.8"), ("57.5", "0.6"), ("46.5", "0.4"), (36, "0.4"), (35, "0"),
    ("80.01", "1.5"), (100, "1.5"), (0, "0"),
])
def test_population_satisfaction_bands(pct, points):
    """Table 7-1 row 3: свыше 80 % → 1.5; от 69 до 79 → 1; от 58 до 68 → 0.8; от 47 до 57 → 0.6;
    от 36 до 46 → 0.4; менее 35 → 0 (per column)."""
    result = one(mci_population_satisfied_pct=pct)
    assert result.scores["T7-1.3.kk"] == Decimal(points) and result.scores["T7-1.3.ru"] == Decimal(points)


# --- criterion 4: blog bands, Ministry of Defence, meetings -----------------------------------------

@pytest.mark.parametrize("entries, points", [(52, "1.5"), (51, "1.5"), (50, "1"), (26, "1"), (25, "0.5"),
                                             (11, "0.5"), (10, "0.3"), (1, "0.3"), (0, "0")])
def test_blog_bands(entries, points):
    """DV-01/DV-02, Table 6 row 2: более 50 → 1.5; более 25 → 1; более 10 → 0.5; в иных случаях 0.3;
    no entry at all → 0 (A12)."""
    result = one(app9_t5_r3_entries_kk=entries, app9_t5_r3_entries_ru=60)
    assert result.scores["T6.2.kk"] == Decimal(points)
    assert result.scores["T6.2.ru"] == Decimal("1.5")       # the columns are scored separately


def test_blog_with_no_entry_under_the_literal_reading():
    assert one(options={"A12": "literal"}, app9_t5_r3_entries_kk=0).scores["T6.2.kk"] == Decimal("0.3")


def test_dv11_personal_reception_points_per_profile():
    """DV-11, Table 6 row 4.3): 'Для ЦИО 0,5' and 'Для МИО 1' per column; local bodies
    have no NGO meeting (***), so row 4 is 6 points in both profiles."""
    central, local = one("central"), one("local")
    assert central.scores["T6.4.3"] == 1 and local.scores["T6.4.3"] == 2
    assert central.scores["T6.4.4"] == 1 and "T6.4.4" not in local.scores
    assert central.scores["T6.4"] == local.scores["T6.4"] == 6


# --- criterion 1: incentive cap and note * -----------------------------------------------------------

@pytest.mark.parametrize("lost, incentive, expected", [("2", "2", "18"), ("0.5", "2", "18"), ("0", "2", "18"),
                                                       ("3", "1", "16"), ("2", "0", "16")])
def test_dv10_incentive_counts_only_up_to_18(lost, incentive, expected):
    """DV-10 (A8): rows 1–5 minus `lost` points plus the incentive, capped at 18."""
    half = str(Decimal(incentive) / 2)
    result = one(**{"T1.4.kk": str(Decimal(2) - Decimal(lost) / 2), "T1.4.ru": str(Decimal(2) - Decimal(lost) / 2),
                    "T1.6.kk": half, "T1.6.ru": half})
    assert result.scores["1"] == Decimal(expected)


def test_no_listed_datasets_gives_rows_1_and_3_their_maximum():
    """Table 1 note *: no data set of the Unified List in the body's systems → maximum points
    on rows 1 and 3 (not on the incentive row, A9)."""
    result = one("local", t1_no_listed_datasets=True, **{"T1.1.kk": 0, "T1.1.ru": 0, "T1.3.kk": 0, "T1.3.ru": 0,
                                                         "T1.6.kk": 0, "T1.6.ru": 0})
    assert result.scores["T1.1"] == 5 and result.scores["T1.3"] == 6 and result.scores["T1.6"] == 0
    assert find(result.explanation["nodes"], "T1.1")["status"] == "not_applicable"


# --- criterion 3: Table 4 row 6 ---------------------------------------------------------------------

def test_information_support_programme_events():
    """Table 4 row 6: 1 / 0.8 / 0.6 / 0.4 per event category; A14: the mean over the
    programme's items, an item not implemented counting 0. 5 items: 2 × 1, 1 × 0.8,
    1 × 0.4, 1 not implemented → (2 + 0.8 + 0.4) / 5 = 0.64 per column."""
    values = dict(app9_t4_r5_items=5, app9_t4_r5_cat1=2, app9_t4_r5_cat2=1, app9_t4_r5_cat3=0, app9_t4_r5_cat4=1)
    result = one(**values)
    assert exact(result.scores["T4.6.kk"], F(16, 25)) and exact(result.scores["T4.6"], F(32, 25))
    assert one(options={"A14": "lowest"}, **values).scores["T4.6"] == 0          # one item not implemented
    values.update(app9_t4_r5_items=4)
    assert one(options={"A14": "lowest"}, **values).scores["T4.6"] == Decimal("0.8")   # least public: 0.4 × 2


def test_no_programme_approved():
    none = dict(app9_t4_r5_items=0, app9_t4_r5_cat1=0, app9_t4_r5_cat2=0, app9_t4_r5_cat3=0, app9_t4_r5_cat4=0)
    assert one(**none).scores["T4.6"] == 2
    assert one(options={"A14b": "zero"}, **none).scores["T4.6"] == 0


# --- criterion 5: Table 7 row 6 ---------------------------------------------------------------------

def test_ask_a_question_share():
    """A16: 1.5 × answered / received per column: 30 of 40 → 2 × 1.125."""
    result = one(portal_ask_received=40, portal_ask_answered=30)
    assert result.scores["T7.6"] == Decimal("2.25")
    assert one(portal_ask_received=0, portal_ask_answered=0).scores["T7.6"] == 3
    assert one(options={"A16": "zero"}, portal_ask_received=0, portal_ask_answered=0).scores["T7.6"] == 0


# --- criterion 7 -------------------------------------------------------------------------------------

def test_criterion_7_is_per_language_column():
    """Table 9: 1.5 per column; a violation only in the Kazakh version costs 1.5."""
    result = one(mci_t9_r1_kk=2)
    assert result.scores["T9.1.kk"] == Decimal("-1.5") and result.scores["T9.1.ru"] == 0
    assert result.scores["7"] == Decimal("-1.5") and result.total == Decimal("98.5")


def test_criterion_7_prorated_by_organisations():
    """Option A15 = prorate: 1 of 4 organisations → a quarter of the line."""
    result = one(options={"A15": "prorate"}, mci_t9_r1_kk=1)
    assert result.scores["T9.1.kk"] == Decimal("-0.375")


@pytest.mark.parametrize("answered, penalty", [(9, "0"), (8, "-2"), (10, "0")])
def test_quasi_public_answers_below_90_percent(answered, penalty):
    """Table 11 row 2: 'Доля вопросов (менее 90 %), получивших ответы' → 1 per column;
    9 of 10 is 90 %, not below it."""
    assert one(app9_t6_r3_questions=10, app9_t6_r3_answered=answered).scores["T11.2"] == Decimal(penalty)


def test_no_subordinate_organisation_deducts_nothing():
    result = one(options={"A15": "prorate"}, app9_t6_r1_orgs=0, app9_t6_r3_quasi_orgs=0, app9_t6_r3_questions=0,
                 app9_t6_r3_answered=0)
    assert result.scores["7"] == 0
    assert find(result.explanation["nodes"], "T9.1.kk")["status"] == "zero_denominator"


def test_criterion_7_does_not_apply_to_local_bodies_unless_chosen():
    """Table 8 note *: only subordinate organisations of central bodies are assessed (A29)."""
    violations = {"mci_t9_r1_kk": 1, "mci_t9_r1_ru": 1}
    local = one("local", **violations)
    assert local.scores["7"] == 0 and local.total == 100
    assert find(local.explanation["nodes"], "7")["status"] == "not_applicable"
    assert one("local", options={"A29": "on"}, **violations).scores["7"] == -3


def test_counts_above_the_organisations_are_refused():
    with pytest.raises(InputError, match="subordinate"):
        one(mci_t10_r1_kk=5)


# --- the total ----------------------------------------------------------------------------------------

def test_dv12_direction_total():
    """DV-12: P1…P5 = 18, 16, 17, 15.5, 18; P6 = 466/75 (DV-05); website 3 and open-data
    non-placement in both languages 1 → P7 = −4: overall 90.7133, final 86.7133."""
    result = one(**dv05(), **{"T2.11.kk": 0, "T4.4.kk": "2.5", "T6.1.kk": 0},
                 mci_t9_r1_kk=1, mci_t9_r1_ru=1, mci_t10_r1_kk=1, mci_t10_r1_ru=1)
    assert [result.scores[c] for c in "12345"] == [18, 16, 17, Decimal("15.5"), 18]
    overall = 18 + 16 + 17 + F(31, 2) + 18 + F(466, 75)
    assert exact(result.total - result.scores["7"], overall) and result.scores["7"] == -4
    assert exact(result.total, overall - 4)
    assert result.explanation["total"] == "86.71"


def test_final_score_floor():
    """A4: the act states no floor; by default the final score is not below 0."""
    zero = {key: 0 for key in full_raw() if key.startswith("entered_") and not key.endswith("_comment")}
    raw = dict(app9_t5_r3_entries_kk=0, app9_t5_r3_entries_ru=0, portal_ask_answered=0,
               app9_t5_1_r1_high_kk=0, app9_t5_1_r1_high_ru=0, app9_t5_1_r1_high_both=0, app9_t5_1_r2_answers=0,
               mci_population_satisfied_pct=10, app9_t4_r5_cat1=0,
               **{f"mci_{row}_{lang}": 1 for row in ("t9_r1", "t10_r1", "t10_r2", "t10_r3", "t11_r1") for lang in ("kk", "ru")},
               app9_t6_r3_answered=0)
    floored = score([("b", "central", {**full_raw(**raw), **zero})])["b"]
    assert floored.scores["7"] == -9 and floored.total == 0
    unfloored = score([("b", "central", {**full_raw(**raw), **zero})], {"A4": "none"})["b"]
    assert unfloored.total == -9


def test_entered_points_outside_the_column_bounds_are_refused():
    with pytest.raises(InputError, match="entered_T2_11_kk"):
        one(**{"T2.11.kk": 3})                # column maximum 2


# --- cohort rules --------------------------------------------------------------------------------

def central_cohort():
    """Three assessed central bodies with different open-budget points."""
    return [("c1", "central", full_raw()),
            ("c2", "central", full_raw(**{"T2.10.kk": "0.5", "T2.10.ru": 1, "T2.1.1.kk": 0, "T2.5.kk": 0})),
            ("c3", "central", full_raw(**{"T2.10.kk": 0, "T2.10.ru": 0, "T2.11.kk": 1}))]


def test_dv14_secret_budget_gets_the_average_of_the_other_bodies():
    """p.67 part 3: a body whose budget is secret is given the average score of all state
    bodies on the indicators it is not assessed on. Its own (zero) entries do not count,
    local bodies are on another table (A7), and the explanation names the source bodies."""
    secret = full_raw(budget_secret=True, **{f"T2.{row}.{lang}": 0 for row in ("10", "11") for lang in ("kk", "ru")})
    local = full_raw("local", **{"T3.6.kk": 0})
    results = score([*central_cohort(), ("secret", "central", secret), ("akimat", "local", local)])
    others = [results[b] for b in ("c1", "c2", "c3")]
    # T2.10: (3 + 1.5 + 0) / 3 = 1.5
    assert exact(results["secret"].scores["T2.10"], F(3 + F(3, 2) + 0, 3))
    for node in ("T2.1", "T2.5", "T2.11", "2"):
        assert exact(results["secret"].scores[node], sum(F(r.scores[node]) for r in others) / 3), node
    assert exact(results["secret"].scores["2"], F(18 + F(157, 10) + 14, 3))    # c2 lost 2.3, c3 lost 4
    explained = find(results["secret"].explanation["nodes"], "T2.10")
    assert explained["status"] == "cohort_average"
    note = next(n for n in explained["notes"] if n["code"] == "cohort_average")
    assert [b["id"] for b in note["bodies"]] == ["c1", "c2", "c3"]
    assert [b["score"] for b in note["bodies"]] == ["3", "1.5", "0"]
    assert "secret" in note["text"] and "p.67 part 3" in note["text"]
    kk = find(results["secret"].explanation["nodes"], "T2.10.kk")              # per language column too
    assert kk["status"] == "cohort_average" and exact(results["secret"].scores["T2.10.kk"], (F(3, 2) + F(1, 2) + 0) / 3)
    # criteria other than open budget are the body's own
    assert results["secret"].scores["3"] == 18 and results["akimat"].scores["2"] == Decimal("16.5")


def test_secret_budget_local_body_averages_local_bodies_only():
    results = score([("a1", "local", full_raw("local")), ("a2", "local", full_raw("local", **{"T3.7.kk": 0})),
                     ("secret", "local", full_raw("local", budget_secret=True)), *central_cohort()[2:]])
    assert exact(results["secret"].scores["T3.7"], F(4 + 2, 2))
    note = next(n for n in find(results["secret"].explanation["nodes"], "T3.7")["notes"] if n["code"] == "cohort_average")
    assert [b["id"] for b in note["bodies"]] == ["a1", "a2"]


def bank_cohort():
    bank = full_raw(is_national_bank=True, **{"T2.1.1.kk": 0, "T2.6.kk": 0, "T2.10.kk": 0, "T2.10.ru": 0})
    return score([*central_cohort(), ("bank", "central", bank), ("secret", "central", full_raw(budget_secret=True))])


def test_national_bank_gets_the_central_average_on_the_rows_it_is_excluded_from():
    """Table 2 note **: the National Bank is not assessed on rows 2–5 and 8–11 (A6: it gets
    the other central bodies' average there) but is on rows 1, 6 and 7 (TV-18: 5 of 18
    points), where its own points stand."""
    results = bank_cohort()
    assert results["bank"].scores["T2.1"] == Decimal("2.7") and results["bank"].scores["T2.6"] == Decimal("0.5")
    assert find(results["bank"].explanation["nodes"], "T2.1")["status"] == "scored"
    assert exact(results["bank"].scores["T2.10"], F(3 + F(3, 2), 3))
    note = next(n for n in find(results["bank"].explanation["nodes"], "T2.10")["notes"] if n["code"] == "cohort_average")
    assert [b["id"] for b in note["bodies"]] == ["c1", "c2", "c3"]


def test_a_body_averaged_elsewhere_still_counts_where_it_is_assessed():
    """p.67 part 3: 'средний балл полученных оценок всех государственных органов по тем
    индикаторам…': the National Bank is assessed on row 1, so its 2.7 counts in the secret
    body's average there: (3 + 2.7 + 3 + 2.7) / 4 (c2 lost 0.3 on row 1 too)."""
    results = bank_cohort()
    note = next(n for n in find(results["secret"].explanation["nodes"], "T2.1")["notes"] if n["code"] == "cohort_average")
    assert [b["id"] for b in note["bodies"]] == ["c1", "c2", "c3", "bank"]
    assert exact(results["secret"].scores["T2.1"], F(3 + F(27, 10) + 3 + F(27, 10), 4))


def test_a_ministry_averaged_on_meetings_still_feeds_the_open_budget_average():
    """p.67 part 3: 'средний балл полученных оценок всех государственных органов': a ministry
    outside Resolution No. 12 (averaged on meetings, Table 6 note **) is assessed on the open
    budget itself, so its own T2.10 (1.5 + 0) counts: (3 + 1.5 + 0 + 1.5) / 4 (reading A7)."""
    justice = full_raw(res12_excluded=True, **{"T2.10.ru": 0})
    results = score([*central_cohort(), ("justice", "central", justice),
                     ("secret", "central", full_raw(budget_secret=True))])
    note = next(n for n in find(results["secret"].explanation["nodes"], "T2.10")["notes"] if n["code"] == "cohort_average")
    assert [b["id"] for b in note["bodies"]] == ["c1", "c2", "c3", "justice"]
    assert exact(results["secret"].scores["T2.10"], F(3 + F(3, 2) + 0 + F(3, 2), 4))
    reading = next(r for r in catalog.methodology(EDITION).readings if r.id == "A7")
    assert "left out of every average" not in reading.reading


def test_dv13_ministries_outside_resolution_12_get_the_central_average_on_meetings():
    """Table 6 note **: the ministries of defence, foreign affairs, emergency situations,
    internal affairs and justice are assigned the average points of central state bodies."""
    bodies = [("c1", "central", full_raw()), ("c2", "central", full_raw(**{"T6.4.1.kk": 0, "T6.4.2.ru": "0.4"})),
              ("justice", "central", full_raw(res12_excluded=True, **{"T6.4.1.kk": 0, "T6.4.1.ru": 0})),
              ("akimat", "local", full_raw("local", **{"T6.4.3.kk": 0}))]
    results = score(bodies)
    assert exact(results["justice"].scores["T6.4"], F(6 + F(44, 10), 2))
    note = next(n for n in find(results["justice"].explanation["nodes"], "T6.4")["notes"] if n["code"] == "cohort_average")
    assert [b["id"] for b in note["bodies"]] == ["c1", "c2"]


def test_ministry_of_defence_on_collegia_broadcasts():
    """Table 6 note *: the Ministry of Defence is excluded from row 3 with no substitute;
    A10 default: the central average; A10 = full: the row counts as met."""
    defence = full_raw(is_ministry_of_defence=True, res12_excluded=True, **{"T6.3.kk": 0, "T6.3.ru": 0})
    bodies = [("c1", "central", full_raw()), ("c2", "central", full_raw(**{"T6.3.kk": 1})), ("mod", "central", defence)]
    assert exact(score(bodies)["mod"].scores["T6.3"], F(4 + 3, 2))
    assert score(bodies, {"A10": "full"})["mod"].scores["T6.3"] == 4


def test_defence_must_be_outside_resolution_12():
    with pytest.raises(InputError, match="Resolution No. 12"):
        one(is_ministry_of_defence=True)


def test_secret_budget_body_alone_cannot_be_averaged():
    with pytest.raises(Exception, match="no body of the cohort qualifies"):
        score([("secret", "central", full_raw(budget_secret=True))])


# --- the act's one example (App. 9 Table 2 row 1 note) ---------------------------------------------

def test_tv01_consolidated_statements_period_is_documented():
    """TV-01: 'например, в 2022 году оценивается наличие … консолидированной финансовой
    отчетности за 2020 год, размещенной в 2021 году'. The engine has no per-input period
    offset, so the rule lives in the definition's text (reading A22), where the evaluator
    sees it: for an assessment in year Y, the statements for Y − 2 placed in Y − 1."""
    m = catalog.methodology(EDITION)
    note = m.node("T2.1").note
    assert "2020" in note and "2021" in note and "2022" in note
    assessed_in = 2022
    reporting = assessed_in - 1                        # the period the campaign scores
    assert (reporting - 1, reporting) == (2020, 2021)  # statements for, placed in
    assert any(r.id == "A22" for r in m.readings)


# --- p.67 part 3: only the rows a secret-budget body is not assessed on (issue 7, rule 4) -------

def test_p67_secret_budget_body_keeps_its_own_points_on_the_rows_it_is_assessed_on():
    """p.67 part 3: "В случае, если информация по бюджету государственного органа является
    секретной или имеет гриф "ограниченного распространения", присваивается средний балл
    полученных оценок всех государственных органов по тем индикаторам, по которым
    государственный орган не оценивается." The body says it is assessed on rows 1 and 10:
    they keep its own points (2.7 and 1); every other row takes the average of c1–c3; the
    explanation names the averaged rows and the bodies averaged over."""
    secret = full_raw(budget_secret=True, budget_assessed_t2_1=True, budget_assessed_t2_10=True,
                      **{"T2.1.1.kk": 0, "T2.10.kk": "0.5", "T2.10.ru": "0.5"})
    results = score([*central_cohort(), ("secret", "central", secret)])
    body = results["secret"]
    assert body.scores["T2.1"] == F(27, 10) and body.scores["T2.10"] == 1          # its own points
    for row in ("T2.1", "T2.10"):
        assert find(body.explanation["nodes"], row)["status"] == "scored"
    others = [results[b] for b in ("c1", "c2", "c3")]
    for row in ("T2.5", "T2.11"):                                                  # averaged
        assert exact(body.scores[row], sum(F(r.scores[row]) for r in others) / 3), row
    averaged = {entry["node"]: entry for entry in body.explanation["cohort_averages"]}
    assert set(averaged) == {f"T2.{row}" for row in range(1, 12)} - {"T2.1", "T2.10"}
    assert all(entry["bodies"] == ["c1", "c2", "c3"] for entry in averaged.values())
    assert averaged["T2.2"]["paragraph"].startswith("p.67 part 3")


def test_p67_a_secret_budget_body_assessed_on_a_row_feeds_the_average_there():
    """'средний балл полученных оценок всех государственных органов': a secret-budget body
    assessed on row 10 (its own 1 point) counts in another secret body's average on it."""
    assessed = full_raw(budget_secret=True, budget_assessed_t2_10=True, **{"T2.10.kk": "0.5", "T2.10.ru": "0.5"})
    results = score([*central_cohort(), ("assessed", "central", assessed),
                     ("secret", "central", full_raw(budget_secret=True))])
    note = next(n for n in find(results["secret"].explanation["nodes"], "T2.10")["notes"]
                if n["code"] == "cohort_average")
    assert [b["id"] for b in note["bodies"]] == ["c1", "c2", "c3", "assessed"]
    assert exact(results["secret"].scores["T2.10"], F(3 + F(3, 2) + 0 + 1, 4))
