"""Formulas from a grammar of the formula language and of what it refuses, written into a small
definition: `bagalau check` accepts the formula or names its problem (status 0 or 1), and an
accepted one scores hostile bodies or refuses them clearly (status 0 or 2); never an internal
error, a traceback or a Python repr."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import yaml
from hypothesis import given, strategies as st

from fuzz import strategies
from fuzz.harness import bagalau, bounded, write

FOLDER = Path(tempfile.mkdtemp(prefix="bagalau-fuzz-formulas-"))
MINI = yaml.safe_load((Path(__file__).resolve().parent.parent / "data" / "mini-2020.yaml").read_text("utf-8"))


def definition_with(formula: str, where: str) -> dict:
    data = json.loads(json.dumps(MINI, default=str))
    nodes = {child["id"]: child for node in data["nodes"] for child in node.get("children", [])}
    if where == "check":
        data["checks"][0]["rule"] = formula
    else:
        nodes[where]["formula"] = formula
    return data


@bounded(in_ci=1000, local=100)
@given(strategies.formulas(), st.sampled_from(["1.2", "1.1", "2.1", "check"]),
       st.fixed_dictionaries({name: strategies.MINI_BODY_VALUES for name in ("done", "due", "raw", "bonus")}),
       st.sampled_from(["central", "local"]))
def test_formulas_are_checked_and_scored_without_a_crash(formula, where, values, profile):
    definition = write(FOLDER, "fuzz-2020.yaml", yaml.safe_dump(definition_with(formula, where), allow_unicode=True))
    checked = bagalau("check", definition, allowed=(0, 1), echoes=formula, quoted=True)
    if checked.exit_code != 0:
        assert "problem" in checked.output
        return
    body = {"id": "b1", "profile": profile, "inputs": {**values, "secret": False, "budget_share": "0.5",
                                                        **({"local_only": 3} if profile == "local" else {})}}
    cohort = write(FOLDER, "bodies.json", json.dumps({"bodies": [body, {**body, "id": "b2"}]}))
    bagalau("score", definition, cohort, "--explain", allowed=(0, 2), echoes=formula, quoted=True)
