"""Engine features beyond the 2012 act, on a small synthetic edition
(tests/data/mini-2020.yaml) and its amending overlay (mini-2023.yaml):
profiles, options, grades, entered nodes, cohort averages, penalties,
overlays, the edition in force and diffs."""

from __future__ import annotations

import json
from datetime import date
from fractions import Fraction
from decimal import Decimal
from pathlib import Path

import pytest

from bagalau.engine import catalog
from bagalau.engine.cohort import CohortScorer, rank
from bagalau.engine.definition import read_yaml
from bagalau.engine.editions import OverlayError, diff, in_force, resolve_data
from bagalau.engine.inputs import InputError, Submission
from bagalau.engine.scoring import AppliedPenalty, ScoringError
from bagalau.engine.validation import check_file
from bagalau.engine.explanations import find_node

DATA = Path(__file__).parent.parent / "data"
BASE = str(DATA / "mini-2020.yaml")
AMENDED = str(DATA / "mini-2023.yaml")


def body(body_id, profile="central", **values):
    inputs = {"done": 30, "due": 40, "raw": 5, "bonus": 3, "budget_share": "0.5",
              "entered_2_2": 7, "entered_2_2_comment": "set by the working group"}
    if profile == "local":
        inputs["local_only"] = 12
    inputs.update(values)
    return Submission(body_id, body_id.upper(), {k: v for k, v in inputs.items() if v is not None}, profile=profile)


def score(submissions, options=None, **kwargs):
    cohort = CohortScorer(BASE, options)
    validated = [cohort.validate(s) for s in submissions]
    return cohort, {r.body_id: r for r in cohort.score(validated, explain=True, **kwargs)}




# --- profiles -------------------------------------------------------------------------

def test_each_profile_has_its_own_maxima_and_nodes():
    central, local = catalog.load(BASE, "central"), catalog.load(BASE, "local")
    assert central.nodes["1.1"].node.max == 40 and local.nodes["1.1"].node.max == 30
    assert "3" not in central.nodes and "3" in local.nodes
    assert "local_only" not in central.inputs and "local_only" in local.inputs


def test_a_local_body_must_report_the_local_input():
    cohort = CohortScorer(BASE)
    with pytest.raises(InputError) as error:
        cohort.validate(body("akimat", "local", local_only=None))
    assert [p.field for p in error.value.problems] == ["local_only"]


def test_unknown_profile_is_a_clear_error():
    with pytest.raises(Exception) as error:
        CohortScorer(BASE).validate(body("x", "regional"))
    assert "unknown profile 'regional'" in str(error.value)


def test_central_and_local_bodies_are_ranked_apart():
    cohort, results = score([body("c1"), body("c2", done=40), body("l1", "local")])
    ranked = rank(cohort.scorer(None), list(results.values()))
    assert [(r.profile, r.rank, r.result.body_id) for r in ranked] == [
        ("central", 1, "c2"), ("central", 2, "c1"), ("local", 1, "l1")]


# --- formulas, options, grades, entered nodes ------------------------------------------

def test_share_and_weight_per_profile():
    _, results = score([body("c"), body("l", "local")])
    assert results["c"].scores["1.1"] == Decimal(40) * 30 / 40      # 30.0
    assert results["l"].scores["1.1"] == Decimal(30) * 30 / 40      # 22.5


def test_option_changes_when_the_floor_applies():
    negative = [body("c", raw=-4, bonus=3)]
    _, after = score(negative)                       # max(0, -4) + 3 = 3
    _, before = score(negative, {"A1": "before"})    # max(0, -4 + 3) = 0
    assert after["c"].scores["1.2"] == 3 and before["c"].scores["1.2"] == 0
    _, also = score(negative, {"A-01": "before"})    # the spec's spelling is accepted
    assert also["c"].scores["1.2"] == 0


def test_unknown_option_value_is_refused():
    with pytest.raises(ValueError, match="not one of"):
        CohortScorer(BASE, {"A1": "sideways"})


def test_grades_use_the_rounded_total():
    _, results = score([body("c", done=40, raw=20, budget_share=1, entered_2_2=10)])
    assert results["c"].total == 100
    assert results["c"].grades["total"] == {"en": "high"}


def test_entered_points_are_bounded_and_need_a_comment():
    cohort = CohortScorer(BASE)
    with pytest.raises(InputError) as error:
        cohort.validate(body("c", entered_2_2=11, entered_2_2_comment=None))
    reasons = {p.field: p.reason for p in error.value.problems}
    assert "above the maximum 10" in reasons["entered_2_2"]
    assert reasons["entered_2_2_comment"].startswith("missing")
    _, results = score([body("c")])
    node = find_node(results["c"].explanation, "2.2")
    assert node["score"] == "7.00" and node["provenance"] == "entered"
    assert any("set by the working group" in n["text"] for n in node["notes"])


# --- cohort averages ------------------------------------------------------------------

