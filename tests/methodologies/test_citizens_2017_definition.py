"""The structure of citizens-2017 against the act's printed tables and totals.

Printed totals checked here: App 2 (criteria per profile; the 100 is computed,
App 2 prints no total row), App 10 (80 = 4 × 20; 20 = 5 + 10 + 5), App 12
("Итого 25" per language, with the indicator maxima 14.4 / 17.8 / 8.8 / 9 and
15.4 / 14.8 / 10.8 / 9 of §79–82), App 14 ("ИТОГО 10" = 1 + 6 + 1.6 + 1.4),
App 15 ("Итого 50 50"), App 16 ("Итого 25 25"), App 17 ("Итого 100 баллов").
Also the App 6–9 tables, the grades of §18, the penalty of §15, and the rule
that every formula the act lost is flagged as reconstructed.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction as F
from pathlib import Path

import pytest

from bagalau.engine import catalog
from bagalau.engine.validation import check_file
from support.citizens_2017 import PROFILES, compiled, node, perfect_raw, score, walk

DEFINITION = Path(__file__).resolve().parents[2] / "bagalau" / "methodologies" / "citizens-2017.yaml"


def maxima(profile: str, parent: str | None = None) -> dict[str, Decimal]:
    methodology = compiled(profile).methodology
    nodes = methodology.nodes if parent is None else methodology.node(parent).children
    return {n.id: n.max for n in nodes}


def test_definition_has_no_problems():
    result, problems = check_file(DEFINITION)
    assert problems == []
    assert result.source.family == "citizens-interaction"
    assert set(result.source.profiles) == {"central", "local"}


@pytest.mark.parametrize("profile", PROFILES)
def test_three_directions_of_100_and_the_block_is_their_mean(profile):
    """§5: three directions, each 0–100; the block total is their mean (A1)."""
    m = compiled(profile).methodology
    assert maxima(profile) == {"QS": 100, "OP": 100, "CA": 100}
    assert m.total_aggregate == "mean" and m.total_aggregate_option == "A1"
    assert m.max_total == 100 and m.min_total == 0


def test_app2_criteria_central():
    assert maxima("central", "QS") == {"QS.1": 20, "QS.2": 20, "QS.3": 17, "QS.4": 10, "QS.5": 5, "QS.6": 3, "QS.7": 25}


def test_app2_criteria_local():
    assert maxima("local", "QS") == {"QS.1": 40, "QS.2": 33, "QS.3": 17, "QS.4": 10}


@pytest.mark.parametrize("profile,p1,base,bonus", [("central", 15, 15, 5), ("local", 35, 23, 10)])
def test_qs_inner_maxima(profile, p1, base, bonus):
    """§28–32 (P1 + P2), §38 (k or m + the App 7 top bonus), §45–50, App 8, §62–67."""
    assert maxima(profile, "QS.1") == {"QS.1.P1": p1, "QS.1.P2": 5}
    assert maxima(profile, "QS.2") == {"QS.2.Z": base, "QS.2.d": bonus}
    assert maxima(profile, "QS.3") == {"QS.3.T1": 3, "QS.3.T2": 3, "QS.3.T3": 3, "QS.3.T4": 3, "QS.3.T5": 5}
    assert maxima(profile, "QS.4") == {"QS.4.1": 1, "QS.4.2": 1, "QS.4.3": Decimal("2.5"), "QS.4.4": Decimal("2.5"),
                                       "QS.4.5": 3}
    if profile == "central":
        assert maxima(profile, "QS.7") == {"QS.7.T": 5, "QS.7.V": 20}


@pytest.mark.parametrize("profile", PROFILES)
def test_app10_and_app17(profile):
    assert maxima(profile, "OP") == {"OP.1": 80, "OP.2": 20}
    assert maxima(profile, "OP.1") == {"OP.1.1": 20, "OP.1.2": 20, "OP.1.3": 20, "OP.1.4": 20}
    assert maxima(profile, "OP.2") == {"OP.2.1": 5, "OP.2.2": 10, "OP.2.3": 5}
    assert maxima(profile, "CA") == {"CA.1": 40, "CA.2": 40, "CA.3": 20}


@pytest.mark.parametrize("profile", PROFILES)
def test_a_perfect_body_scores_100_everywhere(profile):
    result = score(perfect_raw(profile), profile)
    for direction in ("QS", "OP", "CA"):
        assert abs(result.scores[direction] - 100) < Decimal("1e-20")
    assert abs(result.total - 100) < Decimal("1e-20")


# --- App 12: per-language points, "Итого 25" ------------------------------------------

def app12_points(profile: str) -> dict[str, Decimal]:
    m = compiled(profile).methodology
    params = compiled(profile).parameters
    letter = "c" if profile == "central" else "l"
    od = sum(params[p] for p in m.node("OP.1.1").checklist.section_weights.values())
    ob = sum(params[p] for p in m.node("OP.1.2").checklist.section_weights.values())
    npa = sum(value for key, value in params.items() if key.startswith(f"app12{letter}_npa_w"))
    dlg = sum(value for key, value in params.items() if key.startswith("app12_dlg_w"))
    return {"OD": od, "OB": ob, "NPA": npa, "DLG": dlg}


@pytest.mark.parametrize("profile,subtotals", [
    ("central", {"OD": Decimal("7.2"), "OB": Decimal("8.9"), "NPA": Decimal("4.4"), "DLG": Decimal("4.5")}),
    ("local", {"OD": Decimal("7.7"), "OB": Decimal("7.4"), "NPA": Decimal("5.4"), "DLG": Decimal("4.5")}),
])
def test_app12_subtotals_and_printed_total_25(profile, subtotals):
    points = app12_points(profile)
    assert points == subtotals
    assert sum(points.values()) == 25  # App 12 "Итого 25" per language version


@pytest.mark.parametrize("profile,node_id,maximum", [
    ("central", "OP.1.1", "14.4"), ("central", "OP.1.2", "17.8"), ("local", "OP.1.1", "15.4"), ("local", "OP.1.2", "14.8"),
])
def test_checklist_indicators_divide_by_the_printed_maximum(profile, node_id, maximum):
    """§79–80: the indicator maximum is both language versions' points together."""
    rule = compiled(profile).methodology.node(node_id).checklist
    assert rule.scale == f"20 / {maximum}"
    assert 2 * rule.version_total == Decimal(maximum)
    assert rule.deduction_per_defect == Decimal("0.1") and rule.deduction_cap_share == Decimal("0.75")


