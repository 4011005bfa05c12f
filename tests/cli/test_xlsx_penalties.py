"""Penalties in an XLSX score file (issue 7, intake): the template's sheet `Штрафы` holds a
row per penalty rule the act sets (per direction where the act caps it per direction); a
working group writes the count of facts or the points, and `bagalau score` reads them
exactly as it reads a JSON file's `penalties`. Run as real processes."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from bagalau import demo
from bagalau.engine import catalog, forms

CLI = [sys.executable, "-m", "bagalau.cli"]
MINI = Path(__file__).parent.parent / "data" / "mini-2020.yaml"


def run(*args) -> subprocess.CompletedProcess:
    result = subprocess.run([*CLI, *map(str, args)], capture_output=True, text=True, timeout=180,
                            env={"COLUMNS": "200", "PATH": "/usr/bin:/bin"})
    assert "Traceback" not in result.stderr, result.stderr
    return result


def demo_body(edition: str, profile: str) -> tuple[dict, int]:
    compiled = catalog.load(edition)
    period = demo.default_period(compiled.source)
    document = demo.cohort_document(compiled, period)
    return next(body for body in document["bodies"] if body.get("profile") == profile), period


def cell_of(workbook, name: str):
    sheet, cell = next(iter(workbook.defined_names[name].destinations))
    return workbook[sheet][cell.replace("$", "")]


def workbook_of(tmp_path: Path, edition: str, profile: str, body: dict, period: int) -> Path:
    """The template made by `bagalau template`, filled in with the body's values."""
    path = tmp_path / f"{Path(str(edition)).stem}.xlsx"
    made = run("template", edition, "--profile", profile, "-o", path)
    assert made.returncode == 0, made.stderr
    workbook = openpyxl.load_workbook(path)
    cell_of(workbook, "body_id").value = body["id"]
    cell_of(workbook, "body_name").value = body["name"]
    cell_of(workbook, "period").value = period
    for key, value in body["inputs"].items():
        if value is None:
            continue
        if isinstance(value, list):
            value = ", ".join("not found" if item is None else str(item) for item in value)
        elif isinstance(value, bool):
            value = "да" if value else "нет"
        cell_of(workbook, f"in_{key}").value = value
    workbook.save(path)
    return path


def penalty_rows(workbook) -> tuple[object, dict[tuple[str, str | None], int], dict[str, int]]:
    """The sheet, (rule, direction) -> row, and header -> column, read from the named table."""
    sheet_name, ref = next(iter(workbook.defined_names["penalties_table"].destinations))
    sheet = workbook[sheet_name]
    rows = sheet[ref.replace("$", "")]
    columns = {str(cell.value).split(" / ")[1]: cell.column for cell in rows[0]}
    where = {(sheet.cell(row[0].row, columns["Rule"]).value, sheet.cell(row[0].row, columns["Direction"]).value):
             row[0].row for row in rows[1:]}
    return sheet, where, columns


def write_penalties(path: Path, entries: list[dict]) -> None:
    workbook = openpyxl.load_workbook(path)
    sheet, where, columns = penalty_rows(workbook)
    for entry in entries:
        row = where[(entry["rule"], entry.get("direction"))]
        for key, header in (("count", "Count"), ("points", "Points"), ("reference", "Reference")):
            if key in entry:
                sheet.cell(row, columns[header]).value = entry[key]
    workbook.save(path)


def scores(path: Path, edition) -> dict:
    result = run("score", edition, path, "--json")
    assert result.returncode == 0, result.stderr
    body = json.loads(result.stdout)["bodies"][0]
    return {"total": body["total"], "scores": body["scores"]}


def json_file(tmp_path: Path, edition: str, body: dict, period: int, penalties: list[dict] | None) -> Path:
    path = tmp_path / f"{edition}.json"
    entry = {**body, **({"penalties": penalties} if penalties is not None else {})}
    path.write_text(json.dumps({"methodology": edition, "period": period, "bodies": [entry]}, ensure_ascii=False),
                    encoding="utf-8")
    return path


CASES = [
    # ict-2015 §95–99 and §36: late 1.5 and incomplete 2 off the total, 7 unreliable facts
    # × 0.2 (cap 5), an integration refusal of 2 points off criterion 2
    ("ict-2015", "central", [{"rule": "late", "count": 1}, {"rule": "incomplete", "points": 2},
                             {"rule": "unreliable_fact", "count": 7, "reference": "reconciliation act 12"},
                             {"rule": "integration_refusal", "direction": "2", "count": 1}]),
    # citizens-2017 §15: 0.2 per unreliable fact, at most 5 per direction (30 facts → 5)
    ("citizens-2017", "local", [{"rule": "unreliable_fact", "direction": "QS", "count": 3},
                                {"rule": "unreliable_fact", "direction": "OP", "points": 0.4},
                                {"rule": "unreliable_fact", "direction": "CA", "count": 30}]),
]


