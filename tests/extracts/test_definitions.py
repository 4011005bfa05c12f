"""The aggregation files beside the editions load and check clean; a broken one says where."""

from __future__ import annotations

import pytest

from bagalau.extracts import definitions


@pytest.mark.parametrize("edition", sorted(definitions.aggregation_paths()))
def test_shipped_aggregation_files_check_clean(edition):
    file = definitions.load(edition)
    assert file.edition == edition and file.measures()


def test_a_broken_file_names_each_problem(tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text("""
edition: it-2012
kinds:
  licences:
    paragraph: "§56"
    inputs:
      no_such_input: {paragraph: "x", count: "TRUE"}
      app1_r2_3_1: {paragraph: "x", count: "formed_in_is AND ("}
      wg_3_3_1_formed: {paragraph: "x", count: "issued_on > {cutoff}"}
  meteorites:
    paragraph: "x"
    inputs: {}
""", encoding="utf-8")
    with pytest.raises(definitions.DefinitionProblem) as caught:
        definitions.load(str(path))
    text = str(caught.value)
    assert "kinds.licences.inputs.no_such_input: it-2012 has no such input" in text
    assert "kinds.licences.inputs.app1_r2_3_1.count: SQL does not parse" in text
    assert "kinds.licences.inputs.wg_3_3_1_formed.count: undeclared parameter(s) cutoff" in text
    assert "kinds.meteorites: unknown extract kind" in text
