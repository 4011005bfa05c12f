"""Malformed inputs give clear errors naming the body, the field and the reason;
files are read from JSON, YAML and XLSX; warnings never block scoring."""

from __future__ import annotations

import json
import os
from decimal import Decimal

import openpyxl
import pytest
import yaml
from openpyxl.workbook.defined_name import DefinedName

from conftest import app6_defects, app6_item, explanation_node, full_raw
from bagalau.engine.inputs import InputError, Submission, read_file, validate


def problems_for(compiled, raw, body="akimat-1", locations=None):
    with pytest.raises(InputError) as caught:
        validate(compiled, Submission(body, "Test body", raw, locations=locations or {}))
    return caught.value.problems


def only(problems, field):
    found = [p for p in problems if p.field == field]
    assert found, f"no problem for {field}: {[str(p) for p in problems]}"
    return found[0]


# --- inputs a node needs when it applies (issue 7, intake) -----------------------------

def test_a_licensor_must_give_the_licence_counts_that_3_3_1_needs(compiled, score_body):
    """§56: 3.3.1 is the share of licences formed in e-Licensing among those issued,
    for a licensor. Left out, the counts defaulted to 0 and A13 gave the licensor
    full points for nothing reported; now they are required when 3.3.1 applies."""
    raw = full_raw()
    del raw["app1_r2_3_1"], raw["wg_3_3_1_formed"]
    problems = problems_for(compiled, raw)
    assert {p.field for p in problems} == {"app1_r2_3_1", "wg_3_3_1_formed"}
    assert "required when the body is a licensor" in only(problems, "app1_r2_3_1").reason
    assert "§56" in only(problems, "app1_r2_3_1").reason
    # not a licensor (3.3.1 redistributed) or e-licensing only planned: nothing needed
    validate(compiled, Submission("akimat-1", None, {**raw, "is_licensor": False}))
    validate(compiled, Submission("akimat-1", None, {**raw, "elicensing_planned": True}))
    # a licensor that issued no licences says so with 0: A13 reads the empty share
    counted = score_body(full_raw(app1_r2_3_1=0, wg_3_3_1_formed=0))
    assert counted.scores["3.3.1"] == 4


# --- field-level errors --------------------------------------------------------------

def test_complete_baseline_is_valid(compiled):
    validated = validate(compiled, Submission("akimat-1", None, full_raw()))
    assert validated.warnings == []
    assert validated.values["app2_g1"] == Decimal(100)
    assert validated.values["is_licensor"] == 1
    # an optional input left out takes its default: §56 refusals default to none
    assert validated.values["wg_5_8_refused"] == 0
    assert validated.values["app6_1_6_applies"] == 1


def test_negative_count(compiled):
    problem = only(problems_for(compiled, full_raw(app2_g2=-5)), "app2_g2")
    assert problem.body == "akimat-1"
    assert problem.severity == "error"
    assert "-5 is below the minimum 0" in problem.reason
    assert "cannot be negative" in problem.reason
    assert "akimat-1" in str(problem) and "app2_g2" in str(problem)


def test_numerator_above_denominator_names_both_fields_and_the_rule(compiled):
    """App 2: column 1 (sent) cannot exceed column 2 (to be sent), §101(1–2)."""
    problems = problems_for(compiled, full_raw(app2_g1=600, app2_g2=500))
    assert len(problems) == 1
    problem = problems[0]
    assert problem.body == "akimat-1"
    assert "app2_g1" in problem.field and "app2_g2" in problem.field
    assert "app2_g1 <= app2_g2" in problem.reason                    # the rule
    assert "app2_g1 = 600" in problem.reason and "app2_g2 = 500" in problem.reason
    assert "column 1" in problem.reason and "column 2" in problem.reason
    assert "§101" in problem.reason


def test_is_count_above_its_population(compiled):
    """App 1 row 3.5 cannot name more IS than are in industrial operation since 2010."""
    problem = problems_for(compiled, full_raw(app1_r3_5=5, wg_5_5_is_ind2010=4))[0]
    assert "app1_r3_5" in problem.field and "wg_5_5_is_ind2010" in problem.field
    assert "§84–87" in problem.reason


def test_more_refusals_than_non_integrated_is_is_an_error(compiled):
    problem = problems_for(compiled, full_raw(app1_r3_8=1, wg_5_8_refused=2))[0]
    assert "wg_5_8_refused" in problem.field and "§99" in problem.reason