@pytest.mark.parametrize("profile,node_id,maximum", [
    ("central", "OP.1.3", "8.8"), ("local", "OP.1.3", "10.8"), ("central", "OP.1.4", "9"), ("local", "OP.1.4", "9"),
])
def test_formula_indicators_divide_by_the_printed_maximum(profile, node_id, maximum):
    formula = compiled(profile).methodology.node(node_id).formula
    assert formula.rstrip().endswith(f") / {maximum} * 20")
    key = "NPA" if node_id == "OP.1.3" else "DLG"
    assert 2 * app12_points(profile)[key] == Decimal(maximum)


@pytest.mark.parametrize("profile", PROFILES)
def test_a_missing_parameter_scores_zero(profile):
    """App 12: points are awarded 'при наличии параметров'; an absent approved open-data
    list scores 0 (§79): 1 (central) or 1.5 (local) points lost in one language version."""
    prefix, points, maximum = ("app12c_od", 1, F("14.4")) if profile == "central" else ("app12l_od", F(3, 2), F("15.4"))
    result = score(perfect_raw(profile, **{f"{prefix}_kk_1_posted": False}), profile)
    expected = (F(maximum) - points) / F(maximum) * 20
    assert abs(F(result.scores["OP.1.1"]) - expected) < F(1, 10 ** 20)


# --- App 14: "ИТОГО 10" = 1 + 6 + 1.6 + 1.4 ------------------------------------------

