"""A filled workbook with more rows than the template's empty ones (the web form accepts up
to ``max_rows``): the rows go on below, the table's name covers them, they read back."""

from __future__ import annotations

import random

from openpyxl import load_workbook
from support.tables import other_inputs, random_system

from bagalau.engine import catalog, forms
from bagalau.engine.inputs import Submission, read_file, validate


def test_more_rows_than_the_template_has_are_written_and_read_back(tmp_path):
    compiled = catalog.load("it-2012")
    room = compiled.tables["app1_is"].table.template_rows
    rows = [random_system(random.Random(seed), seed) for seed in range(room + 7)]
    values = {**other_inputs(), "app1_is": rows}
    path = tmp_path / "filled.xlsx"
    forms.write_filled(compiled, path, "xlsx", body_id="akimat", name="Акимат", period=2012, values=values)
    book = load_workbook(path)
    sheet_name, reference = next(iter(book.defined_names["table_app1_is"].destinations))
    assert reference.endswith(f"${6 + room + 7 - 1}")
    assert book[sheet_name].cell(row=6 + room + 6, column=1).value == room + 7      # the row's number
    [submission] = read_file(path)
    read_back = validate(compiled, submission)
    assert read_back.values == validate(compiled, Submission("akimat", None, values)).values
    assert len(read_back.tables["app1_is"].rows) == room + 7
