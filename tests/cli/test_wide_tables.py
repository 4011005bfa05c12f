"""`--wide` (issue 8, item 7), as real processes with their output piped: every table is printed
at its full width, one line per row, so that names and formulas reach grep or cut whole; without
it, tables fit the terminal and long names wrap (the other test, test_messages)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from conftest import full_raw

CLI = [sys.executable, "-m", "bagalau.cli"]
LONG_NAME = "Акимат Восточно-Казахстанской области по делам очень длинного наименования органа"


def run(*args, columns: int = 60, env: dict | None = None) -> subprocess.CompletedProcess:
    result = subprocess.run([*CLI, *map(str, args)], capture_output=True, text=True, timeout=180,
                            env={"COLUMNS": str(columns), "PATH": "/usr/bin:/bin", **(env or {})})
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr, result.stderr
    assert result.returncode == 0, result.stderr
    return result


def rows(output: str) -> list[str]:
    """The body lines of a Rich table (not its borders or heading)."""
    return [line for line in output.splitlines() if line.startswith("│")]


def cohort(tmp_path: Path) -> Path:
    path = tmp_path / "cohort.json"
    path.write_text(json.dumps({"methodology": "it-2012", "bodies": [
        {"id": "vko", "name": LONG_NAME, "inputs": full_raw()},
        {"id": "b2", "name": "Короткое", "inputs": full_raw(app2_g1=50)}]}, ensure_ascii=False), encoding="utf-8")
    return path


def test_wide_prints_each_body_on_one_line_whatever_the_terminal_width(tmp_path):
    path = cohort(tmp_path)
    fitted = rows(run("score", "it-2012", path, "--lang", "en").stdout)
    assert len(fitted) > 2 and not any(LONG_NAME in line for line in fitted)   # 60 columns: the name wraps
    wide = run("score", "it-2012", path, "--lang", "en", "--wide").stdout
    lines = rows(wide)
    assert len(lines) == 2                                                      # one line per body
    assert LONG_NAME in lines[0] and "100.00" in lines[0]
    assert "Короткое" in lines[1] and "98.50" in lines[1]
    assert len({len(line) for line in wide.splitlines() if line[:1] in "┏┃┡│└"}) == 1   # borders line up
    assert max(len(line) for line in wide.splitlines()) > 60                    # wider than the terminal


def test_bagalau_wide_in_the_environment_does_the_same(tmp_path):
    lines = rows(run("score", "it-2012", cohort(tmp_path), "--lang", "en", env={"BAGALAU_WIDE": "1"}).stdout)
    assert len(lines) == 2 and LONG_NAME in lines[0]


def test_wide_keeps_formulas_and_families_whole():
    listed = rows(run("methodologies", "--wide", columns=40).stdout)
    assert any("organisational-development" in line for line in listed)
    assert all(line.count("│") == listed[0].count("│") for line in listed)
    shown = run("show", "it-2012", "--provenance", "--lang", "en", "--wide", columns=40).stdout
    fitted = run("show", "it-2012", "--provenance", "--lang", "en", columns=40).stdout
    assert len(rows(shown)) < len(rows(fitted))          # fewer lines: no cell wraps
    for line in rows(shown):
        assert line.endswith("│")


def test_every_command_offers_wide_in_its_help():
    for command in (["rating"], ["campaign", "status"], ["verify", "facts"], ["audit", "show"], ["users", "list"]):
        assert "--wide" in run(*command, "--help", columns=120).stdout