WORST_GROUP = {
    "1": {"op21_search_positions": [None] * 6},
    "2": {"op21_browsers_incorrect": 8, "op21_navigation_pct": 10, "op21_missing_elements": 4,
          "op21_sitemap_broken_links": 9, "op21_breadcrumbs": False, "op21_search_missing": 4, "op21_format_unmet": 4,
          "op21_large_documents_unmet": 2, "op21_dates_unmet": 2, "op21_hyperlinks_unmet": 3,
          "op21_graphic_unmet": 2, "op21_direct_home": False},
    "3": {key: False for key in ("op21_alt_text", "op21_stop_motion", "op21_keyboard", "op21_skip_links",
                                 "op21_error_messages", "op21_contrast", "op21_font_resize")},
    "4": {"op21_feedback_form": False, "op21_polls": False, "op21_rss_unmet": 2, "op21_faq": False,
          "op21_english_materials": False, "op21_english_interfaces": False, "op21_counters": False},
}


@pytest.mark.parametrize("group,printed,left", [
    ("1", "1", "0"),
    # 2.1 keeps 0.25 − 8 × 0.03 = 0.01 and 2.10 keeps 0.5 − 2 × 0.13 = 0.24 (A27, literal)
    ("2", "6", "0.25"),
    ("3", "1.6", "0"), ("4", "1.4", "0"),
])
def test_app14_groups(group, printed, left):
    """Each App 14 group's worst case costs its printed points (less the literal remainders
    of items 2.1 and 2.10) × 5/10 (§89)."""
    result = score(perfect_raw("local", **WORST_GROUP[group]), "local")
    assert result.scores["OP.2.1"] == 5 - (Decimal(printed) - Decimal(left)) / 10 * 5
    assert result.scores[f"OP.2.1.{group}"] == Decimal(left)


@pytest.mark.parametrize("profile", PROFILES)
def test_app14_parameters_carry_the_printed_points(profile):
    """App 14 prints 1, 6, 1.6 and 1.4 for its four parameters and each item's points;
    OP.2.1 scales their sum: S14 / 10 × 5 (§89)."""
    m = compiled(profile).methodology
    assert maxima(profile, "OP.2.1") == {"OP.2.1.1": 1, "OP.2.1.2": 6, "OP.2.1.3": Decimal("1.6"), "OP.2.1.4": Decimal("1.4")}
    assert sum(maxima(profile, "OP.2.1").values()) == 10           # "ИТОГО 10"
    assert [n.max for n in m.node("OP.2.1.2").children] == [Decimal(v) for v in
            ("0.25", "0.3", "0.45", "1", "1", "1", "0.4", "0.4", "0.6", "0.5", "0.1")]
    assert [n.max for n in m.node("OP.2.1.3").children] == [Decimal("0.4")] + [Decimal("0.2")] * 6
    assert [n.max for n in m.node("OP.2.1.4").children] == [Decimal(v) for v in ("0.1", "0.2", "0.3", "0.3", "0.3", "0.2")]
    assert m.node("OP.2.1").formula.endswith(") / 10 * 5")


def test_app14_total_10_on_a_perfect_site():
    assert score(perfect_raw("central"), "central").scores["OP.2.1"] == 5


def test_app14_search_positions_mean_over_six_observations():
    """1.1: 1–10 → 1, 11–20 → 0.5, 21+ → 0, averaged over 3 engines × 2 names (A29)."""
    result = score(perfect_raw("central", op21_search_positions=[1, 5, 12, 20, 21, None]), "central")
    assert result.scores["OP.2.1"] == 5 - (1 - Decimal(3) / 6) / 10 * 5


@pytest.mark.parametrize("english_materials,english_interfaces,points", [
    (True, False, "0.3"), (False, True, "0.15"), (False, False, "0")])
def test_app14_english_version_incentive(english_materials, english_interfaces, points):
    result = score(perfect_raw("central", op21_english_materials=english_materials,
                               op21_english_interfaces=english_interfaces), "central")
    assert result.scores["OP.2.1"] == 5 - (Decimal("0.3") - Decimal(points)) / 10 * 5


# --- App 15 and 16 ----------------------------------------------------------------

