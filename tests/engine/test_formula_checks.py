"""`bagalau check` finds call errors, oversized formulas and constant division by zero
(issue 8, item 6): each is a problem with its path and a message, never a crash of
`check` and never a formula that scores every body with an untrue explanation."""

from __future__ import annotations

import subprocess
import sys

import pytest
import yaml

from conftest import DEFINITION, find_node
from bagalau.engine.expressions import FormulaError, compile_formula
from bagalau.engine.validation import check_data

P_3_1_1 = "nodes[2].children[0].children[0]"
P_2_1 = "nodes[1].children[0]"


def messages_at(data, path):
    _, problems = check_data(data)
    return [p.message for p in problems if p.path == path]


@pytest.mark.parametrize("formula, fragment", [
    ("min('a', 'b')", "argument 1 of min() is the text 'a', not a number"),
    ("min()", "min() needs one list input or at least two values"),
    ("max()", "max() needs one list input or at least two values"),
    ("weight * share(app2_g1)", "share() takes 2 arguments, got 1"),
    ("weight * share(app2_g1, app2_g2, app2_g3)", "share() takes 2 arguments, got 3"),
    ("abs(app2_g1, app2_g2)", "abs() takes 1 argument, got 2"),
    ("score('3.1.2', 1)", "score() takes 1 argument, got 2"),
    ("band('search_position')", "band() takes 2 arguments, got 1"),
    ("mean(app2_g1 + 1)", "mean() needs a list input by its name, not 'app2_g1 + 1'"),
    ("weight * 'a'", "calculates with the text 'a'"),
    ("-'a'", "calculates with the text 'a'"),
    ("weight * (1/0)", "divides by 0, which is always zero"),
    ("weight / (2 - 2)", "divides by 2 - 2, which is always zero"),
    ("weight * share(app2_g1, 0)", "has a denominator that is always zero"),
    ("weight * share(app2_g1, 0.0 * 3)", "has a denominator that is always zero"),
    ("weight * 1e999999999", "out of range for a formula"),
    ("share(*app2_g1)", "not allowed"),
], ids=["min-text", "min-empty", "max-empty", "share-1", "share-3", "abs-2", "score-2", "band-1", "mean-expr",
        "text-product", "text-negation", "1/0", "2-2", "share-0", "share-0-product", "huge-literal", "starred"])
def test_calls_and_constants_that_cannot_work_are_refused(broken, formula, fragment):
    find_node(broken, "3.1.1")["formula"] = formula
    found = messages_at(broken, f"{P_3_1_1}.formula")
    assert any(fragment in message for message in found), found


def test_count_of_a_single_value_is_refused(broken):
    find_node(broken, "3.1.1")["formula"] = "weight * count(app2_g1)"
    [message] = messages_at(broken, f"{P_3_1_1}.formula")
    assert "'app2_g1' is a single value, but it is used where a list input is expected" in message


def test_a_list_input_used_as_a_value_is_refused(broken):
    find_node(broken, "2.1")["formula"] = "wg_2_1_positions * 2"
    found = messages_at(broken, f"{P_2_1}.formula")
    assert any("'wg_2_1_positions' is a list input, but it is used as a single value" in m for m in found), found


def test_list_functions_of_a_list_input_are_accepted(broken):
    find_node(broken, "2.1")["formula"] = ("min(5, mean_band('search_position', wg_2_1_positions) "
                                           "+ 0 * count(wg_2_1_positions) + 0 * max(wg_2_1_positions))")
    assert messages_at(broken, f"{P_2_1}.formula") == []


def test_a_formula_of_2000_factors_is_refused_with_a_clear_message(broken):
    formula = "weight * " + " * ".join(["app2_g1"] * 2000)
    find_node(broken, "3.1.1")["formula"] = formula
    [message] = messages_at(broken, f"{P_3_1_1}.formula")
    assert "the formula is too large" in message and "2,000 parts" in message and "variables" in message
    assert len(message) < 600


@pytest.mark.parametrize("source", ["(" * 1000 + "1" + ")" * 1000, "-" * 5000 + "1", "1" * 5000,
                                    "x + " * 6000 + "x", "not " * 500 + "x"])
def test_extreme_formulas_raise_formula_error_only(source):
    with pytest.raises(FormulaError):
        compile_formula(source)


def test_check_command_exits_1_not_3_on_a_huge_formula(tmp_path, definition_data):
    import copy
    data = copy.deepcopy(definition_data)
    find_node(data, "3.1.1")["formula"] = " * ".join(["app2_g1"] * 2000)
    find_node(data, "3.1.2")["formula"] = "min('a', 'b')"
    path = tmp_path / "huge.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "bagalau.cli", "check", str(path)], capture_output=True,
                            text=True, timeout=120, env={"COLUMNS": "200", "PATH": "/usr/bin:/bin"})
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr
    assert "the formula is too large" in result.stderr and "argument 1 of min() is the text" in result.stderr


def test_the_shipped_definition_stays_clean():
    from bagalau.engine.validation import check_file
    assert check_file(DEFINITION)[1] == []
