"""Repeated-row table inputs (issue 7): it-2012's information systems entered one row per IS
(App 1 rows 3.1–3.8 with the IS register, spec A6), run as real processes. The rows give the
same scores as the counts summed by hand; a bad row is named by table, row and column; the
XLSX template carries the table and reads it back; the explanation lists the rows."""

from __future__ import annotations

import json
import random
import subprocess
import sys

import openpyxl

from support.tables import other_inputs, random_dis, random_system, summed, t1_summed

CLI = [sys.executable, "-m", "bagalau.cli"]


def run(*args) -> subprocess.CompletedProcess:
    result = subprocess.run([*CLI, *map(str, args)], capture_output=True, text=True, timeout=180,
                            env={"COLUMNS": "200", "PATH": "/usr/bin:/bin"})
    assert "Traceback" not in result.stderr + result.stdout, result.stderr
    return result


def cohorts(count: int, seed: int) -> tuple[dict, dict, list[list[dict]]]:
    rng = random.Random(seed)
    tables, sums, registers = [], [], []
    for index in range(count):
        rows = [random_system(rng, n) for n in range(1, rng.randint(1, 9) + 1)]
        registers.append(rows)
        tables.append({"id": f"b{index}", "inputs": {**other_inputs(), "app1_is": rows}})
        sums.append({"id": f"b{index}", "inputs": {**other_inputs(), **summed(rows)}})
    return ({"methodology": "it-2012", "period": 2012, "bodies": tables},
            {"methodology": "it-2012", "period": 2012, "bodies": sums}, registers)


def scores(path) -> dict:
    result = run("score", "it-2012", path, "--json")
    assert result.returncode == 0, result.stderr
    return {body["id"]: (body["total"], body["scores"]) for body in json.loads(result.stdout)["bodies"]}


def test_table_rows_score_as_the_counts_summed_by_hand(tmp_path):
    by_rows, by_sums, _ = cohorts(40, seed=7)
    (tmp_path / "rows.json").write_text(json.dumps(by_rows, ensure_ascii=False), encoding="utf-8")
    (tmp_path / "sums.json").write_text(json.dumps(by_sums, ensure_ascii=False), encoding="utf-8")
    from_rows, from_sums = scores(tmp_path / "rows.json"), scores(tmp_path / "sums.json")
    assert from_rows == from_sums
    deducted = [body for body, (_, nodes) in from_rows.items() if nodes["5"] != "0.00"]
    assert len(deducted) > 10, "the cohort must exercise criterion 5's deductions"


def test_a_bad_row_is_named_by_body_table_row_and_column(tmp_path):
    rows = [random_system(random.Random(1), 1),
            {"name": "ИС №2", "created_in_period": True, "commissioned_in_period": True, "developed_in_period": True,
             "operation": "prom", "needs_integration": False},
            {"name": "ИС №3", "created_in_period": False, "commissioned_in_period": False, "developed_in_period": False,
             "operation": "trial", "needs_integration": True, "no_bpo_analytics": True, "colour": "red"}]
    path = tmp_path / "bad.json"
    path.write_text(json.dumps({"methodology": "it-2012", "period": 2012, "body": "akimat",
                                "inputs": {**other_inputs(), "app1_is": rows}}, ensure_ascii=False), encoding="utf-8")
    result = run("score", "it-2012", path)
    assert result.returncode == 2
    text = " ".join(result.stderr.split())
    assert "body 'akimat', field 'table app1_is, row 2, column operation'" in text
    assert "inputs.app1_is[1].operation" in text and "expected one of industrial, trial, none, got 'prom'" in text
    assert "table app1_is, row 3, column no_bpo_analytics" in text and "may be yes only when created_in_period" in text
    assert "table app1_is, row 3, column colour" in text and "unknown column" in text
    assert "missing" not in text, "the counts a bad table would give are not reported missing as well"


