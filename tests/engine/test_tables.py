"""Repeated-row tables in the engine (issue 7): the definition's checks, exact sums and
extremes of decimal columns, and the columnar scorer aggregating rows as the engine does."""

from __future__ import annotations

import random
from decimal import Decimal
from fractions import Fraction

import pytest

from conftest import base_inputs, compile_data
from support.tables import other_inputs, random_system
from bagalau.engine import catalog
from bagalau.engine.cohort import CohortScorer
from bagalau.engine.inputs import InputError, Submission, validate
from bagalau.simulation.cohorts import ColumnarCohort, score_columns
from bagalau.simulation.columns import Columns, validate as validate_columns

PROCUREMENT = {
    "name": {"ru": "Договоры государственных закупок", "en": "Public procurement contracts"},
    "form": "App 1 row 2.3.2", "paragraph": "§56, §100(4)",
    "columns": [
        {"id": "contract", "type": "text", "name": {"en": "Contract"}},
        {"id": "amount", "type": "decimal", "min": "0", "unit": "KZT", "name": {"en": "Amount"}},
        {"id": "electronic", "type": "boolean", "name": {"en": "Through e-procurement"}},
    ],
    "aggregates": {
        "app1_r2_3_2_total": {"function": "sum", "column": "amount"},
        "app1_r2_3_2_eproc": {"function": "sum", "column": "amount", "where": "electronic"},
    },
}


def with_table(broken, table: dict, table_id: str = "contracts"):
    broken.setdefault("tables", {})[table_id] = table
    return compile_data(broken)


def inputs_without(*keys) -> dict:
    return {key: value for key, value in base_inputs().items() if key not in keys}


def paths(problems) -> dict[str, str]:
    return {p.path: p.message for p in problems}


def test_a_table_that_names_what_is_not_there_is_a_definition_problem(broken):
    table = {**PROCUREMENT, "columns": [*PROCUREMENT["columns"],
                                         {"id": "kind", "type": "choice", "name": {"en": "Kind"}},
                                         {"id": "note", "type": "text", "only_when": "electronc", "name": {"en": "N"}}],
             "aggregates": {"no_such_input": {"function": "count"},
                            "app1_r2_3_2_total": {"function": "sum", "column": "contract"},
                            "app1_r2_3_2_eproc": {"function": "count", "where": "amount > 0 and paper"}}}
    _, problems = with_table(broken, table)
    found = paths(problems)
    assert "is not an input of this edition" in found["tables.contracts.aggregates.no_such_input"]
    assert "needs a number or yes/no column" in found["tables.contracts.aggregates.app1_r2_3_2_total.column"]
    assert "names paper" in found["tables.contracts.aggregates.app1_r2_3_2_eproc.where"]
    assert "a choice column needs its choices" in found["tables.contracts.columns[3].choices"]
    assert "names electronc" in found["tables.contracts.columns[4].only_when"]


def test_decimal_cells_sum_exactly(broken):
    compiled, problems = with_table(broken, PROCUREMENT)
    assert problems == []
    rows = [{"contract": f"№{i}", "amount": "0.1", "electronic": i % 3 != 0} for i in range(1, 31)]
    raw = {**inputs_without("app1_r2_3_2_total", "app1_r2_3_2_eproc"), "contracts": rows}
    validated = validate(compiled, Submission("b1", None, raw))
    assert validated.values["app1_r2_3_2_total"] == Fraction(3)          # 30 × 0.1, not 3.0000000000000004
    assert validated.values["app1_r2_3_2_eproc"] == Fraction(2)
    use = validated.tables["contracts"]
    assert use.used["app1_r2_3_2_eproc"][1] == [i for i in range(1, 31) if i % 3 != 0]


def test_min_and_max_take_the_rows_that_hold_them(broken):
    table = {**PROCUREMENT, "aggregates": {"app1_r2_3_2_total": {"function": "max", "column": "amount"},
                                           "app1_r2_3_2_eproc": {"function": "min", "column": "amount",
                                                                 "where": "electronic"}}}
    compiled, problems = with_table(broken, table)
    assert problems == []
    rows = [{"contract": "a", "amount": "12.5", "electronic": True}, {"contract": "b", "amount": 40, "electronic": False},
            {"contract": "c", "amount": "7.25", "electronic": True}]
    raw = {**inputs_without("app1_r2_3_2_total", "app1_r2_3_2_eproc"), "contracts": rows}
    validated = validate(compiled, Submission("b1", None, raw))
    assert validated.values["app1_r2_3_2_total"] == 40
    assert validated.values["app1_r2_3_2_eproc"] == Fraction(29, 4)
    assert validated.tables["contracts"].used["app1_r2_3_2_eproc"] == (Fraction(29, 4), [3])