APP15 = {"central": {"1.1": (1, 3), "1.2": (4, 7), "1.3": (4, 6), "1.4": (4, 4), "1.5": ("5.5", 11), "1.6": (2, 4),
                     "1.7": ("2.7", 5), "1.8": (7, 7), "1.9": (6, 8), "1.10": (2, 4), "1.11": (6, 6),
                     "1.12": ("4.8", 8), "1.13": (1, 2)},
         "local": {"1.1": (1, 3), "1.2": ("3.6", 6), "1.3": (4, 6), "1.4": (2, 4), "1.5": ("5.5", 11), "1.6": ("1.5", 3),
                   "1.7": ("2.4", 5), "1.8": (5, 5), "1.9": (6, 8), "1.10": (2, 4), "1.11": (6, 6), "1.12": (3, 4),
                   "1.13": (5, 8), "1.14": (2, 3), "1.15": (1, 2)}}
APP16 = {"central": {"1.1": (6, 6), "1.2": (10, 8), "1.3": (3, 3), "1.4": (4, 4), "1.5": (2, 1)},
         "local": {"1.1": (5, 5), "1.2": (2, 4), "1.3": (10, 8), "1.4": (3, 3), "1.5": (3, 4), "1.6": (1, 1), "1.7": (1, 1)}}


@pytest.mark.parametrize("node_id,table,total", [("OP.2.2", APP15, 50), ("OP.2.3", APP16, 25)])
@pytest.mark.parametrize("profile", PROFILES)
def test_app15_app16_sections_points_and_items(profile, node_id, table, total):
    """Section points as printed per language version, and the items each section lists."""
    c = compiled(profile)
    rule = c.methodology.node(node_id).checklist
    checklist = c.methodology.checklists[rule.checklist]
    got = {s.id: (c.parameters[rule.section_weights[s.id]], len(s.items)) for s in checklist.sections}
    assert got == {k: (Decimal(str(points)), items) for k, (points, items) in table[profile].items()}
    assert sum(points for points, _ in got.values()) == total == rule.version_total
    assert rule.deduction_per_defect == Decimal("0.1") and rule.deduction_cap_share == Decimal("0.5")


def test_app15_deficiency_cap_is_half_the_section():
    """§94 / A20: 0.1 per deficiency, at most 50 % of the section's weight (section 1.8: 7 → 3.5)."""
    result = score(perfect_raw("central", app15c_kk_1_8_defects=60), "central")
    assert result.scores["OP.2.2"] == 10 - Decimal("3.5") / 100 * 10


# --- App 6, 7, 8, 9 ----------------------------------------------------------------

def test_app6_app7_app8_tables():
    m = compiled("central").methodology
    assert [b.points for b in m.bands["app6_central"].bands] + [m.bands["app6_central"].otherwise] == [15, 12, 9, 6, 3, 0]
    assert [b.points for b in m.bands["app6_local"].bands] + [m.bands["app6_local"].otherwise] == [35, 30, 25, 20, 15, 10, 5, 0]
    for table, low, high in (("app7_central", 1, 5), ("app7_local", 2, 10)):
        assert [m.bands[table].points_for(Decimal(r)) for r in ("1", "19.99", "20", "39.99", "40", "60", "79.999", "80", "100")] \
            == [low, low, 2 * low, 2 * low, 3 * low, 4 * low, 4 * low, high, high]
    assert [m.bands["app8_plans_executed"].points_for(Decimal(p)) for p in ("100", "90", "89.99", "75", "74.99", "60", "59.99")] \
        == [Decimal("2.5"), Decimal("2.5"), Decimal("1.5"), Decimal("1.5"), Decimal("0.5"), Decimal("0.5"), 0]
    assert [m.bands["app8_recommendations_executed"].points_for(Decimal(p)) for p in ("90", "80", "79.99", "70", "69.99")] \
        == [Decimal("2.5"), Decimal("1.5"), Decimal("0.5"), Decimal("0.5"), 0]
    # IC5: 50 %+ → 3, 30–49.99 → 2, below 20 → 1, and the unprinted 20–29.99 → 1 (A11)
    assert [m.bands["app8_late_found_share"].points_for(Decimal(p)) for p in ("50", "49.99", "30", "25", "19.99", "0")] \
        == [3, 2, 2, 1, 1, 1]


def test_app9_points_and_the_commission_coefficient():
    params = compiled("central").parameters
    assert [params[f"app9_r{row}"] for row in range(1, 7)] == [20, 15, 10, 8, 5, 0]
    assert params["qs7_d_commission"] == Decimal("0.8")


