"""The rating as XLSX (sheet per direction, bands, frozen headers), CSV and JSON (the
documented schema), and its SVG charts, read back."""

from __future__ import annotations

import csv
import io
import json
import re
from decimal import Decimal
from pathlib import Path
from xml.etree import ElementTree

import jsonschema_rs
import openpyxl

from bagalau import campaigns, store
from bagalau.documents import charts, ratings
from bagalau.documents.sources import rating_data
from support.cli import bagalau

DOCS = Path(__file__).resolve().parents[2] / "docs" / "open-data.md"


def _data(demo_store):
    with store.transaction(demo_store.factory) as s:
        return rating_data(s, campaigns.get_campaign(s, demo_store.result.campaign_id))


def test_rating_data_matches_the_final_rating(demo_store):
    data = _data(demo_store)
    assert data.final and data.run == 2
    with store.transaction(demo_store.factory) as s:
        rows, final = campaigns.rating(s, campaigns.get_campaign(s, demo_store.result.campaign_id))
    assert final and [(r.rank, r.body, r.total) for r in rows] == [(r.rank, r.code, r.total) for r in data.rows]
    assert data.top == ["1", "2", "3", "4", "5"]
    # 2012 takes no penalty points (§105 recalculates): the directions add up to the total within rounding
    for row in data.rows:
        assert row.penalty == "0.00"
        assert abs(sum(Decimal(row.scores[d]) for d in data.top) - Decimal(row.total)) <= Decimal("0.03")


def test_xlsx_has_a_sheet_per_direction_bands_and_frozen_headers(demo_store, tmp_path):
    data = _data(demo_store)
    for lang, head in (("kk", "Жалпы балл"), ("ru", "Итоговый балл")):
        path = tmp_path / f"rating-{lang}.xlsx"
        path.write_bytes(ratings.xlsx_bytes(data, lang))
        book = openpyxl.load_workbook(path)
        assert len(book.sheetnames) == 1 + len(data.top)
        summary = book.worksheets[0]
        header = [c.value for c in summary[3]]
        assert head in header
        total_col = header.index(head) + 1
        assert summary.freeze_panes == "D4"
        top = data.rows[0]
        assert summary.cell(4, 2).value == top.code
        assert Decimal(str(summary.cell(4, total_col).value)) == Decimal(top.total)
        ranges = [str(r.sqref) for r in summary.conditional_formatting]
        letter = openpyxl.utils.get_column_letter(total_col)
        assert f"{letter}4:{letter}{3 + len(data.rows)}" in ranges
        for number, node_id in enumerate(data.top, start=2):
            sheet = book.worksheets[number - 1]
            assert sheet.title.startswith(node_id + " ")
            assert sheet.freeze_panes == "D4"
            head_row = [c.value for c in sheet[3]]
            children = data.nodes[node_id].children
            assert all(any(str(h).startswith(f"{child}. ") for h in head_row) for child in children)
            by_code = {sheet.cell(r, 2).value: sheet.cell(r, len(head_row)).value for r in range(4, 4 + len(data.rows))}
            for row in data.rows:
                assert Decimal(str(by_code[row.code])) == Decimal(row.scores[node_id])


def test_csv_has_every_body_and_node(demo_store):
    data = _data(demo_store)
    rows = list(csv.DictReader(io.StringIO(ratings.csv_bytes(data).decode())))
    assert [r["code"] for r in rows] == [r.code for r in data.rows]
    for line, row in zip(rows, data.rows):
        assert line["total"] == row.total and line["name_ru"] == row.names["ru"]
        assert all(line[node_id] == row.scores[node_id] for node_id in data.nodes)


def test_json_follows_the_documented_schema(demo_store):
    schema = json.loads(re.search(r"```json\n(.*?)\n```", DOCS.read_text(), re.S).group(1))
    document = json.loads(ratings.json_bytes(_data(demo_store)))
    validator = jsonschema_rs.validator_for(schema)
    assert validator.is_valid(document), [e.message for e in validator.iter_errors(document)][:3]
    broken = dict(document, rows=[dict(document["rows"][0], total=65.01)])    # a float, not a decimal string
    assert not validator.is_valid(broken)
    assert not validator.is_valid({k: v for k, v in document.items() if k != "run_hash"})


def test_charts_are_svg_with_every_body(demo_store):
    data = _data(demo_store)
    for lang in ("kk", "ru"):
        for chart in (charts.totals_chart(data, lang), charts.breakdown_chart(data, lang)):
            root = ElementTree.fromstring(chart)
            texts = " ".join(t.text or "" for t in root.iter("{http://www.w3.org/2000/svg}text"))
            assert all(row.names[lang][:30] in texts for row in data.rows)
        assert "Жалпы балл" in charts.totals_chart(data, "kk")
    bars = ElementTree.fromstring(charts.totals_chart(data, "ru")).findall("{http://www.w3.org/2000/svg}rect")
    widths = [float(b.get("width")) for b in bars]
    assert widths == sorted(widths, reverse=True)     # rating order, longest first


def test_cli_writes_the_rating_files(demo_store, tmp_path):
    name = demo_store.result.name
    for fmt in ("xlsx", "csv", "json", "svg"):
        target = tmp_path / f"rating.{fmt}"
        result = bagalau(demo_store.url, "documents", name, "--form", "rating", "--format", fmt, "--lang", "kk",
                         "-o", str(target))
        assert target.exists() and "wrote" in result.output
    assert (tmp_path / "rating-breakdown.svg").exists()
    bad = bagalau(demo_store.url, "documents", name, "--form", "rating", "--format", "docx", ok=False)
    assert bad.exit_code == 2 and "--format for the rating must be one of" in bad.output
    assert not list(Path.cwd().glob("*rating*.docx"))
    missing = bagalau(demo_store.url, "documents", "no-such-campaign", ok=False)
    assert missing.exit_code == 2 and "unknown campaign" in missing.output


def test_rating_report_pdf_has_the_table_and_charts_and_verifies(demo_store, tmp_path):
    from pypdf import PdfReader

    from bagalau.documents import report
    from bagalau.documents.verify import verify
    data = _data(demo_store)
    for lang, head in (("kk", "Жалпы балл"), ("ru", "Итоговый балл")):
        path = tmp_path / f"rating-{lang}.pdf"
        path.write_bytes(report.pdf(data, lang))
        reader = PdfReader(path)
        text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
        assert head in text and f"hash={data.run_hash}" in text and "form=rating" in text
        for row in data.rows:
            assert row.names[lang][:25] in text and row.total in text
        assert len(reader.pages) >= 2                       # the charts follow the table
        with store.transaction(demo_store.factory) as s:
            assert verify(s, path).status == "final"
    forged = tmp_path / "forged.pdf"
    data.rows[0].total = "99.99"
    forged.write_bytes(report.pdf(data, "ru"))
    with store.transaction(demo_store.factory) as s:
        assert verify(s, forged).status == "altered"
