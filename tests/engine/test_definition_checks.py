"""`check_data` rejects broken definitions, each problem with its path in the
file and a message a methodologist can act on.

Every case starts from the real it-2012.yaml (which has no problems) and
breaks exactly one thing, so the problem found must be the one introduced.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from conftest import DEFINITION, find_node, full_raw
from bagalau.engine.inputs import Submission, validate
from bagalau.engine.scoring import Scorer, ScoringError
from bagalau.engine.validation import Problem, check_data, check_file

# Paths of nodes in it-2012.yaml as check_data reports them.
P_1 = "nodes[0]"
P_1_1 = "nodes[0].children[0]"
P_2_1 = "nodes[1].children[0]"
P_2_2 = "nodes[1].children[1]"
P_3_1 = "nodes[2].children[0]"
P_3_1_1 = "nodes[2].children[0].children[0]"
P_3_1_2 = "nodes[2].children[0].children[1]"
P_3_3_1 = "nodes[2].children[2].children[0]"


def problems_of(data) -> list[Problem]:
    _, problems = check_data(data)
    return problems


def assert_problem(problems: list[Problem], path: str, *fragments: str) -> Problem:
    """Exactly the problems introduced: one at ``path`` whose message holds every fragment."""
    matching = [p for p in problems if p.path == path and all(f in p.message for f in fragments)]
    assert matching, f"no problem at {path!r} with {fragments!r}; got:\n" + "\n".join(map(str, problems))
    return matching[0]


# --- the real definition -----------------------------------------------------------

def test_real_definition_has_no_problems():
    compiled, problems = check_file(DEFINITION)
    assert problems == []
    assert compiled is not None
    assert compiled.methodology.id == "it-2012"


def test_real_definition_data_has_no_problems(definition_data):
    compiled, problems = check_data(definition_data)
    assert problems == []
    # §13: 10 + 20 + 25 + 45 = 100 and the deductions total −15
    assert compiled.methodology.max_total == 100
    assert compiled.methodology.min_total == -15
    assert [compiled.nodes[n].node.max for n in compiled.top_level] == [10, 20, 25, 45, -15]


def test_unreadable_file(tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text("nodes: [unclosed\n", encoding="utf-8")
    compiled, problems = check_file(path)
    assert compiled is None
    assert problems[0].path == str(path)
    assert "cannot read the file" in problems[0].message


# --- formulas: names and syntax ------------------------------------------------------

def test_unknown_input_name_in_formula(broken):
    find_node(broken, "3.1.1")["formula"] = "weight * share(app2_gX, app2_g2)"
    assert_problem(problems_of(broken), f"{P_3_1_1}.formula", "unknown name 'app2_gX'",
                   "not an input, parameter or option")


def test_unknown_name_in_not_applicable_condition(broken):
    find_node(broken, "3.3.1")["not_applicable"]["when"] = "not is_licenser"
    assert_problem(problems_of(broken), f"{P_3_3_1}.not_applicable.when", "unknown name 'is_licenser'")


def test_unknown_name_in_a_check_rule(broken):
    broken["checks"][0]["rule"] = "app2_g1 <= app2_g22"
    assert_problem(problems_of(broken), "checks[0].rule", "unknown name 'app2_g22'")


def _input(data, input_id):
    return next(item for item in data["inputs"] if item["id"] == input_id)


def test_required_when_is_checked_like_a_rule(broken):
    _input(broken, "app1_r2_3_1")["required_when"]["when"] = "is_licenser"
    _input(broken, "wg_3_3_1_formed")["required"] = True
    problems = problems_of(broken)
    assert_problem(problems, "inputs.app1_r2_3_1.required_when.when", "unknown name 'is_licenser'")
    assert_problem(problems, "inputs.wg_3_3_1_formed.required_when.when", "only an optional input")


@pytest.mark.parametrize("formula,fragment", [
    ("weight * app2_g1.real", "'app2_g1.real' is not allowed (Attribute)"),
    ("weight * app2_g1.__class__", "is not allowed (Attribute)"),
    ("__import__('os')", "call to '__import__' is not allowed"),
    ("open('/etc/passwd')", "call to 'open' is not allowed"),
    ("(lambda: 1)()", "is not allowed"),
    ("weight * (lambda x: x)(1)", "is not allowed"),
    ("sum([x for x in wg_2_1_positions])", "is not allowed"),
    ("[x for x in wg_2_1_positions]", "is not allowed (ListComp)"),
    ("wg_2_1_positions[0]", "is not allowed (Subscript)"),
    ("share(app2_g1, app2_g2, where=1)", "keyword arguments are not allowed"),
    ("weight * share(app2_g1, app2_g2", "syntax error"),
    ("weight * __builtins__", "names may not start with '_'"),
    ("band(table, app2_g1)", "needs a quoted band table id"),
], ids=["attribute", "dunder-attribute", "__import__", "open", "lambda-call", "lambda-in-call",
        "comprehension-in-call", "list-comprehension", "subscript", "keyword", "syntax", "underscore-name",
        "unquoted-reference"])
def test_disallowed_syntax_in_formula(broken, formula, fragment):
    node = find_node(broken, "3.1.1")
    node["formula"] = formula
    problem = assert_problem(problems_of(broken), f"{P_3_1_1}.formula", fragment)
    # the message quotes the offending formula so it can be found in the file
    assert formula in problem.message


def test_parameter_must_be_constant(broken):
    broken["parameters"]["licensing_planned_points"]["value"] = "app2_g1 / 2"
    assert_problem(problems_of(broken), "parameters.licensing_planned_points.value", "must be a constant",
                   "app2_g1")


# --- the tree: weights, ids, paragraphs, cycles --------------------------------------

def test_children_weights_must_add_up_to_parent(broken):
    find_node(broken, "3.1.1")["max"] = "4"     # 4+3+3+2+3+1 = 16, 3.1 is worth 15 (§28)
    problem = assert_problem(problems_of(broken), f"{P_3_1}.children", "children of 3.1 add up to 16",
                             "not to its maximum 15")
    assert problem


def test_top_level_must_add_up_to_max_total(broken):
    find_node(broken, "1")["max"] = "11"
    for child in find_node(broken, "1")["children"]:
        if child["id"] == "1.5":
            child["max"] = "5"
    assert_problem(problems_of(broken), "nodes", "add up to 101", "max_total 100")


def test_deductions_must_add_up_to_min_total(broken):
    broken["min_total"] = "-16"
    assert_problem(problems_of(broken), "nodes", "deductions add up to -15", "min_total -16")


def test_missing_paragraph_reference(broken):
    del find_node(broken, "1.1")["paragraph"]
    assert_problem(problems_of(broken), f"{P_1_1}.paragraph", "node 1.1 has no paragraph reference")


def test_blank_paragraph_reference(broken):
    find_node(broken, "3.1.2")["paragraph"] = "   "
    assert_problem(problems_of(broken), f"{P_3_1_2}.paragraph", "node 3.1.2 has no paragraph reference")


def test_duplicate_node_id(broken):
    find_node(broken, "3.1.2")["id"] = "3.1.1"
    assert_problem(problems_of(broken), f"{P_3_1_2}.id", "node id '3.1.1' is used twice",
                   f"first at {P_3_1_1}")


def test_dependency_cycle_between_siblings(broken):
    find_node(broken, "3.1.1")["formula"] = "score('3.1.2')"
    find_node(broken, "3.1.2")["formula"] = "score('3.1.1')"
    problems = problems_of(broken)
    cycle = [p for p in problems if "dependency cycle" in p.message]
    assert len(cycle) == 1, problems
    assert cycle[0].path in (P_3_1_1, P_3_1_2)
    assert "3.1.1 -> 3.1.2 -> 3.1.1" in cycle[0].message or "3.1.2 -> 3.1.1 -> 3.1.2" in cycle[0].message


def test_dependency_cycle_through_the_parent(broken):
    find_node(broken, "3.1.1")["formula"] = "score('3.1')"
    problem = assert_problem(problems_of(broken), P_3_1, "dependency cycle", "3.1 -> 3.1.1 -> 3.1")
    assert problem


def test_score_of_unknown_node(broken):
    find_node(broken, "3.1.1")["formula"] = "score('3.1.9')"
    assert_problem(problems_of(broken), f"{P_3_1_1}.formula", "unknown node '3.1.9' in score()")


def test_redistribution_to_unknown_node(broken):
    find_node(broken, "3.3.1")["not_applicable"]["to"] = ["3.3.9"]
    assert_problem(problems_of(broken), f"{P_3_3_1}.not_applicable.to", "moves to unknown node '3.3.9'")


def test_redistribution_without_targets(broken):
    del find_node(broken, "3.3.1")["not_applicable"]["to"]
    problems = problems_of(broken)
    assert_problem(problems, "nodes[2](id 3).children[2](id 3.3).children[0](id 3.3.1).not_applicable",
                   "'then: redistribute' needs 'to: [node ids]'")


def test_unknown_band_table(broken):
    find_node(broken, "2.1")["formula"] = "mean_band('search_positions', wg_2_1_positions)"
    assert_problem(problems_of(broken), f"{P_2_1}.formula", "unknown band table 'search_positions'")


def test_share_without_zero_denominator_rule(broken):
    del find_node(broken, "3.1.1")["zero_denominator"]
    assert_problem(problems_of(broken), f"{P_3_1_1}.zero_denominator",
                   "node 3.1.1 divides (share() or '/') but does not say what a zero denominator means")


def test_plain_division_without_zero_denominator_rule(broken):
    node = find_node(broken, "3.1.1")
    del node["zero_denominator"]
    node["formula"] = "weight * app2_g1 / app2_g2"
    assert_problem(problems_of(broken), f"{P_3_1_1}.zero_denominator", "divides")


def test_division_by_a_literal_needs_no_rule(broken):
    node = find_node(broken, "3.2.1")
    node["formula"] = "weight * app1_r2_2_1 / 2 * 2"
    assert problems_of(broken) == []


def test_zero_denominator_rule_with_unknown_option(broken):
    find_node(broken, "3.1.1")["zero_denominator"]["option"] = "A99"
    assert_problem(problems_of(broken), f"{P_3_1_1}.zero_denominator.option", "unknown option 'A99'")


def test_leaf_without_formula(broken):
    del find_node(broken, "3.2.1")["formula"]
    assert_problem(problems_of(broken), "nodes[2].children[1].children[0]", "leaf node 3.2.1 has no formula")


def test_node_with_formula_and_children(broken):
    find_node(broken, "3.2")["formula"] = "weight"
    assert_problem(problems_of(broken), "nodes[2].children[1].formula",
                   "the formula must combine every child with score('id')", "3.2.1, 3.2.2, 3.2.3, 3.2.4")


def test_parent_formula_over_its_children(broken):
    """A parent may combine its children by a formula (e.g. P6 = (A + B) × C + D)."""
    find_node(broken, "3.2")["formula"] = ("min(weight, 2 * (score('3.2.1') + score('3.2.2')) "
                                          "+ 0 * (score('3.2.3') + score('3.2.4')))")
    compiled, problems = check_data(broken)
    assert problems == []
    values = validate(compiled, Submission("b", None, full_raw(app1_r2_2_1=True, app1_r2_2_2=False))).values
    assert Scorer(compiled).score("b", values).scores["3.2"] == 1


def test_reading_not_listed(broken):
    find_node(broken, "3.1.3")["readings"] = ["A7", "A77"]
    assert_problem(problems_of(broken), "nodes[2].children[0].children[2].readings", "reading A77 is not listed")


# --- schema errors (pydantic), with node ids in the path ----------------------------

def test_schema_wrong_type(broken):
    find_node(broken, "1")["max"] = "ten"
    problems = problems_of(broken)
    # `max` is a number or a profile -> number mapping, so pydantic may add the
    # union member to the path (max.decimal); the node id must be there.
    matching = [p for p in problems if p.path.startswith("nodes[0](id 1).max") and "valid decimal" in p.message]
    assert matching, [str(p) for p in problems]


def test_schema_unknown_key(broken):
    find_node(broken, "1.1")["weight"] = "1"
    assert_problem(problems_of(broken), "nodes[0](id 1).children[0](id 1.1).weight", "Extra inputs are not permitted")


def test_schema_unknown_kind(broken):
    find_node(broken, "1.1")["kind"] = "leaf"
    assert_problem(problems_of(broken), "nodes[0](id 1).children[0](id 1.1).kind", "direction")


def test_schema_wrong_input_type(broken):
    broken["inputs"][0]["type"] = "string"
    assert_problem(problems_of(broken), "inputs[0](id app1_r1_d1).type", "'integer'")


def test_schema_missing_nodes(broken):
    del broken["nodes"]
    assert_problem(problems_of(broken), "nodes", "Field required")


def test_schema_returns_no_compiled_definition(broken):
    find_node(broken, "1")["max"] = "ten"
    compiled, problems = check_data(broken)
    assert compiled is None and problems


def test_option_default_not_in_choices(broken):
    broken["options"]["A13"]["default"] = "maybe"
    assert_problem(problems_of(broken), "options.A13", "default 'maybe' is not one of the choices",
                   "full", "zero")


# --- inputs ------------------------------------------------------------------------

def test_input_defined_twice(broken):
    broken["inputs"].append(dict(broken["inputs"][0]))
    index = len(broken["inputs"]) - 1
    assert_problem(problems_of(broken), f"inputs[{index}](id app1_r1_d1)", "defined twice")


def test_input_min_above_max(broken):
    entry = next(i for i in broken["inputs"] if i["id"] == "app1_r2_1_1")
    entry["min"], entry["max"] = "2", "1"
    index = broken["inputs"].index(entry)
    assert_problem(problems_of(broken), f"inputs[{index}](id app1_r2_1_1)", "min 2 is above max 1")


def test_input_with_reserved_name(broken):
    broken["inputs"].append({**broken["inputs"][0], "id": "weight"})
    index = len(broken["inputs"]) - 1
    assert_problem(problems_of(broken), f"inputs[{index}](id weight)", "reserved")


# --- App 6 checklist ---------------------------------------------------------------

def test_app6_section_weights_must_total_fifty(broken):
    broken["parameters"]["app6_w_1_1"]["value"] = "4 * 50 / 72"    # one item too many
    assert_problem(problems_of(broken), f"{P_2_2}.checklist.section_weights", "section weights add up to 50.69",
                   "not to the version total 50")


def test_app6_section_without_weight(broken):
    del find_node(broken, "2.2")["checklist"]["section_weights"]["1.15"]
    broken["parameters"]["app6_w_1_14"]["value"] = "12 * 50 / 72"   # keep the total at 50
    assert_problem(problems_of(broken), f"{P_2_2}.checklist.section_weights", "section 1.15 has no weight")


def test_app6_weight_names_unknown_parameter(broken):
    find_node(broken, "2.2")["checklist"]["section_weights"]["1.1"] = "app6_w_1_99"
    assert_problem(problems_of(broken), f"{P_2_2}.checklist.section_weights.1.1", "unknown parameter 'app6_w_1_99'")


def test_unknown_checklist(broken):
    find_node(broken, "2.2")["checklist"]["checklist"] = "app7"
    assert_problem(problems_of(broken), f"{P_2_2}.checklist.checklist", "unknown checklist 'app7'")


# --- regressions: engine bugs found while writing these tests (fixed in 1a61400) -----------

def _score_with(data, raw=None):
    compiled, problems = check_data(data)
    assert problems == [], [str(p) for p in problems]
    values = validate(compiled, Submission("b", None, raw or full_raw())).values
    return Scorer(compiled).score("b", values)


def test_hex_literal_is_exact_not_a_crash(broken):
    """Was: Decimal('0x10') raised InvalidOperation out of check_data."""
    find_node(broken, "3.1.1")["formula"] = "weight * share(app2_g1, app2_g2) * 0x10 / 16"
    assert _score_with(broken, full_raw(app2_g1=200, app2_g2=500)).scores["3.1.1"] == Decimal("1.2")


def test_underscored_and_decimal_literals_do_not_collide(broken):
    """Was: '1_0' and '1.0' both became the constant __k_1_0__, so 1_0 + 1.0 gave 2.0."""
    find_node(broken, "3.1.1")["formula"] = "(1_0 + 1.0) / 11 * weight"
    assert _score_with(broken).scores["3.1.1"] == 3


def test_same_literal_text_across_formulas_keeps_each_value(broken):
    """Constants of all formulas share one namespace: 1.0 in one formula and 1_0 in
    another must still be 1 and 10."""
    find_node(broken, "3.1.1")["formula"] = "weight * 1.0"
    find_node(broken, "3.1.2")["formula"] = "weight * 1_0 / 10"
    result = _score_with(broken)
    assert result.scores["3.1.1"] == 3 and result.scores["3.1.2"] == 3


def test_score_reference_in_not_applicable_condition_is_rejected(broken):
    """Was: accepted by check_data, then a bare KeyError at scoring, because
    applicability is decided before any node is scored."""
    find_node(broken, "3.3.1")["not_applicable"]["when"] = "score('4.1') < 1"
    assert_problem(problems_of(broken), f"{P_3_3_1}.not_applicable.when", "score() cannot be used here")


def test_profile_maximum_without_profiles_is_a_problem_not_a_crash(broken):
    """Was: TypeError (Decimal + dict) out of check_data."""
    find_node(broken, "1.1")["max"] = {"local": "1"}
    assert_problem(problems_of(broken), "nodes[0](id 1).children[0](id 1.1).max", "need top-level profiles")


def test_non_numeric_formula_is_a_scoring_error_not_a_zero_denominator(broken):
    """Was: Decimal('three') raised InvalidOperation, caught as a zero denominator,
    so 3.1.1 silently scored its full 3 points under A13."""
    find_node(broken, "3.1.1")["formula"] = "'three'"
    compiled, problems = check_data(broken)
    if problems:
        return          # rejecting it at check time would be fine too
    values = validate(compiled, Submission("b", None, full_raw())).values
    with pytest.raises(ScoringError) as caught:
        Scorer(compiled).score("b", values)
    assert caught.value.node == "3.1.1"


def test_division_by_zero_without_a_rule_is_a_scoring_error(broken):
    """A plain '/' (not share()) with a zero denominator and no rule: the body is
    not scored, and the error names the body and the node."""
    node = find_node(broken, "3.1.1")
    node["formula"] = "weight * app2_g1 / app2_g2"
    del node["zero_denominator"]
    compiled, problems = check_data(broken)
    if problems:
        return          # flagging it at check time would be better still
    values = validate(compiled, Submission("b", None, full_raw(app2_g1=0, app2_g2=0))).values
    with pytest.raises(ScoringError) as caught:
        Scorer(compiled).score("b", values)
    assert (caught.value.body, caught.value.node) == ("b", "3.1.1")


@pytest.mark.parametrize("numerator", [5, 0], ids=["x/0", "0/0"])
def test_plain_division_by_zero_uses_the_node_rule(broken, numerator):
    """A node with a zero_denominator rule and a plain '/' formula: a zero
    denominator follows the rule (A13 default: full points) whatever the numerator."""
    find_node(broken, "3.1.1")["formula"] = "weight * app2_g1 / app2_g2"
    compiled, problems = check_data(broken)
    assert problems == []
    # app2_g1 <= app2_g2 is an input check; bypass validation to reach the formula
    values = validate(compiled, Submission("b", None, full_raw(app2_g1=0, app2_g2=0))).values
    values["app2_g1"] = Decimal(numerator)
    result = Scorer(compiled).score("b", values)
    assert result.scores["3.1.1"] == 3


def test_a_definition_error_survives_a_trip_between_processes():
    """benchmarks/random_bodies.py and the simulator score in worker processes, which hand
    errors back pickled; a DefinitionError used to fail to unpickle and hide its problems."""
    import pickle
    from bagalau.engine.compiled import DefinitionError
    error = pickle.loads(pickle.dumps(DefinitionError([("nodes.1.1", "unknown input x")])))
    assert error.problems == [("nodes.1.1", "unknown input x")]
    assert str(error) == "nodes.1.1: unknown input x"
