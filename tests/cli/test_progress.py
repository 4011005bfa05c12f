"""Progress on long work (issue 8, item 8), as real processes: scoring a large cohort and importing
an extract show a Rich progress bar when the error console is a terminal (a pseudo-terminal
here), and nothing when it is piped."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import full_raw
from support.processes import on_a_terminal, piped


def cohort(tmp_path: Path, count: int) -> Path:
    path = tmp_path / "cohort.json"
    path.write_text(json.dumps({"methodology": "it-2012", "bodies": [
        {"id": f"b{i}", "inputs": full_raw(app2_g1=50 + i)} for i in range(count)]}), encoding="utf-8")
    return path


def test_scoring_many_bodies_shows_a_bar_on_a_terminal_and_nothing_when_piped(tmp_path):
    path = cohort(tmp_path, 5)
    many = {"BAGALAU_PROGRESS_MIN_BODIES": "5"}     # "many" made small, so the test stays quick
    status, stdout, terminal = on_a_terminal("score", "it-2012", path, "--json", env=many)
    assert status == 0 and len(json.loads(stdout)["bodies"]) == 5
    assert "checking bodies" in terminal and "scoring" in terminal and "5/5" in terminal
    quiet = piped("score", "it-2012", path, "--json", env=many)
    assert quiet.returncode == 0 and quiet.stderr == ""
    assert len(json.loads(quiet.stdout)["bodies"]) == 5


def test_a_small_cohort_shows_no_bar_even_on_a_terminal(tmp_path):
    status, _, terminal = on_a_terminal("score", "it-2012", cohort(tmp_path, 5), "--json", env={})
    assert status == 0 and "scoring" not in terminal and "━" not in terminal


def test_an_import_shows_a_bar_on_a_terminal_and_nothing_when_piped(tmp_path):
    workspace = {"BAGALAU_EXTRACTS_DIR": str(tmp_path / "ws")}
    generated = piped("extracts", "generate", "licences", "--rows", "500", "--year", "2012", "--bodies", "3",
                      "-o", tmp_path / "gen", env=workspace)
    assert generated.returncode == 0, generated.stderr
    assert generated.stderr == ""        # the generator's bar stays silent when piped too
    files = sorted((tmp_path / "gen").glob("*.parquet"))
    status, stdout, terminal = on_a_terminal("extracts", "import", "licences", *files, env=workspace)
    assert status == 0 and "500 licences records imported" in stdout
    assert files[0].name in terminal and "100%" in terminal
    workspace = {"BAGALAU_EXTRACTS_DIR": str(tmp_path / "ws2")}
    quiet = piped("extracts", "import", "licences", *files, env=workspace)
    assert quiet.returncode == 0 and "500 licences records imported" in quiet.stdout and quiet.stderr == ""
