"""The simulator, checked by hand-derived expectations (issue 12)."""

from __future__ import annotations

import json

from bagalau import demo
from bagalau.engine import catalog
from bagalau.engine.cohort import CohortScorer
from bagalau.engine.inputs import Submission, validate
from bagalau.simulation.simulate import Side, compare
from bagalau.simulation.synthetic import random_bodies
from support.cli import runner
from bagalau.cli import app


def _submissions(validated):
    return [Submission(b.submission.body_id, b.submission.name, dict(b.submission.raw),
                       profile=b.submission.profile) for b in validated]


def test_a13_zero_changes_exactly_the_bodies_with_a_zero_denominator():
    """A13 decides what a zero denominator scores (full, the default, or zero).
    The bodies whose scores change are those where some A13 node met a zero
    denominator (and had points to lose), read off the reference explanations."""
    compiled = catalog.load("it-2012")
    a13_nodes = sorted(node_id for node_id, c in compiled.nodes.items()
                       if c.node.zero_denominator is not None and c.node.zero_denominator.option == "A13")
    bodies = []
    for index, body in enumerate(random_bodies("it-2012", None, 40, seed=3)):
        raw = dict(body.submission.raw)
        if index % 3 == 0:   # a third of them report nothing for one A13 indicator: 0 of 0
            node = compiled.nodes[a13_nodes[index % len(a13_nodes)]]
            raw.update({name: 0 for name in node.formula.names if compiled.inputs.get(name) is not None
                        and compiled.inputs[name].type == "integer"})
        bodies.append(validate(compiled, Submission(body.submission.body_id, None, raw)))
    expected = set()
    for result in CohortScorer("it-2012").score(bodies, explain=True):
        stack = [result.explanation["tree"]] if "tree" in result.explanation else list(result.explanation["nodes"])
        while stack:
            entry = stack.pop()
            stack.extend(entry.get("children", []))
            if entry["id"] in a13_nodes and any(n["code"] == "zero_denominator" for n in entry.get("notes", [])) \
                    and result.scores[entry["id"]] != 0:
                expected.add(result.body_id)
    assert expected, "the sample has no zero denominator: the test would prove nothing"
    assert len(expected) < len(bodies), "every body has one: the test would prove nothing"
    comparison = compare(Side("it-2012"), Side("it-2012", {"A13": "zero"}), _submissions(bodies))
    changed = {b.id for b in comparison.bodies if b.changed_nodes}
    assert changed == expected
    for body in comparison.bodies:
        assert (body.change or 0) <= 0          # zero instead of full can only take points away
    assert comparison.option_changes == [{"option": "A13", "a": "full", "b": "zero"}]


def test_simulate_command_json_and_csv(tmp_path):
    compiled = catalog.load("it-2012")
    path = tmp_path / "cohort.json"
    path.write_text(json.dumps(demo.cohort_document(compiled, 2013), ensure_ascii=False), encoding="utf-8")
    result = runner.invoke(app, ["simulate", "it-2012", str(path), "--b-option", "A32=rescale", "--format", "json"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    assert document["schema"] == "bagalau.simulation/1"
    assert len(document["bodies"]) == 17
    assert document["option_changes"] == [{"option": "A32", "a": "full", "b": "rescale"}]
    result = runner.invoke(app, ["simulate", "it-2012", str(path), "--b-option", "A32=rescale", "--format", "csv"])
    assert result.exit_code == 0
    assert result.output.splitlines()[0].startswith("body,name,profile,total_a,total_b,change")
    assert len(result.output.splitlines()) == 18


def test_simulate_command_refuses_bad_input(tmp_path):
    path = tmp_path / "cohort.json"
    path.write_text(json.dumps({"methodology": "it-2012", "bodies": [{"id": "X", "inputs": {"app2_g1": -1}}]}),
                    encoding="utf-8")
    result = runner.invoke(app, ["simulate", "it-2012", str(path), "--b-option", "A13=zero"])
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    result = runner.invoke(app, ["simulate", "it-2012", str(path)], env={"BAGALAU_LANG": "en"})
    assert result.exit_code == 2 and "nothing to compare" in result.output
    result = runner.invoke(app, ["simulate", "it-2012", str(path), "--b-option", "A99=x"])
    assert result.exit_code == 2 and "unknown option" in result.output


def test_orgdev_2020_to_2023_changes_the_nodes_the_diff_lists_and_no_others():
    """The orgdev-2023 demo cohort, with last year's entered points (orgdev-2020 enters every
    indicator) set to what 2023 shows for the same indicator: under 2020 → 2023 only the
    nodes the diff lists as changed in scoring (formula, rule, weight, added, deleted) and
    their parents may change; the added and deleted ones, read off the diff by hand, must."""
    from decimal import Decimal
    from bagalau.engine.editions import diff
    compiled = catalog.load("orgdev-2023")
    document = demo.cohort_document(compiled, demo.default_period(compiled.source))
    reference = CohortScorer("orgdev-2023")
    submissions = [Submission(b["id"], b.get("name"), dict(b["inputs"]), profile=b.get("profile"))
                   for b in document["bodies"]]
    results = reference.score([reference.validate(s) for s in submissions])
    old = {profile: catalog.load("orgdev-2020", profile) for profile in ("central", "local")}
    for submission, result in zip(submissions, results):
        inputs = old[submission.profile or "central"].inputs
        for key, definition in inputs.items():
            if not key.startswith("entered_") or key.endswith("_comment"):
                continue
            node_id = key[len("entered_"):].replace("_", ".")
            value = result.scores.get(node_id)
            shown = Decimal(10) if value is None else reference.scorer(submission.profile).round(value)
            shown = min(max(shown, definition.min), definition.max)
            submission.raw[key] = str(shown)
            submission.raw[key + "_comment"] = "SYNTHETIC: the 2023 value"
    comparison = compare(Side("orgdev-2020"), Side("orgdev-2023"), submissions)
    changes = diff(catalog.methodology("orgdev-2020"), catalog.methodology("orgdev-2023"))
    listed = {c.id for c in changes if c.area == "node" and c.kind in ("formula", "rule", "weight", "added", "deleted")}
    added = {c.id for c in changes if c.area == "node" and c.kind == "added"}
    deleted = {c.id for c in changes if c.area == "node" and c.kind == "deleted"}
    assert added == {"HR.2.1.1", "HR.2.1.2", "HR.2.1.3", "HR.2.6", "HR.2.7", "IT.5", "IT.6", "IT.8"}
    assert deleted == {"IT.P2"}
    allowed = set(listed)
    for edition in ("orgdev-2020", "orgdev-2023"):
        for profile in ("central", "local"):
            nodes = catalog.load(edition, profile).nodes
            for node_id in listed & set(nodes):
                parent = nodes[node_id].parent
                while parent is not None:
                    allowed.add(parent)
                    parent = nodes[parent].parent
    changed = {node for body in comparison.bodies for node in body.changed_nodes}
    assert len(changed) > len(added | deleted)        # parents and changed formulas move too
    assert changed <= allowed, sorted(changed - allowed)
    assert added | deleted <= changed
    untouched = {"HR.1.1", "HR.1.2", "IT.1", "IT.3", "IT.4", "IT.7", "IT.9"}
    assert not untouched & (listed | changed)
