"""Every form of 2015, 2017, 2023 and 2025 for a central and a local demo body, in both
languages, as PDF and DOCX, read back: the body's name, every value the form prints, the
penalties and the total; Kazakh letters in the PDF text."""

from __future__ import annotations

import io

import docx
import pytest
from pypdf import PdfReader

from bagalau import campaigns, store
from bagalau.documents import forms, make
from bagalau.documents.sources import body_data

FORMS = {
    "ict-2015": ["act", "conclusion", "disagreement"],
    "citizens-2017": ["block", "complaints", "e-services", "openness", "reconciliation", "services"],
    "orgdev-2023": ["conclusion", "it"],
    "openness-2025": ["conclusion"],
}
CASES = [(edition, name) for edition, names in FORMS.items() for name in names]


def _text(content: bytes, fmt: str) -> str:
    if fmt == "pdf":
        return " ".join("\n".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages).split())
    document = docx.Document(io.BytesIO(content))
    parts = [p.text for p in document.paragraphs]
    parts += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    parts += [p.text for s in document.sections for p in s.footer.paragraphs]
    return " ".join(" ".join(parts).split())


def test_every_edition_has_its_forms():
    for edition, names in FORMS.items():
        assert forms.available(edition) == names
    assert forms.available("ict-2015-2022") == FORMS["ict-2015"]      # an amending edition uses its base's


@pytest.mark.parametrize("edition,name", CASES)
def test_form_prints_every_value(edition_store, edition, name):
    spec = forms.form(edition, name)
    with store.transaction(edition_store.factory) as s:
        campaign = campaigns.get_campaign(s, edition_store.campaigns[edition])
        datas = [body_data(s, campaign, code) for code in edition_store.bodies[edition]]
    cases = [(datas[0], "kk", "pdf"), (datas[1], "ru", "pdf"), (datas[0], "ru", "docx"), (datas[1], "kk", "docx")]
    if spec.get("profiles"):          # App 5 (2017) is for central bodies only
        with pytest.raises(forms.FormError, match="is for central bodies"):
            make.layout(datas[1], name, "ru", "pdf")
        cases = [(datas[0], "kk", "pdf"), (datas[0], "ru", "docx")]
    for data, lang, fmt in cases:
        text = _text(make.layout(data, name, lang, fmt), fmt)
        assert (data.names.get(lang) or data.names["ru"]) in text
        assert f"hash={data.run_hash}" in text and "kind=draft" in text
        printed = []
        for block in spec["blocks"]:
            if block["kind"] == "scores":
                printed += [row["node"] for row in block["rows"] if row["node"] in data.nodes]
                if block.get("direction"):
                    printed.append(block["direction"])
                elif not block.get("no_total"):
                    assert data.total in text
            if block["kind"] == "annex":
                printed += [n for n in data.nodes if any(_under(data, n, s["node"]) for s in block["sections"])]
            if block["kind"] in ("penalty_rows", "findings"):
                assert data.penalty in text
        assert printed or spec["form"] == "disagreement" or any(b["kind"] == "penalty_rows" for b in spec["blocks"])
        for node_id in printed:
            assert data.scores[node_id] in text, (name, lang, fmt, node_id)
        if lang == "kk" and fmt == "pdf":
            assert any(letter in text for letter in "әғқңөұүі")


def _under(data, node_id: str, root: str) -> bool:
    while node_id is not None:
        if node_id == root:
            return True
        node_id = data.nodes[node_id].parent
    return False


def test_profile_decides_the_rows(edition_store):
    with store.transaction(edition_store.factory) as s:
        campaign = campaigns.get_campaign(s, edition_store.campaigns["citizens-2017"])
        central, local = (body_data(s, campaign, code) for code in edition_store.bodies["citizens-2017"])
    central_text = _text(make.layout(central, "services", "ru", "pdf"), "pdf")
    local_text = _text(make.layout(local, "services", "ru", "pdf"), "pdf")
    assert "QS.7" in central.nodes and "QS.7" not in local.nodes
    assert central_text.count("Общая оценка по критериям") == 1 and "Вычет штрафных баллов" in local_text
    assert len(local_text) < len(central_text)


