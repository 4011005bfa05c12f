"""Messages a person understands (issue 8, item 7), as real processes where it is about the
command line: an unknown profile lists the ones that exist, a period outside the edition's
validity warns, an empty cohort says so, a formula cell with no saved value says what to do,
tables wrap instead of cutting names off, and no Python repr reaches a message."""

from __future__ import annotations

import json
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy.exc import IntegrityError

from conftest import full_raw
from support.store import *  # noqa: F401,F403  (the empty_url fixture)

CLI = [sys.executable, "-m", "bagalau.cli"]


def run(*args, columns: int = 200) -> subprocess.CompletedProcess:
    result = subprocess.run([*CLI, *map(str, args)], capture_output=True, text=True, timeout=180,
                            env={"BAGALAU_LANG": "en", "COLUMNS": str(columns), "PATH": "/usr/bin:/bin"})
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr, result.stderr
    return result


def flat(text: str) -> str:
    return " ".join(text.split())


def cohort(tmp_path: Path, bodies: list[dict], **top) -> Path:
    path = tmp_path / "cohort.json"
    path.write_text(json.dumps({"methodology": "it-2012", **top, "bodies": bodies}, ensure_ascii=False),
                    encoding="utf-8")
    return path


def test_an_unknown_profile_is_named_with_the_profiles_that_exist():
    result = run("show", "orgdev-2020", "--profile", "nope")
    assert result.returncode == 2
    assert "unknown profile 'nope' for orgdev-2020; its profiles are: central, local" in flat(result.stderr)
    assert "has problems" not in result.stderr     # it is the user's word, not a broken definition
    result = run("show", "it-2012", "--profile", "nope")
    assert result.returncode == 2 and "it-2012 has no profiles; leave out --profile" in flat(result.stderr)


def test_a_period_outside_the_editions_validity_is_warned_about(tmp_path):
    path = cohort(tmp_path, [{"id": "astana", "inputs": full_raw()}])
    outside = run("score", "it-2012", path, "--period", "2030")
    assert outside.returncode == 0, outside.stderr
    assert ("warning: it-2012 was not in force for period 2030 (on 2030-12-31); it was in force from 2012-12-10 "
            "until 2014-08-06: no edition of it-application was in force then") in flat(outside.stderr)
    inside = run("score", "it-2012", path, "--period", "2013")
    assert inside.returncode == 0 and "warning" not in inside.stderr


def test_an_empty_cohort_says_it_is_empty(tmp_path):
    result = run("score", "it-2012", cohort(tmp_path, []))
    assert result.returncode == 2
    assert f"the cohort is empty: no bodies in {tmp_path / 'cohort.json'}; nothing was scored" in flat(result.stderr)


def test_a_formula_cell_without_a_saved_value_says_to_save_it_in_excel(tmp_path):
    template = tmp_path / "form.xlsx"
    assert run("template", "it-2012", "-o", template).returncode == 0
    workbook = openpyxl.load_workbook(template)
    names = workbook.defined_names

    def put(name, value):
        sheet, cell = next(iter(names[name].destinations))
        workbook[sheet][cell.replace("$", "")] = value

    put("body_id", "astana")
    put("period", 2012)
    for key, value in full_raw().items():
        put(f"in_{key}", ", ".join(map(str, value)) if isinstance(value, list) else
            ("да" if value is True else "нет" if value is False else value))
    put("in_app2_g1", "=40+60")         # openpyxl writes the formula and no computed value, as a script would
    workbook.save(template)
    result = run("score", "it-2012", template)
    assert result.returncode == 2
    text = flat(result.stderr)
    assert "field 'app2_g1'" in text and "sheet 'App 2'" in text
    assert ("the cell holds the formula '=40+60' but no saved value; open the file in Excel (or LibreOffice) and "
            "save it, or enter the value itself") in text


def column_text(table: str, column: int) -> str:
    """A Rich table's column, its lines joined, spaces dropped (a folded word comes back whole)."""
    cells = [line.split("│")[column + 1] for line in table.splitlines() if line.startswith("│")]
    return "".join(cells).replace(" ", "")