def test_missing_required_field(compiled):
    problem = only(problems_for(compiled, full_raw(app2_g5=None)), "app2_g5")
    assert problem.reason.startswith("missing")
    assert "App 2" in problem.reason and "column 5" in problem.reason     # where to find it


def test_missing_checklist_item(compiled):
    key = app6_item("kk", "1.13", 4)
    problem = only(problems_for(compiled, full_raw(**{key: None})), key)
    assert problem.reason.startswith("missing")


@pytest.mark.parametrize("value,fragment", [
    ("abc", "expected a whole number, got 'abc'"),
    (2.5, "expected a whole number, got 2.5"),
    ("2,5", "expected a whole number"),
    (True, "expected a number, got true"),
    ([1, 2], "expected a whole number"),
    ("NaN", "finite"),
], ids=["text", "fraction", "comma-fraction", "boolean", "list", "nan"])
def test_wrong_type_for_an_integer(compiled, value, fragment):
    problem = only(problems_for(compiled, full_raw(app2_g1=value)), "app2_g1")
    assert fragment in problem.reason


def test_wrong_type_for_a_boolean(compiled):
    problem = only(problems_for(compiled, full_raw(is_licensor="maybe")), "is_licensor")
    assert "expected yes/no" in problem.reason and "'maybe'" in problem.reason


@pytest.mark.parametrize("word,expected", [("да", 1), ("нет", 0), ("иә", 1), ("жоқ", 0), ("yes", 1),
                                           ("false", 0), (1, 1), (0, 0)])
def test_boolean_words_in_three_languages(compiled, word, expected):
    values = validate(compiled, Submission("b", None, full_raw(is_licensor=word))).values
    assert values["is_licensor"] == expected


def test_bad_search_position(compiled):
    problem = only(problems_for(compiled, full_raw(wg_2_1_positions=[3, 0])), "wg_2_1_positions")
    assert "starts at 1" in problem.reason


def test_no_search_observation(compiled):
    problem = only(problems_for(compiled, full_raw(wg_2_1_positions=[])), "wg_2_1_positions")
    assert "at least 1" in problem.reason


def test_reported_share_above_one(compiled):
    problem = only(problems_for(compiled, full_raw(app1_r2_1_1="1.5")), "app1_r2_1_1")
    assert "above the maximum 1" in problem.reason


def test_unknown_field(compiled):
    problem = only(problems_for(compiled, full_raw(app2_g13=5)), "app2_g13")
    assert "unknown field" in problem.reason and "it-2012" in problem.reason


def test_every_problem_is_reported_at_once(compiled):
    problems = problems_for(compiled, full_raw(app2_g1="abc", app2_g5=None, app2_g13=1, wg_4_1_subject=-1))
    assert {p.field for p in problems} >= {"app2_g1", "app2_g5", "app2_g13", "wg_4_1_subject"}
    assert all(p.body == "akimat-1" for p in problems)


def test_location_is_reported(compiled):
    problem = only(problems_for(compiled, full_raw(app2_g1="abc"),
                                locations={"app2_g1": "f.json: bodies[0].inputs.app2_g1"}), "app2_g1")
    assert problem.location == "f.json: bodies[0].inputs.app2_g1"


# --- warnings do not block --------------------------------------------------------------

def test_more_licences_formed_than_issued_is_a_warning_and_the_share_is_clamped(compiled, scorer):
    """A12: L_formed > L_issued can happen (re-issues); the share is clamped to 1
    and noted, the body is still scored."""
    validated = validate(compiled, Submission("b", None, full_raw(wg_3_3_1_formed=50, app1_r2_3_1=40)))
    assert len(validated.warnings) == 1
    warning = validated.warnings[0]
    assert warning.severity == "warning"
    assert "wg_3_3_1_formed" in warning.field and "app1_r2_3_1" in warning.field
    assert "clamped" in warning.reason
    result = scorer.score("b", validated.values, explain=True)
    assert result.scores["3.3.1"] == 4                      # 4 × min(50/40, 1)
    notes = explanation_node(result.explanation, "3.3.1")["notes"]
    clamped = [n for n in notes if n["code"] == "share_clamped"]
    assert clamped and "1.25" in clamped[0]["text"]
    # the share itself is clamped (A12), not the node's result capped afterwards
    assert "cap_applied" not in [n["code"] for n in notes]