def test_a_summed_value_out_of_its_inputs_bounds_is_refused_naming_the_table(broken):
    compiled, _ = with_table(broken, PROCUREMENT)
    rows = [{"contract": "a", "amount": "-1", "electronic": True}]
    with pytest.raises(InputError) as caught:
        validate(compiled, Submission("b1", None, {**inputs_without("app1_r2_3_2_total", "app1_r2_3_2_eproc"),
                                                   "contracts": rows}, locations={"contracts": "f.json: inputs.contracts"}))
    [problem] = caught.value.problems
    assert problem.field == "table contracts, row 1, column amount"
    assert problem.location == "f.json: inputs.contracts[0].amount" and "below the minimum 0" in problem.reason


def test_a_table_that_is_not_a_list_of_rows_is_named(broken):
    compiled, _ = with_table(broken, PROCUREMENT)
    for value, reason in (({"contract": "a"}, "must be a list of rows"), ([["a", 1]], "must be an object")):
        with pytest.raises(InputError) as caught:
            validate(compiled, Submission("b1", None, {**base_inputs(), "contracts": value}))
        assert any(reason in p.reason and p.field.startswith("table contracts") for p in caught.value.problems)


def _is_bodies(count: int, seed: int) -> list[Submission]:
    rng = random.Random(seed)
    return [Submission(f"b{i}", None, {**other_inputs(),
                                       "app1_is": [random_system(rng, n) for n in range(rng.randint(0, 7))]})
            for i in range(count)]


def test_the_columnar_scorer_aggregates_rows_as_the_engine_does():
    compiled = catalog.load("it-2012")
    submissions = _is_bodies(60, seed=3)
    result = score_columns(ColumnarCohort("it-2012"), Columns.from_submissions(compiled, submissions))
    reference = CohortScorer("it-2012")
    expected = reference.score([reference.validate(s) for s in submissions])
    scorer = reference.scorer(None)
    for index, body in enumerate(expected):
        for node_id, value in body.scores.items():
            assert result.node_units[node_id][index] == int(scorer.round(value).scaleb(scorer.places)), node_id
    assert any(body.scores["5"] != 0 for body in expected)


def test_the_columnar_validation_gives_the_engines_messages_for_a_bad_row():
    compiled = catalog.load("it-2012")
    submissions = _is_bodies(10, seed=5)
    submissions[4].raw["app1_is"] = [{"name": "x", "operation": "prom"}]
    with pytest.raises(InputError) as engine:
        validate(compiled, submissions[4])
    with pytest.raises(InputError) as columns:
        validate_columns(compiled, Columns.from_submissions(compiled, submissions))
    assert [str(p) for p in columns.value.problems] == [str(p) for p in engine.value.problems]
    assert any("table app1_is, row 1, column operation" in str(p) for p in engine.value.problems)


def test_a_count_given_by_a_table_is_a_whole_number_of_the_input(broken):
    compiled, _ = with_table(broken, {**PROCUREMENT, "aggregates": {"wg_4_1_subject": {"function": "sum",
                                                                                       "column": "amount"}}})
    rows = [{"contract": "a", "amount": Decimal("1.5"), "electronic": True}]
    with pytest.raises(InputError) as caught:
        validate(compiled, Submission("b1", None, {**inputs_without("wg_4_1_subject"), "contracts": rows}))
    assert any(p.field == "wg_4_1_subject" and "whole number" in p.reason for p in caught.value.problems)


def test_a_filled_workbook_gives_back_the_rows_it_was_written_with(tmp_path):
    """The report download (``forms.write_filled``) writes a table's rows into its sheet, and
    reading the workbook gives the same validated values as the rows themselves."""
    from bagalau.engine import forms
    from bagalau.engine.inputs import read_file
    compiled = catalog.load("it-2012")
    rows = [random_system(random.Random(seed), seed) for seed in range(6)]
    values = {**other_inputs(), "app1_is": rows}
    path = tmp_path / "filled.xlsx"
    forms.write_filled(compiled, path, "xlsx", body_id="akimat", name="Акимат", period=2012, values=values)
    [submission] = read_file(path)
    assert len(submission.raw["app1_is"]) == compiled.tables["app1_is"].table.template_rows
    read_back = validate(compiled, submission)
    direct = validate(compiled, Submission("akimat", None, values))
    assert read_back.values == direct.values
    assert [row.number for row in read_back.tables["app1_is"].rows] == list(range(1, len(rows) + 1))
    assert read_back.tables["app1_is"].rows[0].location.endswith("row 6")