def test_tables_wrap_names_instead_of_cutting_them_off(tmp_path):
    listed = run("methodologies", columns=80)
    assert listed.returncode == 0 and "…" not in listed.stdout
    families = column_text(listed.stdout, 1)
    assert "citizens-interaction" in families and "organisational-development" in families
    long_name = "Акимат Восточно-Казахстанской области по делам очень длинного наименования органа"
    path = cohort(tmp_path, [{"id": "vko", "name": long_name, "inputs": full_raw()},
                             {"id": "b2", "name": "Короткое", "inputs": full_raw(app2_g1=50)}])
    for columns in (60, 100):
        scored = run("score", "it-2012", path, "--lang", "en", columns=columns)
        assert scored.returncode == 0 and "…" not in scored.stdout
        assert long_name.replace(" ", "") in column_text(scored.stdout, 1)
        header = next(line for line in scored.stdout.splitlines() if "┃ rank" in line)
        assert "total" in header                         # the last column is never cropped
        assert re.search(r"│\s+100\.00\s+│", scored.stdout)   # figures are never split over lines


def test_penalty_values_are_shown_as_written_not_as_python_reprs(tmp_path):
    mini = Path(__file__).resolve().parent.parent / "data" / "mini-2020.yaml"
    inputs = {"done": 1, "due": 2, "raw": 5, "bonus": 1}
    path = tmp_path / "mini.json"
    path.write_text(json.dumps({"bodies": [{"id": "b1", "profile": "central", "inputs": inputs,
                                            "penalties": [{"rule": "late", "count": 2.5},
                                                          {"rule": ["late"], "count": 1}]}]}), encoding="utf-8")
    result = run("score", mini, path)
    assert result.returncode == 2
    text = flat(result.stderr)
    assert "'count' must be a whole number, got 2.5" in text
    assert "unknown penalty 'a list of 1 value(s)'" in text
    assert "Decimal(" not in text and "['late']" not in text


def test_a_database_refusal_names_the_reason_without_sqlalchemys_wrapping(capsys, monkeypatch):
    import typer
    from bagalau.cli import console
    from bagalau.cli.campaigns import guarded

    monkeypatch.setenv("BAGALAU_LANG", "en")
    monkeypatch.setattr(console, "_language", None)          # no earlier in-process run's --lang

    @guarded
    def step():
        raise IntegrityError("INSERT INTO bodies (code) VALUES (?)", ("x",),
                             sqlite3.IntegrityError("UNIQUE constraint failed: bodies.code"))

    with pytest.raises(typer.Exit) as exited:
        step()
    assert exited.value.exit_code == 2
    message = flat(capsys.readouterr().err)
    assert "the database refused the change: UNIQUE constraint failed: bodies.code; nothing was written" in message
    assert "IntegrityError" not in message and "INSERT" not in message


def test_an_expected_version_beyond_the_latest_says_so(empty_url, tmp_path):
    from support.campaign import document
    from support.cli import bagalau
    bagalau(empty_url, "db", "upgrade")
    bodies = tmp_path / "bodies.csv"
    bodies.write_text("code,kind,parent,name_ru\nwg,central_body,,Рабочая группа\n"
                      "akmola,oblast_akimat,,Акимат Акмолинской области\n", encoding="utf-8")
    bagalau(empty_url, "bodies", "import", str(bodies))
    for name, role, body in (("meth", "methodologist", None), ("eva", "evaluator", None), ("rep", "body", "akmola")):
        bagalau(empty_url, "users", "add", name, "--role", role, *(["--body", body] if body else []))
    bagalau(empty_url, "campaign", "create", "--name", "c", "--methodology", "it-2012", "--period", "2012",
            "--evaluator", "wg", "--body", "akmola", "--assign", "akmola=eva", "--as", "meth")
    bagalau(empty_url, "campaign", "advance", "--as", "eva", "--on", "2013-02-01")
    report = tmp_path / "akmola.json"
    raw = next(b for b in document()["bodies"] if b["id"] == "akmola")["inputs"]
    report.write_text(json.dumps({"period": 2012, "body": "akmola", "inputs": raw}), encoding="utf-8")
    first = bagalau(empty_url, "submit", "akmola", str(report), "--expected-version", "2", "--as", "rep", ok=False)
    assert first.exit_code == 2
    assert ("body 'akmola': there is no version 2 to correct; the latest does not exist yet (give 0 for a first "
            "report). Nothing was written.") in first.output
    bagalau(empty_url, "submit", "akmola", str(report), "--as", "rep")
    beyond = bagalau(empty_url, "submit", "akmola", str(report), "--expected-version", "5", "--as", "rep", ok=False)
    assert beyond.exit_code == 2 and "there is no version 5 to correct; the latest is version 1" in beyond.output
    stale = bagalau(empty_url, "submit", "akmola", str(report), "--expected-version", "0", "--as", "rep", ok=False)
    assert stale.exit_code == 4 and "someone else submitted in between" in stale.output   # a conflict: its own status