def test_procurement_above_total_is_a_warning(compiled, scorer):
    validated = validate(compiled, Submission("b", None, full_raw(app1_r2_3_2_eproc=120, app1_r2_3_2_total=100)))
    assert [w.severity for w in validated.warnings] == ["warning"]
    assert scorer.score("b", validated.values).scores["3.3.2"] == 4


def test_reported_share_differing_from_app2_is_a_warning(compiled):
    """A6: the share the body reports in App 1 row 2.1.1 is checked against App 2."""
    validated = validate(compiled, Submission("b", None, full_raw(app2_g1=200, app2_g2=500, app1_r2_1_1="0.5")))
    assert any("app1_r2_1_1" in w.field for w in validated.warnings)
    agreed = validate(compiled, Submission("b", None, full_raw(app2_g1=200, app2_g2=500, app1_r2_1_1="0.4")))
    assert agreed.warnings == []


# --- files ----------------------------------------------------------------------------

def test_corrupt_xlsx(tmp_path):
    path = tmp_path / "x.xlsx"
    path.write_bytes(os.urandom(2048))
    with pytest.raises(InputError) as caught:
        read_file(path)
    problem = caught.value.problems[0]
    assert problem.location == str(path)
    assert "not a readable XLSX workbook" in problem.reason
    assert "Traceback" not in str(caught.value)


def test_xlsx_that_is_not_a_template(tmp_path):
    path = tmp_path / "plain.xlsx"
    openpyxl.Workbook().save(path)
    with pytest.raises(InputError) as caught:
        read_file(path)
    assert caught.value.problems[0].field == "body_id"
    assert "not a Bagalau template" in caught.value.problems[0].reason


def test_missing_file(tmp_path):
    with pytest.raises(InputError) as caught:
        read_file(tmp_path / "nope.json")
    assert "file not found" in caught.value.problems[0].reason