def test_secret_budget_body_gets_the_average_of_the_others():
    cohort, results = score([
        body("c1", budget_share="0.5"), body("c2", budget_share="0.8"),
        body("secret", secret=True, budget_share=None), body("l1", "local", budget_share="0.1")])
    # central 2.1 weight 30: c1 = 15, c2 = 24; the local body is another profile
    assert results["secret"].scores["2.1"] == Decimal("19.5")
    node = find_node(results["secret"].explanation, "2.1")
    assert node["status"] == "cohort_average"
    note = next(n for n in node["notes"] if n["code"] == "cohort_average")
    assert [b["id"] for b in note["bodies"]] == ["c1", "c2"]
    assert "the budget is secret" in note["text"]
    # the parent and the total include the average
    assert results["secret"].scores["2"] == Decimal("19.5") + 7


def test_no_body_to_average_is_an_error_not_a_silent_zero():
    with pytest.raises(ScoringError, match="no body of the cohort qualifies"):
        score([body("secret", secret=True, budget_share=None)])


# --- penalties ------------------------------------------------------------------------

def test_direction_penalties_are_capped_per_direction():
    cohort = CohortScorer(BASE)
    validated = [cohort.validate(body("c"))]
    clean = cohort.score(validated)[0]
    facts = [AppliedPenalty("unreliable_fact", node="1", reference=f"fact {i}") for i in range(7)]
    facts.append(AppliedPenalty("late"))
    penalised = cohort.score(validated, penalties={"c": facts}, explain=True)[0]
    # 7 × 0.2 = 1.4, capped at 1 on direction 1; late 1.5 off the total
    assert penalised.scores["1"] == clean.scores["1"] - 1
    assert penalised.total == clean.total - 1 - Fraction(3, 2)
    lines = {line["rule"]: line for line in penalised.explanation["penalties"]}
    assert lines["unreliable_fact"]["capped"] is True and lines["unreliable_fact"]["amount"] == "1"


def test_direction_penalty_needs_a_direction():
    cohort = CohortScorer(BASE)
    with pytest.raises(ScoringError, match="capped per direction"):
        cohort.score([cohort.validate(body("c"))], penalties={"c": [AppliedPenalty("unreliable_fact")]})


# --- overlays, editions in force, diff ------------------------------------------------

def test_overlay_restates_adds_and_deletes():
    compiled, problems = check_file(AMENDED)
    assert problems == []
    m = compiled.source
    assert m.lineage == ["mini-2020"] and m.base == "mini-2020"
    node_12 = m.node("1.2")
    assert node_12.max == 10 and node_12.amended_by == "cl. 1(1)"
    assert [c.id for c in m.node("1").children] == ["1.1", "1.2", "1.3"]
    assert all(node.id != "4" for node in m.nodes)
    assert m.min_total == 0


def test_overlay_errors_name_the_change():
    base = read_yaml(Path(BASE))
    overlay = read_yaml(Path(AMENDED))
    overlay["changes"][0]["node"] = "9.9"
    del overlay["changes"][2]["paragraph"]
    with pytest.raises(OverlayError) as error:
        resolve_data(overlay, lambda edition_id: base)
    paths = dict(error.value.problems)
    assert "unknown node '9.9'" in paths["changes[0].node"]
    assert "must cite the amending act's paragraph" in paths["changes[2].paragraph"]


def test_overlay_cycle_is_reported():
    overlay = read_yaml(Path(AMENDED))
    looping = dict(overlay, id="mini-2020", base="mini-2023")
    with pytest.raises(OverlayError, match="cycle"):
        resolve_data(looping, lambda edition_id: {**overlay, "base": "mini-2020"} if edition_id == "mini-2023"
                     else looping)


def test_edition_in_force_for_a_period():
    editions = [catalog.methodology(BASE), catalog.methodology(AMENDED)]
    assert in_force(editions, date(2022, 12, 31))[0].id == "mini-2020"
    assert in_force(editions, date(2023, 12, 31))[0].id == "mini-2023"
    assert in_force(editions, date(2019, 12, 31)) is None


def test_diff_lists_what_the_amendment_changed():
    changes = diff(catalog.methodology(BASE), catalog.methodology(AMENDED))
    seen = {(c.kind, c.id) for c in changes if c.area == "node"}
    assert {("added", "1.3"), ("deleted", "4"), ("deleted", "4.1"), ("weight", "1.2"), ("wording", "1.2")} <= seen
    weight = next(c for c in changes if c.kind == "weight" and c.id == "1.2")
    assert (weight.before, weight.after) == ("20", "10")


def test_explanation_is_json_with_penalties_and_grades():
    _, results = score([body("c")])
    explanation = results["c"].explanation
    json.dumps(explanation)
    assert explanation["grades"]["total"]["en"] in {"high", "medium", "low"}
    assert explanation["penalties"] == []


# --- named variables and shared penalty caps --------------------------------------------

def mini_data() -> dict:
    import copy
    return copy.deepcopy(read_yaml(Path(BASE)))


def compile_mini(data, profile="central"):
    from bagalau.engine.compiled import CompiledMethodology
    from bagalau.engine.validation import check_data
    compiled, problems = check_data(data)
    assert [str(p) for p in problems] == []
    return CompiledMethodology(compiled.source, profile)


