"""Hostile JSON, YAML and XLSX score files through `bagalau score`: every one is scored or
refused with a clear message (status 0 or 2), never an internal error, a traceback or a
Python repr. About 2,000 examples per reader under CI=true (harness.bounded)."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import given

from fuzz import strategies
from fuzz.harness import bagalau, bounded, write

FOLDER = Path(tempfile.mkdtemp(prefix="bagalau-fuzz-"))


@bounded(in_ci=2000, local=150)
@given(strategies.json_files())
def test_json_score_files(case):
    text, data = case
    bagalau("score", "it-2012", write(FOLDER, "body.json", data), allowed=(0, 2), echoes=text)


@bounded(in_ci=1500, local=150)
@given(strategies.yaml_files())
def test_yaml_score_files(case):
    text, data = case
    bagalau("score", "it-2012", write(FOLDER, "body.yaml", data), allowed=(0, 2), echoes=text)


@bounded(in_ci=700, local=60)
@given(strategies.xlsx_files())
def test_xlsx_workbooks(case):
    """The 2012 template (seven sheets, 236 named cells: 0.1 s a read), with hostile cells or damage."""
    what, data = case
    bagalau("score", "it-2012", write(FOLDER, "body.xlsx", data), allowed=(0, 2), echoes=what)


@bounded(in_ci=1500, local=100)
@given(strategies.xlsx_files(strategies.MINI))
def test_small_xlsx_workbooks(case):
    """A small synthetic edition's template: the same reader, many more workbooks in the same time."""
    what, data = case
    bagalau("score", strategies.MINI, write(FOLDER, "small.xlsx", data), allowed=(0, 2), echoes=what)


@bounded(in_ci=500, local=50)
@given(strategies.st.binary(max_size=2000), strategies.st.sampled_from(["json", "yaml", "xlsx"]))
def test_arbitrary_bytes(data, suffix):
    bagalau("score", "it-2012", write(FOLDER, f"bytes.{suffix}", data), allowed=(2,),
            echoes=data.decode("utf-8", "replace"))