def test_counts_written_beside_the_rows_must_agree_with_them(tmp_path):
    rows = [random_system(random.Random(seed), seed) for seed in range(5)]
    counts = summed(rows)
    agree = {**other_inputs(), "app1_is": rows, "wg_5_7_is_ind": counts["wg_5_7_is_ind"]}
    differ = {**other_inputs(), "app1_is": rows, "wg_5_7_is_ind": counts["wg_5_7_is_ind"] + 1}
    for name, inputs in (("agree", agree), ("differ", differ)):
        (tmp_path / f"{name}.json").write_text(json.dumps({"methodology": "it-2012", "period": 2012, "body": name,
                                                           "inputs": inputs}, ensure_ascii=False), encoding="utf-8")
    assert run("score", "it-2012", tmp_path / "agree.json").returncode == 0
    result = run("score", "it-2012", tmp_path / "differ.json")
    assert result.returncode == 2
    text = " ".join(result.stderr.split())
    assert "field 'wg_5_7_is_ind'" in text and f"the rows of table 'app1_is' give {counts['wg_5_7_is_ind']}" in text


def test_the_xlsx_template_carries_the_table_and_reads_it_back(tmp_path):
    template = tmp_path / "it-2012.xlsx"
    assert run("template", "it-2012", "-o", template).returncode == 0
    workbook = openpyxl.load_workbook(template)
    cells = {}
    for name, defined in workbook.defined_names.items():
        sheet, reference = next(iter(defined.destinations))
        cells[name] = (workbook[sheet], reference.replace("$", ""))
    assert "table_app1_is" in cells
    for key in ("body_id", "period"):
        sheet, cell = cells[key]
        sheet[cell] = {"body_id": "akimat", "period": 2012}[key]
    for key, value in other_inputs().items():
        sheet, cell = cells["in_" + key]
        sheet[cell] = ", ".join(map(str, value)) if isinstance(value, list) else ("да" if value is True else value)
    sheet, reference = cells["table_app1_is"]
    first_row = int("".join(c for c in reference.split(":")[0] if c.isdigit()))
    ids = {sheet.cell(row=first_row - 1, column=c).value: c for c in range(1, sheet.max_column + 1)}
    rows = [random_system(random.Random(seed), seed) for seed in range(7)]
    for offset, row in enumerate(rows):
        for key, value in row.items():   # row 2 of the sheet's table is left empty: empty rows are skipped
            sheet.cell(row=first_row + offset + (offset >= 2), column=ids[key], value=value)
    filled = tmp_path / "filled.xlsx"
    workbook.save(filled)
    sums = tmp_path / "sums.json"
    sums.write_text(json.dumps({"methodology": "it-2012", "period": 2012, "body": "akimat",
                                "inputs": {**other_inputs(), **summed(rows)}}, ensure_ascii=False), encoding="utf-8")
    assert scores(filled) == scores(sums)
    workbook = openpyxl.load_workbook(filled)
    sheet, _ = cells["table_app1_is"]
    workbook[sheet.title].cell(row=first_row + 1, column=ids["operation"], value="опытная")
    workbook.save(filled)
    result = run("score", "it-2012", filled)
    assert result.returncode == 2
    text = " ".join(result.stderr.split())
    column = openpyxl.utils.get_column_letter(ids["operation"])
    assert "table app1_is, row 2, column operation" in text and f"cell {column}{first_row + 1}" in text


def test_the_json_template_gives_an_example_row_that_may_stay_empty(tmp_path):
    made = run("template", "it-2012", "--format", "json")
    assert made.returncode == 0
    template = json.loads(made.stdout)
    body = template["bodies"][0]
    assert body["inputs"]["app1_is"] == [{column: None for column in body["inputs"]["app1_is"][0]}]
    assert "app1_is" in template["fields"] and "app1_is[].operation" in template["fields"]
    rows = [random_system(random.Random(seed), seed) for seed in range(4)]
    body["id"], template["period"] = "akimat", 2012
    for key in body["inputs"]:
        body["inputs"][key] = other_inputs().get(key, summed(rows).get(key))
    body["inputs"]["app1_is"] = [{column: None for column in rows[0]}]   # the example row left empty
    path = tmp_path / "sums.json"
    path.write_text(json.dumps(template, ensure_ascii=False), encoding="utf-8")
    body["inputs"] = {**other_inputs(), "app1_is": rows}
    (tmp_path / "rows.json").write_text(json.dumps(template, ensure_ascii=False), encoding="utf-8")
    assert scores(path) == scores(tmp_path / "rows.json")


