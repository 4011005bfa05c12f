"""Limits on what is read (issue 8, items 3–5): hostile or careless input ends as a
problem naming the file, body, field and reason (exit 2), never as an internal
error, a hang or a process that eats the machine's memory."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import zipfile
from decimal import Decimal

import openpyxl
import pytest

from bagalau.engine import limits
from bagalau.engine.inputs import InputError, Submission, read_file, validate

from conftest import full_raw

CLI = [sys.executable, "-m", "bagalau.cli"]


def problems_of(path):
    with pytest.raises(InputError) as caught:
        read_file(path)
    return caught.value.problems


def field_problem(compiled, path, field):
    [submission] = read_file(path)
    with pytest.raises(InputError) as caught:
        validate(compiled, submission)
    found = [p for p in caught.value.problems if p.field == field]
    assert found, [str(p) for p in caught.value.problems]
    return found[0]


def body_file(tmp_path, literal: str, suffix=".json"):
    """A one-body file whose app2_g1 is written as ``literal`` (JSON or YAML text)."""
    raw = full_raw()
    raw.pop("app2_g1")
    path = tmp_path / f"body{suffix}"
    if suffix == ".json":
        text = json.dumps({"methodology": "it-2012", "body": "akimat-1", "inputs": raw}, default=str)
        path.write_text(text.replace('"inputs": {', '"inputs": {"app2_g1": %s, ' % literal, 1), encoding="utf-8")
    else:
        lines = ["methodology: it-2012", "body: akimat-1", "inputs:", f"  app2_g1: {literal}"]
        lines += [f"  {key}: {json.dumps(value, default=str)}" for key, value in raw.items()]
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


# --- numbers (items 3 and 4) ---------------------------------------------------------

@pytest.mark.parametrize("literal, fragment", [
    ("9" * 5000, "beyond the sanity bound |x| ≤ 10^15"),
    ("1e999999999", "1E+999999999 is beyond the sanity bound |x| ≤ 10^15"),
    ("1e400", "1E+400 is beyond the sanity bound"),
    ("1000000000000001", "beyond the sanity bound"),
    ("-1e16", "beyond the sanity bound"),
    ("1e-25", "more than 20 decimal places"),
], ids=["5000-digits", "1e999999999", "1e400", "10^15+1", "-1e16", "1e-25"])
@pytest.mark.parametrize("suffix", [".json", ".yaml"])
def test_numbers_beyond_the_sanity_bound_name_the_body_field_and_bound(tmp_path, compiled, literal, fragment,
                                                                       suffix):
    problem = field_problem(compiled, body_file(tmp_path, literal, suffix), "app2_g1")
    assert problem.body == "akimat-1" and "app2_g1" in problem.location and str(tmp_path) in problem.location
    assert fragment in problem.reason
    assert "Decimal(" not in problem.reason and len(problem.reason) < 200


def test_the_bound_itself_is_accepted(tmp_path, compiled):
    # 10^15 is within the bound; it is above app2_g2 here, so the act's own check names it
    problem = field_problem(compiled, body_file(tmp_path, "1000000000000000"), "app2_g1, app2_g2")
    assert "sanity bound" not in problem.reason


def test_a_number_as_text_is_bounded_too(tmp_path, compiled):
    problem = field_problem(compiled, body_file(tmp_path, json.dumps("1" * 70)), "app2_g1")
    assert "sanity bound" in problem.reason and "70 characters" in problem.reason


def test_a_5000_digit_period_is_a_problem_not_a_crash(tmp_path):
    path = tmp_path / "p.json"
    path.write_text('{"period": %s, "bodies": []}' % ("9" * 5000), encoding="utf-8")
    [problem] = problems_of(path)
    assert problem.field == "period" and "must be a year" in problem.reason and "Decimal(" not in problem.reason


def test_xlsx_number_beyond_the_bound(tmp_path, compiled):
    from test_inputs_2012 import _write_xlsx
    path = tmp_path / "b.xlsx"
    _write_xlsx(path, "akimat-7", full_raw(app2_g1=1e300))
    problem = field_problem(compiled, path, "app2_g1")
    assert "sanity bound" in problem.reason and "sheet 'Inputs', cell B" in problem.location


def test_check_number_unit():
    limits.check_number(Decimal("1E+15"))
    limits.check_number(Decimal("0.00000000000000000001"))
    limits.check_number(Decimal("0.10000000000000000000000000000"))   # trailing zeros are no decimals
    with pytest.raises(limits.LimitError):
        limits.check_number(Decimal("1E+15") + 1)
    with pytest.raises(limits.LimitError):
        limits.check_number(Decimal("1E-21"))


# --- nesting (item 3) ---------------------------------------------------------------

@pytest.mark.parametrize("suffix, text", [
    (".json", '{"bodies": ' + "[" * 100_000 + "]" * 100_000 + "}"),
    (".yaml", "bodies: " + "[" * 100_000 + "]" * 100_000 + "\n"),
    (".yaml", "bodies:\n" + "".join("  " * i + "- \n" for i in range(1, 40)) + "  " * 40 + "- 1\n"),
    (".json", '{"bodies": [{"id": "a", "inputs": {"x": ' + "{\"k\": " * 40 + "1" + "}" * 40 + "}}]}"),
], ids=["json-lists", "yaml-flow", "yaml-block", "json-objects"])
def test_deep_nesting_is_refused_before_parsing(tmp_path, suffix, text):
    path = tmp_path / f"deep{suffix}"
    path.write_text(text, encoding="utf-8")
    [problem] = problems_of(path)
    assert problem.location == str(path)
    assert "nested more than 32 lists or objects deep" in problem.reason


def test_brackets_inside_strings_are_not_nesting(tmp_path):
    path = tmp_path / "s.json"
    path.write_text(json.dumps({"bodies": [{"id": "[" * 100, "inputs": {"note": "{" * 100}}]}), encoding="utf-8")
    [submission] = read_file(path)
    assert submission.body_id == "[" * 100


def test_yaml_alias_bomb_inside_an_input_is_refused(tmp_path):
    lines = ["methodology: it-2012", "body: a", "inputs:", '  app2_g1: [&a0 ["x","x","x","x","x","x","x","x","x","x"],']
    lines += [f"    &a{i} [" + ",".join([f"*a{i - 1}"] * 10) + "]," for i in range(1, 9)]
    lines += ["    *a8]"]
    path = tmp_path / "bomb.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    [problem] = problems_of(path)
    assert "aliases" in problem.reason


def test_yaml_alias_that_holds_itself_is_refused(tmp_path):
    path = tmp_path / "loop.yaml"
    path.write_text("body: a\ninputs:\n  app2_g1: &x [1, *x]\n", encoding="utf-8")
    [problem] = problems_of(path)
    assert "refers to the list or object that holds it" in problem.reason


# --- files (item 5) -----------------------------------------------------------------

@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="needs /dev/zero")
def test_symlink_to_a_device_is_refused_without_reading_it(tmp_path):
    path = tmp_path / "zero.json"
    path.symlink_to("/dev/zero")
    [problem] = problems_of(path)
    assert "not a regular file (a device)" in problem.reason and problem.location == str(path)


def test_a_directory_and_a_pipe_are_refused(tmp_path):
    folder = tmp_path / "dir.json"
    folder.mkdir()
    assert "not a regular file (a directory)" in problems_of(folder)[0].reason
    pipe = tmp_path / "pipe.yaml"
    os.mkfifo(pipe)
    assert "not a regular file (a pipe)" in problems_of(pipe)[0].reason


@pytest.mark.parametrize("suffix", [".json", ".yaml", ".xlsx"])
def test_size_limit_is_configurable_and_named(tmp_path, monkeypatch, suffix):
    path = tmp_path / f"big{suffix}"
    path.write_bytes(b" " * 200_000)
    monkeypatch.setenv("BAGALAU_MAX_INPUT_MB", "0.1")
    [problem] = problems_of(path)
    assert "too big" in problem.reason and "BAGALAU_MAX_INPUT_MB" in problem.reason and "0.1 MB" in problem.reason
    monkeypatch.setenv("BAGALAU_MAX_INPUT_MB", "1")
    assert "too big" not in problems_of(path)[0].reason


def test_default_limit_is_20_mb(monkeypatch):
    monkeypatch.delenv("BAGALAU_MAX_INPUT_MB", raising=False)
    assert limits.max_input_bytes() == 20 * 1024 * 1024
    monkeypatch.setenv("BAGALAU_MAX_INPUT_MB", "lots")
    with pytest.raises(limits.LimitError, match="BAGALAU_MAX_INPUT_MB must be a positive number"):
        limits.max_input_bytes()


# --- XLSX bombs (item 3) --------------------------------------------------------------

def _template_members(tmp_path) -> dict[str, bytes]:
    from test_inputs_2012 import _write_xlsx
    path = tmp_path / "t.xlsx"
    _write_xlsx(path, "akimat-7", {"app2_g1": 5})
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _zip(path, members: dict[str, bytes]):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)


def test_xlsx_entity_expansion_bomb_is_refused(tmp_path):
    members = _template_members(tmp_path)
    entities = '<!ENTITY lol0 "lollollollollollollollollol">' + "".join(
        f'<!ENTITY lol{i} "{("&lol%d;" % (i - 1)) * 10}">' for i in range(1, 10))
    sheet = members["xl/worksheets/sheet1.xml"].decode()
    sheet = sheet.replace("<worksheet", f'<!DOCTYPE worksheet [{entities}]><worksheet', 1)
    sheet = sheet.replace("<v>5</v>", "<v>&lol9;</v>", 1)
    members["xl/worksheets/sheet1.xml"] = sheet.encode()
    path = tmp_path / "bomb.xlsx"
    _zip(path, members)
    [problem] = problems_of(path)
    assert problem.location == str(path)
    assert "XML entities" in problem.reason


def test_xlsx_compression_bomb_is_refused(tmp_path):
    members = _template_members(tmp_path)
    members["xl/media/padding.bin"] = b"\0" * (60 * 1024 * 1024)
    path = tmp_path / "zipbomb.xlsx"
    _zip(path, members)
    assert path.stat().st_size < 1024 * 1024
    [problem] = problems_of(path)
    assert "more than 100 times its size" in problem.reason


def test_xlsx_unpacking_beyond_ten_times_the_limit_is_refused(tmp_path, monkeypatch):
    members = _template_members(tmp_path)
    members["xl/media/padding.bin"] = b"\0" * (3 * 1024 * 1024)   # below the size the ratio is looked at from
    path = tmp_path / "big.xlsx"
    _zip(path, members)
    monkeypatch.setenv("BAGALAU_MAX_INPUT_MB", "0.5")     # 3 MB unpacked ≤ 5 MB: read
    assert read_file(path)[0].body_id == "akimat-7"
    monkeypatch.setenv("BAGALAU_MAX_INPUT_MB", "0.2")     # 3 MB > 2 MB: refused
    reason = problems_of(path)[0].reason
    assert "unpacks to 3.0 MB, more than 2.0 MB" in reason and "BAGALAU_MAX_INPUT_MB" in reason


# --- the command line: exit 2, not 3 --------------------------------------------------

def test_command_line_exits_2_naming_file_body_field_and_reason(tmp_path):
    cases = []  # two files with the same body id: each is read and reported
    for name, literal in (("a", "9" * 5000), ("b", "1e999999999")):
        (tmp_path / name).mkdir()
        cases.append(body_file(tmp_path / name, literal))
    deep = tmp_path / "deep.yaml"
    deep.write_text("bodies: " + "[" * 50_000 + "]" * 50_000 + "\n", encoding="utf-8")
    result = subprocess.run([*CLI, "score", "it-2012", *map(str, cases), str(deep)], capture_output=True,
                            text=True, timeout=120, env={"COLUMNS": "250", "PATH": "/usr/bin:/bin"})
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr
    text = " ".join(result.stderr.split())
    assert "body 'akimat-1', field 'app2_g1'" in text and "beyond the sanity bound" in text
    assert f"({deep}): nested more than 32" in text


def test_a_deeply_nested_definition_is_a_problem_of_check(tmp_path):
    from bagalau.engine.validation import check_file
    path = tmp_path / "deep.yaml"
    path.write_text("id: x\nnodes: " + "[" * 5000 + "]" * 5000 + "\n", encoding="utf-8")
    compiled, problems = check_file(path)
    assert compiled is None and "nested more than 32" in str(problems[0])


def test_campaign_values_of_a_huge_exponent_stay_short():
    from bagalau.campaigns.state import jsonable
    assert jsonable(Decimal("1e999999999")) == "1E+999999999"
    assert jsonable(Decimal("2.50")) == "2.50"
