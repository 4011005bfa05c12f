"""A checklist section's points entered instead of its items (issue 7, intake: "website
checklists only take item-by-item entries"), run as real processes.

Working groups record App 6 (it-2012, ict-2015) and App 15/16 (citizens-2017) as
points per section and language version. Each section and version takes either
its items or ``<checklist>_<version>_<section>_points`` (0 … the section's
weight); both are accepted when they agree.
"""

from __future__ import annotations

import json
import subprocess
import sys
from fractions import Fraction

import pytest

from bagalau import demo
from bagalau.engine import catalog

CLI = [sys.executable, "-m", "bagalau.cli"]


def run(*args) -> subprocess.CompletedProcess:
    result = subprocess.run([*CLI, *map(str, args)], capture_output=True, text=True, timeout=180,
                            env={"COLUMNS": "200", "PATH": "/usr/bin:/bin"})
    assert "Traceback" not in result.stderr, result.stderr
    return result


def demo_body(edition: str, profile: str) -> dict:
    """A demo body of the profile whose conditional sections all apply (no rescaling)."""
    compiled = catalog.load(edition)
    document = demo.cohort_document(compiled, demo.default_period(compiled.source))
    return next(body for body in document["bodies"] if body.get("profile") == profile
                and all(value is not False for key, value in body["inputs"].items() if key.endswith("_applies")))


def section_from_items(compiled, points_id: str, inputs: dict) -> Fraction:
    """The act's rule for one section, written out here: W × present / items −
    min(per defect × defects, cap share × W), floored at 0."""
    node_id, _, section = compiled.section_points[points_id]
    rule = compiled.nodes[node_id].node.checklist
    weight = Fraction(section.weight)
    present = sum(1 for item in section.item_ids if inputs[item] in (True, 1, "да"))
    earned = weight * present / len(section.item_ids)
    deduction = min(Fraction(rule.deduction_per_defect) * inputs[section.defects_id],
                    Fraction(rule.deduction_cap_share) * weight)
    return max(earned - deduction, Fraction(0))


def as_points(compiled, inputs: dict, keep_items: bool = False) -> tuple[dict, list[str]]:
    """The body with every section whose points end within two decimals given as points
    (its items and defects removed unless ``keep_items``), and the sections so given."""
    changed, given = dict(inputs), []
    for points_id in compiled.section_points:
        _, _, section = compiled.section_points[points_id]
        if section.item_ids[0] not in inputs:
            continue
        points = section_from_items(compiled, points_id, inputs)
        if (points * 100).denominator != 1:
            continue
        if not keep_items:
            for key in (*section.item_ids, section.defects_id):
                changed.pop(key)
        changed[points_id] = format(float(points), ".2f")
        given.append(points_id)
    return changed, given


def write(tmp_path, edition: str, profile: str, bodies: list[tuple[str, dict]]):
    path = tmp_path / "bodies.json"
    period = demo.default_period(catalog.methodology(edition))
    path.write_text(json.dumps({"methodology": edition, "period": period, "profile": profile,
                                "bodies": [{"id": body_id, "inputs": inputs} for body_id, inputs in bodies]},
                               ensure_ascii=False), encoding="utf-8")
    return path


def scored(path, edition: str, *extra) -> dict:
    result = run("score", edition, path, "--json", *extra)
    assert result.returncode == 0, result.stderr
    return {body["id"]: body for body in json.loads(result.stdout)["bodies"]}


@pytest.mark.parametrize("edition,profile", [("ict-2015", "central"), ("ict-2015", "local"),
                                             ("citizens-2017", "central"), ("citizens-2017", "local")])
def test_section_points_and_items_give_the_same_score_when_they_agree(tmp_path, edition, profile):
    compiled = catalog.load(edition, profile)
    inputs = demo_body(edition, profile)["inputs"]
    points, given = as_points(compiled, inputs)
    both, _ = as_points(compiled, inputs, keep_items=True)
    assert len(given) >= 5, "too few sections given as points to show anything"
    bodies = scored(write(tmp_path, edition, profile, [("items", inputs), ("points", points), ("both", both)]),
                    edition, "--explain")
    assert bodies["points"]["exact"] == bodies["items"]["exact"] == bodies["both"]["exact"]
    assert bodies["points"]["total"] == bodies["items"]["total"] == bodies["both"]["total"]
    entered = {(node["id"], version["version"], section["section"]): section.get("entered")
               for node in _walk(bodies["points"]["explanation"]["nodes"])
               for version in node.get("checklist", []) for section in version["sections"]}
    for points_id in given:
        node_id, version, section = compiled.section_points[points_id]
        assert entered[(node_id, version, section.section_id)] == "points"
    assert "items" in entered.values()
    both_entered = {section.get("entered") for node in _walk(bodies["both"]["explanation"]["nodes"])
                    for version in node.get("checklist", []) for section in version["sections"]}
    assert "points" not in both_entered        # both given and agreeing: scored from the items


def _walk(nodes):
    for node in nodes:
        yield node
        yield from _walk(node.get("children", []))


def test_points_and_items_that_disagree_are_refused_naming_both(tmp_path):
    edition, profile = "ict-2015", "central"
    inputs = dict(demo_body(edition, profile)["inputs"])
    compiled = catalog.load(edition, profile)
    points_id = "app6_t1_kk_1_1_points"
    right = section_from_items(compiled, points_id, inputs)
    inputs[points_id] = str(float(right) - 1 if right >= 1 else right + 1)
    result = run("score", edition, write(tmp_path, edition, profile, [("b", inputs)]))
    assert result.returncode == 2
    text = " ".join(result.stderr.split())
    assert points_id in text and "app6_t1_kk_1_1_1" in text and "do not agree" in text, text
    assert "§28" in text