def test_named_variables_feed_the_formula_and_the_explanation():
    from bagalau.engine.inputs import validate
    from bagalau.engine.scoring import Scorer
    data = mini_data()
    node = data["nodes"][0]["children"][0]
    node["variables"] = {"a": "done", "b": "due - done", "s": "a / (a + b)"}
    node["formula"] = "weight * s"
    compiled = compile_mini(data)
    values = validate(compiled, body("c")).values
    result = Scorer(compiled).score("c", values, explain=True)
    assert result.scores["1.1"] == Decimal(40) * 30 / 40
    explained = find_node(result.explanation, "1.1")
    assert explained["parameters"]["s"] == "0.75" and explained["inputs"]["done"]["value"] == "30"
    # a zero denominator inside a variable follows the node's rule
    values = validate(compiled, body("c", done=0, due=0)).values
    assert Scorer(compiled).score("c", values).scores["1.1"] == 40


def test_a_variable_may_not_shadow_an_input():
    from bagalau.engine.validation import check_data
    data = mini_data()
    node = data["nodes"][0]["children"][0]
    node["variables"] = {"done": "due"}
    _, problems = check_data(data)
    assert any("cannot name a variable" in p.message for p in problems)


def test_rules_in_one_cap_group_share_the_cap():
    from bagalau.engine.inputs import validate
    from bagalau.engine.scoring import Scorer
    data = mini_data()
    data["penalties"]["late"].update(cap_group="reporting", scope="direction")
    data["penalties"]["incomplete"] = {"name": {"en": "Incomplete"}, "amount_entered": True, "cap_group": "reporting",
                                      "scope": "direction", "paragraph": "§11"}
    data["penalty_caps"] = {"reporting": "2"}
    compiled = compile_mini(data)
    scorer = Scorer(compiled)
    values = validate(compiled, body("c")).values
    clean = scorer.score("c", values)
    penalised = scorer.score("c", values, explain=True, penalties=[
        AppliedPenalty("late", node="1"), AppliedPenalty("incomplete", node="1", amount=Decimal("0.75"), count=2)])
    # 1.5 + 2 × 0.75 = 3, capped at 2 for the group
    assert penalised.scores["1"] == clean.scores["1"] - 2
    notes = [n["text"] for n in find_node(penalised.explanation, "1")["notes"]]
    assert any("capped at 2" in text for text in notes)
    with pytest.raises(ScoringError, match="needs the entered amount"):
        scorer.score("c", values, penalties=[AppliedPenalty("incomplete", node="1")])


def test_list_input_with_mean_total_and_count():
    from bagalau.engine.inputs import validate
    from bagalau.engine.scoring import Scorer
    data = mini_data()
    data["inputs"].append({"id": "levels", "type": "decimals", "min": "0", "max": "100", "required": False,
                           "source": {"form": "F3", "row": "1"}, "name": {"en": "satisfaction levels"}})
    node = data["nodes"][0]["children"][1]
    node["formula"] = "min(weight, mean(levels) / 5 + 0 * total(levels) * count(levels))"
    node["zero_denominator"] = {"then": "zero", "meaning": "no service was surveyed"}
    compiled = compile_mini(data)
    scorer = Scorer(compiled)
    values = validate(compiled, body("c", levels="80, 90,100")).values
    assert values["levels"] == [Decimal(80), Decimal(90), Decimal(100)]
    assert scorer.score("c", values).scores["1.2"] == Decimal(18)
    empty = validate(compiled, body("c", levels=[])).values
    assert scorer.score("c", empty).scores["1.2"] == 0
    assert validate(compiled, body("c", levels="—")).values["levels"] == []  # an XLSX cell for "none"
    with pytest.raises(InputError) as error:
        validate(compiled, body("c", levels="80, 120"))
    assert "value 2: 120 is above the maximum 100" in error.value.problems[0].reason


def test_mean_needs_a_zero_denominator_rule():
    from bagalau.engine.validation import check_data
    data = mini_data()
    data["inputs"].append({"id": "levels", "type": "decimals", "source": {"form": "F3"}, "name": {"en": "levels"}})
    data["nodes"][0]["children"][1]["formula"] = "min(weight, mean(levels))"
    _, problems = check_data(data)
    assert any("does not say what a zero denominator means" in p.message for p in problems)


def test_a_formula_may_be_worded_per_profile():
    from bagalau.engine.inputs import validate
    from bagalau.engine.scoring import Scorer
    data = mini_data()
    node = data["nodes"][0]["children"][1]
    node["formula"] = {"central": "min(weight, raw)", "local": "min(weight, raw + bonus + local_only)"}
    central, local = compile_mini(data, "central"), compile_mini(data, "local")
    assert Scorer(central).score("c", validate(central, body("c")).values).scores["1.2"] == 5
    assert Scorer(local).score("l", validate(local, body("l", "local")).values).scores["1.2"] == 20  # 5 + 3 + 12
    del node["formula"]["local"]
    from bagalau.engine.validation import check_data
    _, problems = check_data(data)
    assert any("no formula for profile 'local'" in p.message for p in problems)
