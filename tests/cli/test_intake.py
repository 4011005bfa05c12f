"""Entering data the way working groups record it (issue 7, intake), run as
real processes: the profile travels with the template and the file."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from bagalau import demo
from bagalau.engine import catalog

CLI = [sys.executable, "-m", "bagalau.cli"]


def run(*args, cwd=None) -> subprocess.CompletedProcess:
    result = subprocess.run([*CLI, *map(str, args)], capture_output=True, text=True, cwd=cwd, timeout=180,
                            env={"COLUMNS": "200", "PATH": "/usr/bin:/bin"})
    assert "Traceback" not in result.stderr, result.stderr
    return result


def demo_body(edition: str, profile: str) -> dict:
    """The first synthetic demo body of a profile (valid values for every input it needs)."""
    compiled = catalog.load(edition)
    document = demo.cohort_document(compiled, demo.default_period(compiled.source))
    return next(body for body in document["bodies"] if body.get("profile") == profile)


@pytest.mark.parametrize("edition", ["ict-2015", "citizens-2017"])
def test_a_local_body_made_from_the_local_template_scores_without_editing_any_key(tmp_path, edition):
    made = run("template", edition, "--profile", "local", "--format", "json")
    assert made.returncode == 0, made.stderr
    template = json.loads(made.stdout)
    body = template["bodies"][0]
    assert body["profile"] == "local"
    values = demo_body(edition, "local")["inputs"]
    assert set(values) <= set(body["inputs"])
    body["id"], body["name"] = "akmola", "Акимат Акмолинской области"
    for key in body["inputs"]:  # values only: no key is added, renamed or removed
        body["inputs"][key] = values.get(key)
    template["period"] = demo.default_period(catalog.methodology(edition))
    path = tmp_path / "local.json"
    path.write_text(json.dumps(template, ensure_ascii=False), encoding="utf-8")
    result = run("score", edition, path, "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["bodies"][0]["profile"] == "local"


def test_a_body_without_its_profile_gets_one_line_naming_the_profile_and_the_ways_to_give_it(tmp_path):
    edition = "ict-2015"
    body = demo_body(edition, "local")
    bare = {"id": body["id"], "name": body["name"], "inputs": body["inputs"]}
    path = tmp_path / "cohort.json"
    path.write_text(json.dumps({"methodology": edition, "period": 2016, "bodies": [bare]}, ensure_ascii=False),
                    encoding="utf-8")
    result = run("score", edition, path)
    assert result.returncode == 2
    text = " ".join(result.stderr.split())  # the terminal's line wrapping undone
    assert text.count("body 'akmola'") == 1 and "1 input problem(s)" in text, result.stderr
    assert "belong to profile 'local'" in text and "--profile local" in text

    # the command-line default …
    by_option = run("score", edition, path, "--json", "--profile", "local")
    assert by_option.returncode == 0, by_option.stderr
    assert json.loads(by_option.stdout)["bodies"][0]["profile"] == "local"
    # … and the file-level default give the same scores
    path.write_text(json.dumps({"methodology": edition, "period": 2016, "profile": "local", "bodies": [bare]},
                               ensure_ascii=False), encoding="utf-8")
    by_file = run("score", edition, path, "--json")
    assert by_file.returncode == 0, by_file.stderr
    assert json.loads(by_file.stdout)["bodies"] == json.loads(by_option.stdout)["bodies"]


def test_an_unknown_or_needless_profile_is_a_clear_error(tmp_path):
    path = tmp_path / "empty.json"
    path.write_text(json.dumps({"bodies": []}), encoding="utf-8")
    result = run("score", "ict-2015", path, "--profile", "regional")
    assert result.returncode == 2 and "choose one of central, local" in result.stderr
    result = run("score", "it-2012", path, "--profile", "local")
    assert result.returncode == 2 and "has no profiles" in result.stderr
