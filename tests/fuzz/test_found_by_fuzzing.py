"""What the fuzz tests found, one regression test each: every one of these ended in an internal
error (status 3, a traceback) or printed a Python repr."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import zipfile

import pytest

from fuzz import strategies
from fuzz.harness import bagalau, write

BODY = json.dumps(strategies.BASE)


def squeezed(text: str) -> str:
    """Without white space: the error console wraps long lines (a long path) wherever it must."""
    return "".join(text.split())


@pytest.mark.parametrize("text, expected", [
    # YAML keys of mixed types: sorting them for the unknown-key report raised TypeError
    ("{1: x, b: y, methodology: it-2012, bodies: []}", "field '1' (FILE): unknown top-level key"),
    ("{null: x, true: y, 2012-12-31: z, body: a, inputs: {}}", "field 'null' (FILE): unknown top-level key"),
    (f"{{bodies: [{{id: a, 7: x, zz: y, inputs: {BODY}}}]}}", "field '7' (FILE: bodies[0].7): unknown key"),
    # a date that does not exist: PyYAML raised ValueError while building the data
    ("{period: 2012-02-30, body: a, inputs: {}}", "not valid YAML: day is out of range for month"),
    # a tag whose value its constructor cannot take: PyYAML raised KeyError
    ("{body: a, inputs: {app1_r1_d1: !!bool 'maybe'}}", "not valid YAML: a value cannot be read ('maybe')"),
    # the parser's own message, without its internals ("<unicode string>")
    ("{bodies: [{id: a} {id: b}]}", "not valid YAML: expected ',' or ']', but got '{' (line 1, column 19)"),
], ids=["top-level-int-key", "top-level-null-key", "body-int-key", "impossible-date", "bool-maybe", "syntax"])
def test_yaml_that_crashed_is_a_clear_error(tmp_path, text, expected):
    path = write(tmp_path, "body.yaml", text)
    result = bagalau("score", "it-2012", path, allowed=(2,))
    assert squeezed(expected.replace("FILE", str(path))) in squeezed(result.output)


@pytest.mark.parametrize("field, value, shown", [
    ("id", ["a"], "field 'id' (FILE: bodies[0].id): must be text, got a list of 1 value(s)"),
    ("id", {"": None}, "field 'id' (FILE: bodies[0].id): must be text, got an object with 1 key(s)"),
    ("name", {"ru": "Акимат"}, "field 'name' (FILE: bodies[0].name): must be text, got an object with 1 key(s)"),
    ("profile", ["central"], "field 'profile' (FILE: bodies[0].profile): must be text, got a list of 1 value(s)"),
])
def test_an_id_name_or_profile_that_is_not_text_is_named_not_shown_as_a_repr(tmp_path, field, value, shown):
    body = {"id": "astana", "inputs": strategies.BASE, field: value}
    path = write(tmp_path, "body.json", json.dumps({"bodies": [body]}))
    result = bagalau("score", "it-2012", path, allowed=(2,))
    assert squeezed(shown.replace("FILE", str(path))) in squeezed(result.output)


def test_an_edition_that_is_not_text_is_named(tmp_path):
    path = write(tmp_path, "body.json", json.dumps({"methodology": [3080], "body": "a", "inputs": strategies.BASE}))
    result = bagalau("score", "it-2012", path, allowed=(2,))
    assert squeezed("field 'methodology'") in squeezed(result.output)
    assert squeezed("must be text, got a list of 1 value(s)") in squeezed(result.output)


def test_a_workbook_name_pointing_at_a_missing_sheet_is_a_clear_error(tmp_path):
    members, cells = strategies.template_parts()
    member, _ = cells["in_app2_g1"]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in members.items():
            if name != member:      # the sheet is gone, its defined names stay
                archive.writestr(name, content)
    path = write(tmp_path, "body.xlsx", buffer.getvalue())
    result = bagalau("score", "it-2012", path, allowed=(2,))
    assert squeezed("points at no single cell of its sheets") in squeezed(result.output)


def test_a_body_id_that_is_a_list_as_a_real_process(tmp_path):
    path = write(tmp_path, "body.json", json.dumps({"bodies": [{"id": ["a", "b"], "inputs": strategies.BASE}]}))
    result = subprocess.run([sys.executable, "-m", "bagalau.cli", "score", "it-2012", str(path)], capture_output=True,
                            text=True, timeout=120, env={"COLUMNS": "200", "PATH": "/usr/bin:/bin"})
    assert result.returncode == 2, result.stderr
    assert "must be text, got a list of 2 value(s)" in result.stderr
    assert "['a'" not in result.stderr + result.stdout and "Traceback" not in result.stderr


def test_a_period_no_calendar_has_is_a_warning_not_a_crash(tmp_path):
    # the validity check built date(0, 12, 31): ValueError, an internal error
    path = write(tmp_path, "body.json", json.dumps({"period": 0, "bodies": [{"id": "a", "inputs": strategies.BASE}]}))
    result = bagalau("score", "it-2012", path, allowed=(0,))
    assert squeezed("warning: period 0 is not a year any edition can be in force in") in squeezed(result.output)