def test_ca2_coefficient_bands():
    """§110: N = 10 for 10–999 considered, 100 for 1 000–4 999, 1 000 from 5 000; below 10 → 10 (A23)."""
    table = compiled("local").methodology.bands["ca2_coefficient"]
    assert [table.points_for(Decimal(b)) for b in (0, 9, 10, 999, 1000, 4999, 5000, 90000)] == [10, 10, 10, 10, 100, 100, 1000, 1000]


# --- grades, penalties, forms, provenance --------------------------------------------

def test_grades_of_paragraph_18():
    m = compiled("central").methodology
    assert [(g.low, g.high) for g in m.grades] == [(90, None), (70, 90), (50, 70), (None, 50)]
    assert [g.name.ru for g in m.grades] == ["Высокая степень эффективности", "Средняя степень эффективности",
                                             "Низкая степень эффективности", "Неэффективная деятельность"]
    assert m.grades_apply_to == ["total", "QS", "OP", "CA"]


def test_unreliable_fact_penalty_of_paragraph_15():
    rule = compiled("central").methodology.penalties["unreliable_fact"]
    assert (rule.points, rule.cap, rule.scope) == (Decimal("0.2"), 5, "direction")


def test_forms_of_the_act():
    forms = compiled("central").methodology.forms
    for code in ("App 1", "App 3", "App 4", "App 5", "App 11", "App 13", "App 18", "App 19"):
        assert code in forms


# The formulas the spec rebuilt ([R]); everything else is printed in words.
RECONSTRUCTED = {"QS", "QS.1", "QS.1.P1", "QS.2", "QS.2.Z", "QS.2.d", "QS.3", "QS.3.T1", "QS.3.T2", "QS.3.T3",
                 "QS.3.T4", "QS.3.T5", "QS.7", "QS.7.T", "QS.7.V", "OP", "OP.1", "CA", "CA.1", "CA.2", "CA.3"}


def test_every_lost_formula_is_flagged_reconstructed_with_a_note():
    source = catalog.methodology("citizens-2017")
    flagged = {n.id for n in source.walk() if n.provenance == "reconstructed"}
    assert flagged == RECONSTRUCTED
    for n in source.walk():
        assert n.paragraph
        if n.provenance == "reconstructed":
            assert n.note and "spec" in n.note, n.id   # each cites the spec's reading
    assert not any(n.provenance == "entered" for n in source.walk())


@pytest.mark.parametrize("profile", PROFILES)
def test_every_explanation_is_provisional_in_every_direction(profile):
    explanation = score(perfect_raw(profile), profile, explain=True).explanation
    for direction in ("QS", "OP", "CA"):
        notes = node(explanation, direction)["notes"]
        assert notes[0]["code"] == "provisional"
    provisional = {entry["id"] for entry in walk(explanation) if any(n["code"] == "provisional" for n in entry["notes"])}
    assert provisional == {n for n in RECONSTRUCTED if profile == "central" or not n.startswith(("QS.7",))}
    assert node(explanation, "QS.4.3")["provenance"] == "verbatim"


def test_options_and_their_defaults():
    options = compiled("central").methodology.options
    assert {key: option.default for key, option in options.items()} == {
        "A1": "mean", "A4": "after", "A11": "full", "A15": "recipients", "A16": "full", "A24": "per_n",
        "A26": "links", "A28": "rescale", "P66": "full", "P81": "separate"}


def test_edition_in_force():
    """Registered 28.12.2017 (publication date unknown, so registration stands in);
    repealed in March 2020."""
    from datetime import date
    found = catalog.edition_in_force("citizens-interaction", date(2018, 12, 31))
    assert found is not None and found[0].id == "citizens-2017"
    later = catalog.edition_in_force("citizens-interaction", date(2020, 12, 31))
    assert later is None or later[0].id != "citizens-2017"


