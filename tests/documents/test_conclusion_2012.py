"""The 2012 conclusion (App 3, its annex, the §112 post-audit section) as PDF and DOCX in
both languages, read back; verification of final, draft, altered and foreign documents;
the batch mode."""

from __future__ import annotations

import io
import json
from dataclasses import replace
from pathlib import Path

import docx
import pytest
from pypdf import PdfReader

from bagalau import campaigns, store
from bagalau.documents import forms, make, render
from bagalau.documents.sources import body_data
from bagalau.documents.verify import verify
from support.cli import bagalau

KAZAKH = "әғқңөұүһі"


def pdf_text(content: bytes) -> str:
    return " ".join("\n".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages).split())


def docx_text(content: bytes) -> str:
    document = docx.Document(io.BytesIO(content))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    parts += [p.text for s in document.sections for p in s.footer.paragraphs]
    return " ".join(" ".join(parts).split())


def _data(demo_store, body: str, run: int | None = None):
    with store.transaction(demo_store.factory) as s:
        return body_data(s, campaigns.get_campaign(s, demo_store.result.campaign_id), body, run)


@pytest.fixture(scope="module")
def fact_body(demo_store):
    return demo_store.result.other        # its unreliable fact stays in the final run


@pytest.mark.parametrize("lang", ["kk", "ru"])
@pytest.mark.parametrize("fmt", ["pdf", "docx"])
def test_conclusion_shows_every_scored_value(demo_store, fact_body, lang, fmt):
    data = _data(demo_store, fact_body)
    assert data.kind == "final" and data.verification
    content = make.layout(data, "conclusion", lang, fmt)
    text = pdf_text(content) if fmt == "pdf" else docx_text(content)
    name = data.names.get(lang) or data.names["ru"]
    assert name in text
    for node_id, value in data.scores.items():        # the annex lists every scored node with its value
        assert f"{node_id} " in text and value in text, node_id
    assert data.total in text
    title = {"kk": "Ақпараттық технологияларды қолдануды бағалау нәтижелері туралы", "ru": "Заключение о результатах"}
    assert title[lang] in text
    # the unreliable fact and the penalty total; the §112 section; the verifiable footer
    fact = data.verification[0]
    assert fact["input"] in text and fact["document"] in text
    assert {"kk": "Айыппұл балдары, барлығы: 0.00", "ru": "Штрафные баллы, всего: 0.00"}[lang] in text
    assert {"kk": "Пост-аудит нәтижелері (§112)", "ru": "Результаты пост-аудита (§112)"}[lang] in text
    assert f"hash={data.run_hash}" in text and f"campaign={data.campaign_id} run={data.run}" in text
    assert "kind=final" in text
    # the provisional rule (2.2, reading A1) in a footnote, its reference in the document's language
    assert {"kk": "2.2 (§24–26, 6-қосымша)", "ru": "2.2 (§24–26, прил. 6)"}[lang] in text and "A1:" in text
    assert "App 6" not in text
    if lang == "kk":     # the form's wording and the body's name use all but һ (a rare letter)
        assert all(letter in text for letter in KAZAKH.replace("һ", "")), [l for l in KAZAKH if l not in text]


@pytest.mark.parametrize("fmt", ["pdf", "docx"])
def test_every_kazakh_letter_survives(demo_store, fmt):
    letters = KAZAKH + KAZAKH.upper()
    data = _data(demo_store, demo_store.result.target)
    data = replace(data, names={**data.names, "kk": f"Тест органы {letters}"})
    content = make.layout(data, "conclusion", "kk", fmt)
    text = pdf_text(content) if fmt == "pdf" else docx_text(content)
    assert f"Тест органы {letters}" in text


def test_draft_is_marked(demo_store):
    target = demo_store.result.target
    data = _data(demo_store, target, run=1)
    assert data.kind == "draft"
    text = pdf_text(make.layout(data, "conclusion", "ru", "pdf"))
    assert "ПРОЕКТ" in text and "kind=draft" in text and "Проект: не окончательный документ" in text
    document = docx.Document(io.BytesIO(make.layout(data, "conclusion", "kk", "docx")))
    assert "ЖОБА" in " ".join(p.text for s in document.sections for p in s.header.paragraphs)