def test_the_explanation_lists_the_rows_each_count_came_from(tmp_path):
    rows = [random_system(random.Random(seed), seed) for seed in range(8)]
    path = tmp_path / "rows.json"
    path.write_text(json.dumps({"methodology": "it-2012", "period": 2012, "body": "akimat",
                                "inputs": {**other_inputs(), "app1_is": rows}}, ensure_ascii=False), encoding="utf-8")
    result = run("score", "it-2012", path, "--json", "--explain")
    assert result.returncode == 0, result.stderr
    explanation = json.loads(result.stdout)["bodies"][0]["explanation"]
    node = next(n for top in explanation["nodes"] for n in top.get("children", []) if n["id"] == "5.7")
    table = node["inputs"]["app1_is" and "wg_5_7_is_ind"]["table"]
    industrial = [number for number, row in enumerate(rows, start=1) if row["operation"] == "industrial"]
    assert table["id"] == "app1_is" and table["rows_given"] == len(rows)
    assert [row["row"] for row in table["rows"]] == industrial
    assert [row["label"] for row in table["rows"]] == [rows[n - 1]["name"] for n in industrial]
    assert all(row["location"].endswith(f"inputs.app1_is[{row['row'] - 1}]") for row in table["rows"])
    assert all(row["cells"]["operation"] == "industrial" for row in table["rows"])
    tree = run("score", "it-2012", path, "--explain", "--lang", "ru")
    text = " ".join(tree.stdout.split())
    assert "по строкам таблицы app1_is" in text
    listed = ", ".join(f"{n} ({rows[n - 1]['name']})" for n in industrial) or "нет"
    assert f"строки {listed}" in text


# --- ict-2015 App 1 Table 1: one record per departmental IS (Note 1) ---------------

T1_INPUTS = ("app1_t1_has_dis", "app1_t1_required", "app1_t1_implemented", "app1_t1_is_due", "app1_t1_is_late")


def test_ict_2015_departmental_is_rows_score_as_the_summed_counts(tmp_path):
    from bagalau import demo
    from bagalau.engine import catalog
    compiled = catalog.load("ict-2015")
    document = demo.cohort_document(compiled, demo.default_period(compiled.source))
    rng = random.Random(11)
    by_rows, by_sums = json.loads(json.dumps(document, default=str)), json.loads(json.dumps(document, default=str))
    for row_body, sum_body in zip(by_rows["bodies"], by_sums["bodies"]):
        rows = [random_dis(rng, n) for n in range(1, rng.randint(1, 6) + 1)]
        for key in T1_INPUTS:
            row_body["inputs"].pop(key, None)
        row_body["inputs"]["app1_t1"] = rows
        sum_body["inputs"].update(t1_summed(rows))
    (tmp_path / "rows.json").write_text(json.dumps(by_rows, ensure_ascii=False), encoding="utf-8")
    (tmp_path / "sums.json").write_text(json.dumps(by_sums, ensure_ascii=False), encoding="utf-8")
    results = {}
    for name in ("rows", "sums"):
        result = run("score", "ict-2015", tmp_path / f"{name}.json", "--json")
        assert result.returncode == 0, result.stderr
        results[name] = {body["id"]: (body["total"], body["scores"]) for body in json.loads(result.stdout)["bodies"]}
    assert results["rows"] == results["sums"] and len(results["rows"]) == len(document["bodies"])
    assert len({scores["2"] for _, scores in results["rows"].values()}) > 3, "criterion 2 must vary"
