"""Importing extract files: every problem with its row and reason, and a bad file
imports nothing."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from bagalau.extracts.imports import ExtractError, import_file
from bagalau.extracts.schemas import KINDS
from bagalau.extracts.workspace import Workspace
from support.extracts import write_csv

CONTRACTS = ["contract_id", "body_code", "signed_on", "amount", "electronic"]


def _problems(exc: ExtractError) -> list[tuple]:
    return [(p.row, p.field, p.reason) for p in exc.problems]


def test_a_bad_csv_names_every_row_and_imports_nothing(tmp_path):
    workspace = Workspace(tmp_path / "ws")
    source = write_csv(tmp_path / "contracts.csv", CONTRACTS, [
        ["c1", "b1", "2012-03-01", "1000.50", "true"],
        ["c2", "b1", "2012-13-01", "10", "true"],        # no 13th month
        ["c3", "", "2012-03-02", "12.345", "yes"],       # empty body, 3 decimals, not a boolean word
        ["c4", "b2", "2012-03-03", "-5", "false"],       # negative amount
        ["c1", "b2", "2012-03-04", "7", "0"],            # c1 again
    ])
    with pytest.raises(ExtractError) as caught:
        import_file(workspace, KINDS["procurement_contracts"], source)
    problems = _problems(caught.value)
    assert (2, "signed_on", "expected a date YYYY-MM-DD, found '2012-13-01'") in problems
    assert (3, "amount", "expected a number with at most 2 decimals, found '12.345'") in problems
    assert (3, "electronic", "expected true or false, found 'yes'") in problems
    assert (3, "body_code", "is empty") in problems
    assert (4, "amount", "must be at least 0") in problems
    assert workspace.files("procurement_contracts") == []
    assert "nothing was imported" in str(caught.value)


def test_duplicate_keys_in_the_file_and_against_earlier_imports(tmp_path):
    workspace = Workspace(tmp_path / "ws")
    first = write_csv(tmp_path / "first.csv", CONTRACTS, [["c1", "b1", "2012-03-01", "1", "true"]])
    import_file(workspace, KINDS["procurement_contracts"], first)
    second = write_csv(tmp_path / "second.csv", CONTRACTS, [
        ["c2", "b1", "2012-03-01", "1", "true"], ["c2", "b1", "2012-03-02", "2", "true"],
        ["c1", "b1", "2012-03-03", "3", "false"]])
    with pytest.raises(ExtractError) as caught:
        import_file(workspace, KINDS["procurement_contracts"], second)
    problems = _problems(caught.value)
    assert (2, "contract_id", "'c2' is also in row 1") in problems
    assert any(row == 3 and reason.startswith("'c1' was already imported in ") for row, _, reason in problems)
    assert len(workspace.files("procurement_contracts")) == 1
    with pytest.raises(ExtractError, match="already imported"):
        import_file(workspace, KINDS["procurement_contracts"], first)


def test_columns_are_checked_before_any_row(tmp_path):
    source = write_csv(tmp_path / "licences.csv", ["licence_id", "body_code", "issued", "formed_in_is"],
                       [["l1", "b1", "2012-01-01", "true"]])
    with pytest.raises(ExtractError) as caught:
        import_file(Workspace(tmp_path / "ws"), KINDS["licences"], source)
    problems = _problems(caught.value)
    assert (None, "issued_on", "required column is missing") in problems
    assert any(field == "issued" and reason.startswith("unknown column") for _, field, reason in problems)


def test_cross_field_checks_and_choices(tmp_path):
    header = ["complaint_id", "body_code", "received_on", "due_on", "considered_on", "outcome"]
    source = write_csv(tmp_path / "complaints.csv", header, [
        ["k1", "b1", "2017-02-01", "2017-01-20", "2017-02-10", "satisfied"],
        ["k2", "b1", "2017-02-01", "2017-02-20", "2017-02-10", "lost"]])
    with pytest.raises(ExtractError) as caught:
        import_file(Workspace(tmp_path / "ws"), KINDS["complaints"], source)
    assert _problems(caught.value) == [(1, None, "due_on is before received_on"),
                                       (2, "outcome", "must be one of satisfied, explained, refused")]


def test_parquet_with_typed_columns_and_optional_columns_left_out(tmp_path):
    table = pa.table({"licence_id": ["l1", "l2"], "body_code": ["b1", "b1"],
                      "issued_on": pa.array([pa.scalar(0, pa.date32()).as_py()] * 2, pa.date32()),
                      "formed_in_is": [True, False]})
    pq.write_table(table, tmp_path / "licences.parquet")
    workspace = Workspace(tmp_path / "ws")
    kept = import_file(workspace, KINDS["licences"], tmp_path / "licences.parquet")
    assert kept.rows == 2 and workspace.describe("licences")[0].source == "licences.parquet"
    services = pa.table({"request_id": ["r1"], "body_code": ["b1"], "service_code": ["s"],
                         "standard_term_working_days": pa.array([5], pa.int32()),
                         "registered_on": pa.array([0], pa.int32()).cast(pa.date32()),
                         "due_on": pa.array([3], pa.int32()).cast(pa.date32()),
                         "rendered_on": pa.array([2], pa.int32()).cast(pa.date32())})
    pq.write_table(services, tmp_path / "services.parquet")
    import_file(workspace, KINDS["service_requests"], tmp_path / "services.parquet")
    stored = pq.read_table(workspace.files("service_requests")[0])
    assert stored.column("failure_excused").to_pylist() == [False]      # absent optional column: its default
    assert stored.schema.field("standard_term_working_days").type == pa.int64()
