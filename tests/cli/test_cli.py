"""The command-line tool, run as a real process: exit codes, outputs, and
clear errors without tracebacks."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from bagalau.engine import catalog

from conftest import full_raw

CLI = [sys.executable, "-m", "bagalau.cli"]


def run(*args, cwd=None) -> subprocess.CompletedProcess:
    result = subprocess.run([*CLI, *map(str, args)], capture_output=True, text=True, cwd=cwd, timeout=120,
                            env={"BAGALAU_LANG": "en", "COLUMNS": "200", "PATH": "/usr/bin:/bin"})
    assert "Traceback" not in result.stderr, result.stderr
    return result


def cohort_file(tmp_path: Path, bodies: list[dict]) -> Path:
    path = tmp_path / "cohort.json"
    path.write_text(json.dumps({"methodology": "it-2012", "period": 2012, "bodies": bodies}, default=str),
                    encoding="utf-8")
    return path


def test_methodologies_lists_the_2012_edition():
    result = run("methodologies")
    assert result.returncode == 0 and "it-2012" in result.stdout


def test_show_prints_ids_weights_formulas_and_paragraphs():
    result = run("show", "it-2012")
    assert result.returncode == 0
    for text in ("3.1.1", "weight * share(app2_g1, app2_g2)", "§56", "redistribute"):
        assert text in result.stdout


def test_show_provenance_lists_reconstructed_rules_and_options():
    result = run("show", "it-2012", "--provenance", "--lang", "en")
    assert "reconstructed" in result.stdout and "A13" in result.stdout and "app6_w_1_13" in result.stdout


@pytest.mark.parametrize("edition,profile,options", [
    ("citizens-2017", "central", ["P66"]),          # issue 7 rule 5
    ("ict-2015", "central", ["X7"]),                # rule 3
    ("ict-2015-2022", "local", ["X7"]),
    ("orgdev-2020", "central", ["P24"]),            # rule 3
    ("orgdev-2023", "local", ["A23", "P24"]),       # rules 6 and 3
])
def test_show_provenance_lists_the_options_of_issue_7(edition, profile, options):
    result = run("show", edition, "--provenance", "--profile", profile, "--lang", "en")
    assert result.returncode == 0, result.stderr
    table = result.stdout[result.stdout.index("Options"):]
    for option in options:
        assert f"│ {option} " in table, option


def test_check_accepts_the_shipped_definition_and_rejects_a_broken_one(tmp_path):
    assert run("check", catalog.resolve_path("it-2012")).returncode == 0
    broken = tmp_path / "broken.yaml"
    text = catalog.resolve_path("it-2012").read_text(encoding="utf-8")
    broken.write_text(text.replace('formula: "weight * share(app2_g1, app2_g2)"',
                                   'formula: "weight * share(app2_g1, app2_gX)"'), encoding="utf-8")
    result = run("check", broken)
    assert result.returncode == 1
    assert "unknown name 'app2_gX'" in result.stderr and "formula" in result.stderr


def test_score_json_keys_every_node_by_its_appendix_4_id(tmp_path):
    raw = full_raw()
    raw["is_licensor"] = False
    result = run("score", "it-2012", cohort_file(tmp_path, [{"id": "b1", "name": "Body 1", "inputs": raw}]), "--json")
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    scores = document["bodies"][0]["scores"]
    expected = {"1", "1.1", "2", "2.1", "2.2", "3", "3.1", "3.1.1", "3.1.6", "3.2", "3.3", "3.3.1", "3.3.2",
                "4", "4.1", "4.2", "4.3", "5", "5.1", "5.8"}
    assert expected <= set(scores)
    assert scores["3.3.1"] == "0.00"
    assert "explanation" not in document["bodies"][0]
    path = cohort_file(tmp_path, [{"id": "b1", "name": "Body 1", "inputs": raw}])
    explained = json.loads(run("score", "it-2012", path, "--json", "--explain").stdout)
    assert explained["bodies"][0]["explanation"]["schema"] == "bagalau.explanation/1"


def test_explain_shows_why_e_procurement_carries_8_points(tmp_path):
    raw = full_raw()
    raw.update(is_licensor=False, app1_r2_3_2_eproc=60, app1_r2_3_2_total=100)
    result = run("score", "it-2012", cohort_file(tmp_path, [{"id": "b1", "inputs": raw}]), "--explain", "--lang", "en")
    assert result.returncode == 0, result.stderr
    assert "not a licensor" in result.stdout
    assert "4 points added from 3.3.1" in result.stdout and "weight is now 8" in result.stdout
    assert "4.80 of 8" in result.stdout


def test_bad_input_names_body_field_and_reason_and_scores_nothing(tmp_path):
    raw = full_raw()
    raw["app2_g1"] = -3
    raw["app2_g9"] = "many"
    raw["surprise"] = 1
    result = run("score", "it-2012", cohort_file(tmp_path, [{"id": "akmola", "inputs": raw}]))
    assert result.returncode == 2
    assert "nothing was scored" in result.stderr
    assert "body 'akmola', field 'app2_g1'" in result.stderr and "below the minimum 0" in result.stderr
    assert "field 'app2_g9'" in result.stderr and "expected a whole number" in result.stderr
    assert "field 'surprise'" in result.stderr and "unknown field" in result.stderr
    assert result.stdout.strip() == ""


def test_a_file_filled_for_another_edition_is_refused(tmp_path):
    path = tmp_path / "other.json"
    path.write_text(json.dumps({"methodology": "ict-2015", "bodies": [{"id": "b1", "inputs": full_raw()}]}),
                    encoding="utf-8")
    result = run("score", "it-2012", path)
    assert result.returncode == 2 and "filled for 'ict-2015', not for 'it-2012'" in result.stderr


def test_unknown_option_and_unknown_methodology_are_clear_errors(tmp_path):
    path = cohort_file(tmp_path, [{"id": "b1", "inputs": full_raw()}])
    result = run("score", "it-2012", path, "--option", "A13=maybe")
    assert result.returncode == 2 and "not one of full, zero" in result.stderr
    result = run("score", "it-2099", path)
    assert result.returncode == 2 and "unknown methodology 'it-2099'" in result.stderr


def test_option_changes_the_score(tmp_path):
    raw = full_raw()
    raw.update(app2_g1=0, app2_g2=0)
    path = cohort_file(tmp_path, [{"id": "b1", "inputs": raw}])
    full = json.loads(run("score", "it-2012", path, "--json").stdout)
    zero = json.loads(run("score", "it-2012", path, "--json", "--option", "A13=zero").stdout)
    assert full["bodies"][0]["scores"]["3.1.1"] == "3.00"
    assert zero["bodies"][0]["scores"]["3.1.1"] == "0.00"


def test_xlsx_template_filled_in_and_scored(tmp_path):
    template = tmp_path / "form.xlsx"
    assert run("template", "it-2012", "--format", "xlsx", "-o", template).returncode == 0
    workbook = openpyxl.load_workbook(template)
    names = workbook.defined_names
    assert {"body_id", "period", "in_app2_g1", "in_app6_kk_1_13_11"} <= set(names)
    app2 = workbook["App 2"]
    assert app2["B4"].value == "1"  # App 2 is laid out as the act's numbered columns

    def put(name, value):
        sheet, cell = next(iter(names[name].destinations))
        workbook[sheet][cell.replace("$", "")] = value

    put("body_id", "astana")
    put("body_name", "Акимат города Астаны")
    put("period", 2012)
    for key, value in full_raw().items():
        put(f"in_{key}", ", ".join(map(str, value)) if isinstance(value, list) else
            ("да" if value is True else "нет" if value is False else value))
    workbook.save(template)
    result = run("score", "it-2012", template, "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["bodies"][0]["id"] == "astana"

    put("in_app2_g4", "lots")
    workbook.save(template)
    result = run("score", "it-2012", template)
    assert result.returncode == 2
    assert "sheet 'App 2', cell" in result.stderr and "app2_g4" in result.stderr


def test_json_template_lists_every_field(tmp_path):
    path = tmp_path / "form.json"
    assert run("template", "it-2012", "--format", "json", "-o", path).returncode == 0
    document = json.loads(path.read_text(encoding="utf-8"))
    compiled = catalog.load("it-2012")
    assert set(document["bodies"][0]["inputs"]) == set(compiled.inputs) | set(compiled.tables)   # and its tables' rows
    assert "App 2 column 1" in document["fields"]["app2_g1"]


def test_template_without_output_prints_to_standard_output(tmp_path):
    """Issue 7: `bagalau template ID` prints, as Unix tools do; nothing is written into the folder."""
    result = run("template", "it-2012", "--format", "json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert list(tmp_path.iterdir()) == []
    document = json.loads(result.stdout)
    compiled = catalog.load("it-2012")
    assert set(document["bodies"][0]["inputs"]) == set(compiled.inputs) | set(compiled.tables)
    binary = subprocess.run([*CLI, "template", "it-2012"], capture_output=True, cwd=tmp_path, timeout=120,
                            env={"BAGALAU_LANG": "en", "COLUMNS": "200", "PATH": "/usr/bin:/bin"})
    assert binary.returncode == 0 and list(tmp_path.iterdir()) == []
    (tmp_path / "piped.xlsx").write_bytes(binary.stdout)
    assert "in_app2_g1" in openpyxl.load_workbook(tmp_path / "piped.xlsx").defined_names


def test_corrupt_xlsx_is_a_clear_error(tmp_path):
    path = tmp_path / "broken.xlsx"
    path.write_bytes(b"PK\x03\x04 this is not a workbook")
    result = run("score", "it-2012", path)
    assert result.returncode == 2 and "not a readable XLSX workbook" in result.stderr


def test_resolve_and_diff_commands():
    result = run("resolve", "it-application", "--period", "2013")
    assert result.returncode == 0 and "it-2012" in result.stdout
    result = run("resolve", "it-application", "--period", "2020")
    assert result.returncode == 2 and "no edition" in result.stderr
    result = run("diff", "it-2012", "it-2012", "--json")
    assert result.returncode == 0 and json.loads(result.stdout) == []


@pytest.mark.parametrize("edition", ["it-2012"])
def test_demo_writes_ranking_and_explanations(tmp_path, edition):
    result = run("demo", "--methodology", edition, "-o", tmp_path / "demo")
    assert result.returncode == 0, result.stderr
    assert "SYNTHETIC" in result.stdout
    explanations = list((tmp_path / "demo" / "explanations" / edition).glob("*.json"))
    assert len(explanations) == 17
    scores = json.loads((tmp_path / "demo" / f"{edition}-scores.json").read_text(encoding="utf-8"))
    ranks = [body["rank"] for body in scores["bodies"]]
    assert ranks[0] == 1 and ranks == sorted(ranks)