@pytest.mark.parametrize("edition, profile, penalties", CASES, ids=[c[0] for c in CASES])
def test_an_xlsx_with_penalties_gives_the_totals_of_the_json_with_the_same_penalties(tmp_path, edition, profile,
                                                                                      penalties):
    body, period = demo_body(edition, profile)
    workbook = workbook_of(tmp_path, edition, profile, body, period)
    without = scores(workbook, edition)
    assert without == scores(json_file(tmp_path, edition, body, period, None), edition)
    write_penalties(workbook, penalties)
    with_penalties = scores(workbook, edition)
    assert with_penalties == scores(json_file(tmp_path, edition, body, period, penalties), edition)
    assert with_penalties["total"] != without["total"]      # the penalties were read and taken


def template(edition: str, profile: str | None = None):
    return openpyxl.load_workbook(io.BytesIO(forms.render(catalog.load(edition, profile), "xlsx")))


def test_the_sheet_has_a_row_per_rule_and_direction_the_act_allows():
    _, where, columns = penalty_rows(template("citizens-2017", "central"))
    assert set(where) == {("unreliable_fact", d) for d in ("QS", "OP", "CA")}      # §15: per direction
    assert {"Kind of fact", "Paragraph", "Direction", "Count", "Points", "Reference", "Rule"} <= set(columns)
    _, where, _ = penalty_rows(template("ict-2015", "local"))
    top = catalog.load("ict-2015", "local").top_level
    assert set(where) == {("late", None), ("incomplete", None), ("unreliable_fact", None), ("corrected_data", None)} \
        | {("integration_refusal", d) for d in top}
    openness = template("openness-2025")    # no penalties in the act: no sheet
    assert "Штрафы" not in openness.sheetnames and "penalties_table" not in openness.defined_names


def test_a_workbook_without_the_penalties_sheet_is_still_read(tmp_path):
    body, period = demo_body("ict-2015", "local")
    path = workbook_of(tmp_path, "ict-2015", "local", body, period)
    workbook = openpyxl.load_workbook(path)
    del workbook["Штрафы"]
    del workbook.defined_names["penalties_table"]
    workbook.save(path)
    assert scores(path, "ict-2015") == scores(json_file(tmp_path, "ict-2015", body, period, None), "ict-2015")


def test_a_penalty_cell_that_cannot_be_read_is_named(tmp_path):
    body, period = demo_body("ict-2015", "local")
    path = workbook_of(tmp_path, "ict-2015", "local", body, period)
    workbook = openpyxl.load_workbook(path)
    sheet, where, columns = penalty_rows(workbook)
    late, incomplete, unreliable = where[("late", None)], where[("incomplete", None)], where[("unreliable_fact", None)]
    sheet.cell(late, columns["Count"]).value = "three"
    sheet.cell(incomplete, columns["Count"]).value = 1
    sheet.cell(incomplete, columns["Points"]).value = 2
    sheet.cell(unreliable, columns["Direction"]).value = "2"
    sheet.cell(unreliable, columns["Count"]).value = 1
    workbook.save(path)
    result = run("score", "ict-2015", path)
    assert result.returncode == 2
    text = " ".join(result.stderr.split())
    letter = {key: openpyxl.utils.get_column_letter(column) for key, column in columns.items()}
    assert f"sheet 'Штрафы', cell {letter['Count']}{late}" in text and "'count' must be a number" in text, text
    assert f"sheet 'Штрафы', row {incomplete}" in text and "either 'count'" in text, text
    assert f"sheet 'Штрафы', cell {letter['Direction']}{unreliable}" in text and "leave out 'direction'" in text, text


def test_a_penalty_formula_without_a_saved_value_is_named(tmp_path):
    body, period = demo_body("ict-2015", "local")
    path = workbook_of(tmp_path, "ict-2015", "local", body, period)
    workbook = openpyxl.load_workbook(path)
    sheet, where, columns = penalty_rows(workbook)
    sheet.cell(where[("late", None)], columns["Count"]).value = "=1+1"      # openpyxl saves no value for it
    workbook.save(path)
    result = run("score", "ict-2015", path)
    assert result.returncode == 2
    text = " ".join(result.stderr.split())
    cell = f"{openpyxl.utils.get_column_letter(columns['Count'])}{where[('late', None)]}"
    assert f"sheet 'Штрафы', cell {cell}" in text and "the cell holds the formula '=1+1' but no saved value" in text, text


def test_the_small_edition_reads_its_penalties_too(tmp_path):
    """mini-2020 (the fuzz tests' edition): a direction rule and a total rule."""
    raw = {"done": 9, "due": 10, "raw": 15, "bonus": 0, "budget_share": "0.5", "entered_2_2": 10,
           "entered_2_2_comment": "entered"}
    body = {"id": "min-a", "name": "Ministry A", "profile": "central", "inputs": raw}
    path = workbook_of(tmp_path, str(MINI), "central", body, 2021)
    penalties = [{"rule": "late", "count": 2}, {"rule": "unreliable_fact", "direction": "1", "points": 0.6}]
    write_penalties(path, penalties)
    assert scores(path, MINI) == scores(json_file(tmp_path, "mini-2020", body, 2021, penalties), MINI)