@pytest.mark.parametrize("answered,points", [(100, 2), ("99.9", 1), (71, 1), (70, 1), ("69.99", 0), (0, 0)])
def test_paragraph_83_answered_share_bands(answered, points):
    """§83: 100 % → 2; more than 70 % and less than 100 % → 1; less than 70 % → 0;
    exactly 70 % → 1 (A13). One language version; the other stays at 2."""
    result = score(perfect_raw("local", app12_dlg_kk_2_answered_pct=answered), "local")
    assert near_value(result.scores["OP.1.4"], (F(9) - 2 + points) / 9 * 20)


@pytest.mark.parametrize("new_types,conclusion,points", [(True, False, 5), (False, True, 5), (False, False, 0)])
def test_paragraph_57_register_expansion(new_types, conclusion, points):
    result = score(perfect_raw("central", qs5_new_types=new_types, qs5_no_more_types=conclusion), "central")
    assert result.scores["QS.5"] == points


def test_paragraph_59_composite_services():
    assert score(perfect_raw("central", qs6_new_composite=False), "central").scores["QS.6"] == 0
    assert score(perfect_raw("central"), "central").scores["QS.6"] == 3


def test_paragraph_32_measures():
    assert score(perfect_raw("local", qs1_measures=False), "local").scores["QS.1.P2"] == 0


def near_value(value: Decimal, target: F) -> bool:
    return abs(F(value) - target) < F(1, 10 ** 20)


# --- App 12: the parameter names are the act's own wording -----------------------------

_KFO = "Размещение на Портале консолидированной финансовой отчетности: "
_BO = ("Размещение на Портале бюджетной отчетности в течение пятнадцати рабочих дней "
       "по истечении сроков ее формирования: ")
_AUD = ("Размещение на Портале информации о результатах государственного аудита и финансового "
        "контроля в течение пятнадцати рабочих дней после их получения от органов "
        "государственного аудита и финансового контроля")
_PB_C = "Размещение на Портале проектов бюджетных программ не позднее 15 мая текущего финансового года: "
_PB_L = ("Размещение на Портале проектов бюджетных программ не позднее 15 мая текущего финансового года "
         "и размещение отчетов о реализации бюджетных программ не позднее 1 апреля за истекший "
         "финансовый год: ")
_FORMS = "Корректность заполнения форм (точность, достоверность, полнота и срок размещения)"
_MON = "Мониторинг и рассмотрение предложений и комментариев пользователей"

# App 12 T1 row 2 and T2 row 2, "Описание параметров": a grouped parameter is named
# "<group>: <parameter>", both copied from the table (they were shortened before:
# "Консолидированная финансовая отчетность: …", "в течение 15 рабочих дней", …).
APP12_OPEN_BUDGET_NAMES = {
    "app12c_ob": {
        "1.1": _KFO + "Консолидированный бухгалтерский баланс",
        "1.2": _KFO + "Консолидированный отчет о результатах финансовой деятельности",
        "1.3": _KFO + "Консолидированный отчет о движении денег",
        "1.4": _KFO + "Консолидированный отчет об изменениях чистых активов/капитала",
        "1.5": _KFO + "Пояснительная записка к консолидированной финансовой отчетности",
        "2.1": _BO + "Отчет о реализации стратегического плана",
        "2.2": _BO + "Отчет о реализации бюджетных программ",
        "3": _AUD,
        "4.1": _PB_C + _FORMS,
        "4.2": _PB_C + _MON,
        "5": "Публикация оповещений о начале публичных обсуждений проектов бюджетных программ",
    },
    "app12l_ob": {
        "1": _BO + "Отчет о реализации бюджетных программ",
        "2": _AUD,
        "3.1": _PB_L + _FORMS,
        "3.2": _PB_L + _MON,
        "4": "Публикация оповещений о начале публичных обсуждений проектов бюджетных программ",
    },
}


@pytest.mark.parametrize("checklist", sorted(APP12_OPEN_BUDGET_NAMES))
def test_app12_open_budget_parameter_names_are_the_acts(checklist):
    import yaml
    data = yaml.safe_load(DEFINITION.read_text(encoding="utf-8"))
    names = {s["id"]: s["name"]["ru"] for s in data["checklists"][checklist]["sections"]}
    assert names == APP12_OPEN_BUDGET_NAMES[checklist]
