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
from decimal import Decimal
from support.store import *  # noqa: F401,F403  (the factory fixture)

CLI = [sys.executable, "-m", "bagalau.cli"]


def run(*args, cwd=None) -> subprocess.CompletedProcess:
    result = subprocess.run([*CLI, *map(str, args)], capture_output=True, text=True, cwd=cwd, timeout=180,
                            env={"BAGALAU_LANG": "en", "COLUMNS": "200", "PATH": "/usr/bin:/bin"})
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
    assert result.returncode == 2 and "unknown profile" in result.stderr and "its profiles are: central, local" in " ".join(result.stderr.split())
    result = run("score", "it-2012", path, "--profile", "local")
    assert result.returncode == 2 and "has no profiles" in result.stderr


# --- penalties in a score file --------------------------------------------------------

MINI = Path(__file__).parent.parent / "data" / "mini-2020.yaml"


def test_a_score_file_with_penalties_gives_the_campaign_totals(factory, tmp_path):
    """The same bodies, inputs and facts scored in a campaign (a late report:
    1.5 points off the total; six unreliable facts in direction 1: 6 × 0.2,
    capped at 1) and from a score file with the penalties as counts."""
    from bagalau import campaigns, store
    from bagalau.campaigns import registry
    from bagalau.engine.inputs import Submission
    from datetime import date
    from sqlalchemy import select
    from support.campaign import step

    with store.transaction(factory) as s:
        registry.import_records(s, [
            {"code": "wg", "kind": "central_body", "name_ru": "Evaluator"},
            {"code": "min-a", "kind": "central_body", "name_ru": "Ministry A"},
            {"code": "min-b", "kind": "central_body", "name_ru": "Ministry B"},
            {"code": "obl-a", "kind": "oblast_akimat", "name_ru": "Oblast A"}], "t", "test")
        campaigns.add_user(s, "ev", "evaluator", "wg")
        for code in ("min-a", "min-b", "obl-a"):
            campaigns.add_user(s, f"rep-{code}", "body", code)
        campaign_id = campaigns.create_campaign(
            s, name="mini", methodology_id=str(MINI), period=2021, evaluator="wg",
            bodies=["min-a", "min-b", "obl-a"], actor="ev", settings={"submission_deadline": "2022-03-01"}).id
    base = {"done": 9, "due": 10, "raw": 15, "bonus": 0, "budget_share": "0.5", "entered_2_2": 10,
            "entered_2_2_comment": "points entered by the working group"}
    inputs = {"min-a": base, "min-b": {**base, "done": 10}, "obl-a": {**base, "local_only": 20}}
    step(factory, campaign_id, lambda s, c: campaigns.open_submissions(s, c, "ev"))
    for code, raw in inputs.items():
        step(factory, campaign_id, lambda s, c, code=code, raw=raw: campaigns.submit(
            s, c, code, Submission(code, None, raw, period=2021), f"rep-{code}",
            at=date(2022, 3 if code == "min-a" else 2, 20)))       # min-a is late
    step(factory, campaign_id, lambda s, c: campaigns.close_submissions(s, c, "ev"))
    for _ in range(6):
        step(factory, campaign_id, lambda s, c: campaigns.add_fact(s, c, "min-b", "raw", None, "act", "ev"))
    step(factory, campaign_id, lambda s, c: campaigns.run_scoring(s, c, "ev"))
    with store.transaction(factory) as s:
        run_ = s.execute(select(store.ScoringRun)).scalars().one()
        in_campaign = {r.body_code: Decimal(r.total) for r in run_.results}
    assert in_campaign["min-a"] < in_campaign["obl-a"]  # the late penalty was taken

    penalties = {"min-a": [{"rule": "late", "count": 1}],
                 "min-b": [{"rule": "unreliable_fact", "direction": "1", "count": 6}]}
    profiles = {"min-a": "central", "min-b": "central", "obl-a": "local"}
    path = tmp_path / "cohort.json"
    path.write_text(json.dumps({"methodology": "mini-2020", "period": 2021, "bodies": [
        {"id": code, "profile": profiles[code], "inputs": raw, **({"penalties": penalties[code]} if code in penalties else {})}
        for code, raw in inputs.items()]}), encoding="utf-8")
    result = run("score", MINI, path, "--json")
    assert result.returncode == 0, result.stderr
    from_file = {b["id"]: Decimal(b["exact"]["total"]) if "total" in b["exact"] else Decimal(b["total"])
                 for b in json.loads(result.stdout)["bodies"]}
    assert from_file == in_campaign
    # the same penalty written in points: 1.2 points of 0.2 are six facts
    document = json.loads(path.read_text(encoding="utf-8"))
    document["bodies"][1]["penalties"] = [{"rule": "unreliable_fact", "direction": "1", "points": "1.2"}]
    path.write_text(json.dumps(document), encoding="utf-8")
    again = json.loads(run("score", MINI, path, "--json").stdout)
    assert {b["id"]: b["total"] for b in again["bodies"]} == {b["id"]: b["total"] for b in json.loads(result.stdout)["bodies"]}


BAD_PENALTIES = [
    ({"rule": "nope", "count": 1}, "unknown penalty 'nope'"),
    ({"rule": "unreliable_fact", "count": 1}, "give the direction, one of 1, 2"),
    ({"rule": "late", "direction": "1", "count": 1}, "leave out 'direction'"),
    ({"rule": "late", "count": 1, "points": 1.5}, "either 'count'"),
    ({"rule": "late", "count": -1}, "0 or more"),
    ({"rule": "late", "count": 1.5}, "whole number"),
    ({"rule": "late", "points": 2}, "not a whole number of occurrences of 1.5 points"),
]


def test_a_penalty_that_cannot_be_read_is_a_clear_error(tmp_path):
    """One body per broken entry, all in one file: every problem names the body and the entry."""
    raw = {"done": 9, "due": 10, "raw": 15, "bonus": 0, "entered_2_2": 10, "entered_2_2_comment": "entered"}
    path = tmp_path / "bad.json"
    path.write_text(json.dumps({"profile": "central", "bodies": [
        {"id": f"b{i}", "inputs": raw, "penalties": [entry]} for i, (entry, _) in enumerate(BAD_PENALTIES)]}),
        encoding="utf-8")
    result = run("score", MINI, path)
    assert result.returncode == 2
    text = " ".join(result.stderr.split())
    assert f"{len(BAD_PENALTIES)} input problem(s)" in text, result.stderr
    for i, (_, fragment) in enumerate(BAD_PENALTIES):
        assert f"body 'b{i}', field 'penalties[0]" in text and fragment in text, fragment