def test_unsupported_file_type(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("a,b\n")
    with pytest.raises(InputError) as caught:
        read_file(path)
    assert "unsupported file type" in caught.value.problems[0].reason


def _write_xlsx(path, body_id, raw, period=2012):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Inputs"
    sheet["A1"], sheet["B1"] = "body", body_id
    sheet["A2"], sheet["B2"] = "name", "Akimat of a district"
    sheet["A3"], sheet["B3"] = "period", period
    for name, cell in (("body_id", "$B$1"), ("body_name", "$B$2"), ("period", "$B$3")):
        workbook.defined_names[name] = DefinedName(name, attr_text=f"'Inputs'!{cell}")
    for row, (key, value) in enumerate(raw.items(), start=5):
        sheet.cell(row=row, column=1, value=key)
        sheet.cell(row=row, column=2, value=", ".join(str(v) for v in value) if isinstance(value, list) else value)
        workbook.defined_names[f"in_{key}"] = DefinedName(f"in_{key}", attr_text=f"'Inputs'!$B${row}")
    workbook.save(path)


def test_xlsx_template_round_trip(tmp_path, compiled, scorer):
    path = tmp_path / "body.xlsx"
    _write_xlsx(path, "akimat-7", full_raw(app2_g1=200, app2_g2=500, wg_2_1_positions=[15, 41]))
    [submission] = read_file(path)
    assert submission.body_id == "akimat-7"
    assert submission.name == "Akimat of a district"
    assert submission.period == 2012
    assert "sheet 'Inputs'" in submission.locations["app2_g1"]
    values = validate(compiled, submission).values
    result = scorer.score(submission.body_id, values)
    assert result.scores["3.1.1"] == Decimal("1.2")            # E1
    assert result.scores["2.1"] == Decimal("1.5")              # (3 + 0) / 2


def test_xlsx_error_names_the_cell(tmp_path, compiled):
    path = tmp_path / "body.xlsx"
    _write_xlsx(path, "akimat-7", full_raw(app2_g1="abc"))
    [submission] = read_file(path)
    problem = only(problems_for(compiled, submission.raw, body=submission.body_id,
                                locations=submission.locations), "app2_g1")
    assert problem.body == "akimat-7"
    assert "sheet 'Inputs', cell B" in problem.location


def test_json_file_with_several_bodies(tmp_path, compiled, scorer):
    path = tmp_path / "bodies.json"
    path.write_text(json.dumps({
        "methodology": "it-2012", "period": 2012,
        "bodies": [
            {"id": "akimat-1", "name": "Akimat 1", "inputs": full_raw(app2_g1=200, app2_g2=500)},
            {"id": "akimat-2", "name": "Akimat 2", "inputs": full_raw(is_licensor=False, app1_r2_3_2_eproc=60,
                                                                      app1_r2_3_2_total=100)},
            {"id": "akimat-3", "inputs": full_raw(app2_g3=-1)},
        ]}, ensure_ascii=False), encoding="utf-8")
    submissions = read_file(path)
    assert [s.body_id for s in submissions] == ["akimat-1", "akimat-2", "akimat-3"]
    assert all(s.period == 2012 for s in submissions)
    assert submissions[0].name == "Akimat 1" and submissions[2].name is None
    first = scorer.score("akimat-1", validate(compiled, submissions[0]).values)
    assert first.scores["3.1.1"] == Decimal("1.2")                                   # E1
    second = scorer.score("akimat-2", validate(compiled, submissions[1]).values)
    assert second.scores["3.3"] == Decimal("4.8")                                    # V1
    with pytest.raises(InputError) as caught:
        validate(compiled, submissions[2])
    problem = caught.value.problems[0]
    assert (problem.body, problem.field) == ("akimat-3", "app2_g3")
    assert problem.location == f"{path}: bodies[2].inputs.app2_g3"


def test_json_decimals_stay_exact(tmp_path, compiled):
    path = tmp_path / "one.json"
    path.write_text('{"body": "b", "inputs": {"app1_r2_1_1": 0.1}}', encoding="utf-8")
    [submission] = read_file(path)
    assert submission.raw["app1_r2_1_1"] == Decimal("0.1")


def test_yaml_file_single_body(tmp_path, compiled, scorer):
    path = tmp_path / "body.yaml"
    path.write_text(yaml.safe_dump({"period": 2012, "body": "akimat-9", "name": "Akimat 9",
                                    "inputs": full_raw(wg_4_2_period=5, wg_4_2_after=15)},
                                   allow_unicode=True), encoding="utf-8")
    [submission] = read_file(path)
    assert (submission.body_id, submission.name, submission.period) == ("akimat-9", "Akimat 9", 2012)
    result = scorer.score("akimat-9", validate(compiled, submission).values)
    assert result.scores["4.2"] == Decimal("3.75")                                   # E8


def test_yaml_numbers_are_not_floats(tmp_path):
    path = tmp_path / "body.yaml"
    path.write_text("body: b\ninputs:\n  app1_r2_1_1: 0.1\n  app2_g1: 200\n", encoding="utf-8")
    [submission] = read_file(path)
    assert Decimal(submission.raw["app1_r2_1_1"]) == Decimal("0.1")


@pytest.mark.parametrize("text,fragment", [
    ("[1, 2]", "must hold an object"),
    ('{"bodies": {"id": "x"}}', "'bodies' must be a list"),
    ('{"bodies": [{"inputs": {}}]}', "each body needs an 'id'"),
    ('{"bodies": [{"id": "x"}]}', "missing or not an object"),
    ('{"body": "x", "inputs": {}, "colour": 1}', "unknown top-level key"),
    ('{"period": "soon", "body": "x", "inputs": {}}', "period must be a year"),
    ('{"bodies": [', "not valid JSON"),
    ('{}', "missing"),
], ids=["list", "bodies-not-list", "no-id", "no-inputs", "unknown-key", "bad-period", "bad-json", "empty"])
def test_malformed_json_document(tmp_path, text, fragment):
    path = tmp_path / "bad.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read_file(path)
    assert any(fragment in p.reason for p in caught.value.problems), [str(p) for p in caught.value.problems]


def test_malformed_yaml_document(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("body: x\ninputs: {app2_g1: [\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read_file(path)
    assert "not valid YAML" in caught.value.problems[0].reason


@pytest.mark.parametrize("suffix", [".json", ".yaml"])
def test_corrupt_json_or_yaml_bytes(tmp_path, suffix):
    """Regression (fixed in 1a61400): a non-UTF-8 file raised UnicodeDecodeError."""
    path = tmp_path / f"x{suffix}"
    path.write_bytes(b"\xff\xfe\x00garbage\x81\x82")
    with pytest.raises(InputError) as caught:
        read_file(path)
    assert caught.value.problems[0].location == str(path)
    assert "UTF-8" in caught.value.problems[0].reason


def test_checklist_defects_must_be_whole_and_not_negative(compiled):
    key = app6_defects("ru", "1.3")
    problem = only(problems_for(compiled, full_raw(**{key: -1})), key)
    assert "cannot be negative" in problem.reason