def test_unreliable_facts_are_in_the_acts(edition_store):
    for edition, name in (("ict-2015", "act"), ("citizens-2017", "reconciliation")):
        assert edition in edition_store.facts, f"the demo body of {edition} offered no fact to record"
        with store.transaction(edition_store.factory) as s:
            campaign = campaigns.get_campaign(s, edition_store.campaigns[edition])
            data = body_data(s, campaign, edition_store.bodies[edition][0])
        assert data.verification and data.penalty != "0.00"
        for lang in ("kk", "ru"):
            text = _text(make.layout(data, name, lang, "pdf"), "pdf")
            assert edition_store.facts[edition][0] in text and data.penalty in text


def test_disagreement_table_keeps_the_acts_column_order(edition_store):
    """2015 App 10: the contested conclusion, the kind of objection, the objection, the decision, the note."""
    from dataclasses import replace
    with store.transaction(edition_store.factory) as s:
        campaign = campaigns.get_campaign(s, edition_store.campaigns["ict-2015"])
        data = body_data(s, campaign, edition_store.bodies["ict-2015"][0])
    objection = {"id": 1, "text": "Деректер толық ұсынылған", "contested": ["1.2"], "documents": [], "filed": "2016-03-01",
                 "outcome": "rejected", "reasoning": "Негізсіз", "decided": "2016-03-10"}
    model = forms.build(replace(data, objections=[objection]), "disagreement", "kk")
    table = next(b for b in model["blocks"] if b["type"] == "table")
    assert len(table["columns"]) == len(table["widths"]) == 6
    assert table["rows"] == [["1", "1.2", "—", "Деректер толық ұсынылған", "қанағаттандырусыз қалдырылды", "Негізсіз"]]
    text = _text(make.layout(replace(data, objections=[objection]), "disagreement", "kk", "pdf"), "pdf")
    assert "Наразылық түрі" in text and "Деректер толық ұсынылған" in text


def test_services_analysis_heading_follows_the_profile(edition_store):
    """2017: App 3 (central) and App 4 (local) differ in their analysis heading."""
    with store.transaction(edition_store.factory) as s:
        campaign = campaigns.get_campaign(s, edition_store.campaigns["citizens-2017"])
        central, local = (body_data(s, campaign, code) for code in edition_store.bodies["citizens-2017"])
    headings = {data.profile: [b["text"] for b in forms.build(data, "services", "ru")["blocks"] if b["type"] == "heading"]
                for data in (central, local)}
    assert "Анализ эффективности деятельности центрального государственного органа по критериям оценки:" in headings["central"]
    assert "Анализ эффективности деятельности местного исполнительного органа по критериям оценки:" in headings["local"]


def test_openness_2025_prints_the_acts_maxima_and_totals(edition_store):
    """2025 App 8: a column of maxima (the form prints 100 for the totals) and the total before and
    after the penalty points."""
    from decimal import Decimal
    with store.transaction(edition_store.factory) as s:
        campaign = campaigns.get_campaign(s, edition_store.campaigns["openness-2025"])
        data = body_data(s, campaign, edition_store.bodies["openness-2025"][0])
    table = next(b for b in forms.build(data, "conclusion", "ru")["blocks"] if b["type"] == "table")
    assert table["columns"][-1] == "Максимальный балл" and all(len(row) == 4 for row in table["rows"])
    before, deduction, after = table["rows"][-3:]
    assert before[1] == "Общая оценка по критериям" and before[3] == after[3] == "100"
    assert after[2] == data.total and deduction[2] == data.penalty
    assert Decimal(before[2]) - Decimal(deduction[2]) - Decimal(after[2]) in (Decimal("0"), Decimal("0.01"), Decimal("-0.01"))