@pytest.mark.parametrize("value,bound", [("5.5", "above the maximum 5"), ("-0.5", "below the minimum 0")])
def test_section_points_outside_zero_to_the_weight_are_refused_with_bound_and_paragraph(tmp_path, value, bound):
    edition, profile = "ict-2015", "central"
    compiled = catalog.load(edition, profile)
    inputs = dict(demo_body(edition, profile)["inputs"])
    _, _, section = compiled.section_points["app6_t1_kk_1_1_points"]
    for key in (*section.item_ids, section.defects_id):
        inputs.pop(key)
    inputs["app6_t1_kk_1_1_points"] = value
    result = run("score", edition, write(tmp_path, edition, profile, [("moe", inputs)]))
    assert result.returncode == 2
    text = " ".join(result.stderr.split())
    assert "body 'moe'" in text and "app6_t1_kk_1_1_points" in text and bound in text, text
    assert "weight 5" in text and "App 6 Table 1" in text


def test_neither_items_nor_points_names_the_points_as_the_other_way(tmp_path):
    edition, profile = "ict-2015", "central"
    inputs = dict(demo_body(edition, profile)["inputs"])
    inputs.pop("app6_t1_ru_1_3_2")
    result = run("score", edition, write(tmp_path, edition, profile, [("b", inputs)]))
    assert result.returncode == 2
    text = " ".join(result.stderr.split())
    assert "app6_t1_ru_1_3_2" in text and "or give the section's points in app6_t1_ru_1_3_points" in text, text


def test_half_points_in_ict_2015_app_6_table_1_are_accepted_and_explained(tmp_path):
    """§28: (M_kk + M_ru) / 50 × 5 for a mobile version that loads by itself; the working
    group's half points per section (App 6 Table 1: 5, 10, 3, 5, 2 per version)."""
    edition, profile = "ict-2015", "central"
    compiled = catalog.load(edition, profile)
    inputs = dict(demo_body(edition, profile)["inputs"])
    inputs.update(wg_1_3_auto=True, wg_1_3_link_to_mobile=False, wg_1_3_link_to_full=True)
    halves = {"kk": ["4.5", "9.5", "2.5", "3.5", "1.5"], "ru": ["5", "7.5", "0.5", "5", "2"]}
    for version, values in halves.items():
        for section, value in zip(["1.1", "1.2", "1.3", "1.4", "1.5"], values):
            points_id = f"app6_t1_{version}_{section.replace('.', '_')}_points"
            _, _, layout = compiled.section_points[points_id]
            for key in (*layout.item_ids, layout.defects_id):
                inputs.pop(key)
            inputs[points_id] = value
    body = scored(write(tmp_path, edition, profile, [("b", inputs)]), edition, "--explain")["b"]
    total = sum(Fraction(v) for values in halves.values() for v in values)       # 21.5 + 20
    assert Fraction(body["exact"]["1.3-t1"]) == total / 50 * 5
    assert body["scores"]["1.3-t1"] == "4.15"
    node = next(n for n in _walk(body["explanation"]["nodes"]) if n["id"] == "1.3-t1")
    assert [s["entered"] for v in node["checklist"] for s in v["sections"]] == ["points"] * 10
    assert any("entered instead of its items" in note["text"] for note in node["notes"])


def test_the_templates_show_the_points_next_to_each_sections_items(tmp_path):
    made = run("template", "ict-2015", "--profile", "central", "--format", "json")
    assert made.returncode == 0, made.stderr
    fields = json.loads(made.stdout)["fields"]
    assert "instead of the items of section 1.1 (kk)" in fields["app6_t1_kk_1_1_points"]
    assert "range 0–5" in fields["app6_t1_kk_1_1_points"]
    assert "or the section's points: app6_t1_kk_1_1_points" in fields["app6_t1_kk_1_1_1"]

    path = tmp_path / "template.xlsx"
    made = run("template", "ict-2015", "--profile", "central", "--format", "xlsx", "-o", path)
    assert made.returncode == 0, made.stderr
    import openpyxl
    workbook = openpyxl.load_workbook(path)
    rows = {}
    for key, defined in workbook.defined_names.items():
        for sheet, cell in defined.destinations:
            if ":" in cell:     # a range (a repeated-row table, the penalties table), not an input cell
                continue
            rows[key] = (sheet, workbook[sheet][cell.replace("$", "")].row)
    sheet, points_row = rows["in_app6_t1_kk_1_1_points"]
    assert rows["in_app6_t1_kk_1_1_defects"] == (sheet, points_row - 1)       # right after the section
    assert rows["in_app6_t1_kk_1_1_5"][0] == sheet
    hint = workbook[sheet].cell(row=points_row, column=5).value
    assert "instead of the items of section 1.1" in hint
    item_hint = workbook[sheet].cell(row=rows["in_app6_t1_kk_1_1_1"][1], column=5).value
    assert "app6_t1_kk_1_1_points" in item_hint


def test_a_workbook_with_section_points_scores_as_the_same_body_in_json(tmp_path):
    from bagalau.engine import forms
    edition, profile = "ict-2015", "central"
    compiled = catalog.load(edition, profile)
    points, given = as_points(compiled, demo_body(edition, profile)["inputs"])
    assert given
    period = demo.default_period(catalog.methodology(edition))
    workbook = tmp_path / "body.xlsx"
    forms.write_filled(compiled, workbook, "xlsx", body_id="b", name=None, period=period, values=points)
    from_json = scored(write(tmp_path, edition, profile, [("b", points)]), edition)["b"]
    from_workbook = scored(workbook, edition)["b"]
    assert from_workbook["exact"] == from_json["exact"] and from_workbook["total"] == from_json["total"]