def test_pdf_is_reproducible(demo_store):
    data = _data(demo_store, demo_store.result.target)
    assert make.layout(data, "conclusion", "kk", "pdf") == make.layout(data, "conclusion", "kk", "pdf")


def _verdict(demo_store, path, expected=None):
    with store.transaction(demo_store.factory) as s:
        campaign = campaigns.get_campaign(s, expected) if expected is not None else None
        return verify(s, path, campaign)


def test_verify_accepts_the_final_and_rejects_the_rest(demo_store, tmp_path):
    target = demo_store.result.target
    final = _data(demo_store, target)
    for fmt in ("pdf", "docx"):
        path = tmp_path / f"final.{fmt}"
        path.write_bytes(make.layout(final, "conclusion", "kk", fmt))
        assert _verdict(demo_store, path).status == "final"
    # the draft of run 1, after the final
    draft = tmp_path / "draft.pdf"
    draft.write_bytes(make.layout(_data(demo_store, target, run=1), "conclusion", "ru", "pdf"))
    verdict = _verdict(demo_store, draft)
    assert verdict.status == "superseded draft" and not verdict.accepted
    # a PDF whose total was edited: the same footer, another total
    edited = tmp_path / "edited.pdf"
    forged = replace(final, total="99.99")
    edited.write_bytes(render.pdf(forms.build(forged, "conclusion", "kk")))
    verdict = _verdict(demo_store, edited)
    assert verdict.status == "altered" and "99.99" in " ".join(verdict.reasons)
    # a footer hash changed by hand
    forged_hash = tmp_path / "hash.pdf"
    forged_hash.write_bytes(render.pdf(forms.build(replace(final, run_hash="0" * 64), "conclusion", "kk")))
    assert _verdict(demo_store, forged_hash).status == "altered"
    # a document from another campaign
    path = tmp_path / "final.pdf"
    with store.transaction(demo_store.factory) as s:
        other = campaigns.create_campaign(s, name="another-2012", methodology_id="it-2012", period=2012,
                                          evaluator="demo-working-group", bodies=[target],
                                          actor="Methodologist (demo)",
                                          settings={"submission_deadline": "2013-03-01"},
                                          evaluators={target: ["Aigerim Sadykova (demo evaluator)"]}).id
    verdict = _verdict(demo_store, path, expected=other)
    assert verdict.status == "other campaign" and not verdict.accepted


def test_cli_makes_verifies_and_batches(demo_store, tmp_path):
    name, target = demo_store.result.name, demo_store.result.target
    pdf = tmp_path / "c.pdf"
    bagalau(demo_store.url, "documents", name, "--body", target, "--form", "conclusion", "--lang", "kk",
            "--format", "pdf", "-o", str(pdf))
    result = bagalau(demo_store.url, "documents", "verify", str(pdf))
    assert "FINAL" in result.output
    draft = tmp_path / "d.docx"
    bagalau(demo_store.url, "documents", name, "--body", target, "--form", "conclusion", "--format", "docx",
            "--run", "1", "-o", str(draft))
    rejected = bagalau(demo_store.url, "documents", "verify", str(draft), ok=False)
    assert rejected.exit_code == 1 and "SUPERSEDED DRAFT" in rejected.output
    junk = tmp_path / "junk.pdf"
    junk.write_bytes(b"not a pdf")
    unreadable = bagalau(demo_store.url, "documents", "verify", str(junk), ok=False)
    assert unreadable.exit_code == 2 and "not a readable PDF" in unreadable.output
    bad = bagalau(demo_store.url, "documents", name, "--body", target, "--form", "act", ok=False)
    assert bad.exit_code == 2 and "no form 'act' for it-2012" in bad.output
    nobody = bagalau(demo_store.url, "documents", name, "--body", "nowhere", "--form", "conclusion", ok=False)
    assert nobody.exit_code == 2 and "'nowhere' is not evaluated" in nobody.output
    folder = tmp_path / "all"
    result = bagalau(demo_store.url, "documents", name, "--all", "--lang", "kk", "--format", "pdf", "--jobs", "2",
                     "-o", str(folder))
    files = sorted(folder.glob("*.pdf"))
    assert len(files) == 17 and "wrote 17 documents" in result.output
    assert not list(folder.glob(".*"))                 # no temporary file left behind
