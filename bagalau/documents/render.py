"""Laying out a document model (``forms.build``) as PDF and DOCX.

PDF: Typst, through the ``typst`` wheel that carries its compiler, with the PT Serif
fonts shipped in ``documents/fonts`` (and no system fonts, so a document looks the same
on every machine). One compiler per process keeps the fonts loaded; each document
is one compile with the model as JSON in ``sys.inputs``. PDFs are untagged by
default: tagging (accessibility structure) makes a compile 4–5× slower; ``tagged=True``
asks for it.

DOCX: docxtpl fills ``templates/document.docx`` (a Word file a methodologist can open
and restyle); the form's blocks go in as a sub-document built with python-docx.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

HERE = Path(__file__).resolve().parent
TEMPLATES = HERE / "templates"
FONTS = HERE / "fonts"
TIMESTAMP = 0          # a fixed creation date: the same model gives the same bytes

_compiler = None


class RenderError(RuntimeError):
    """A template that could not be laid out (a broken .typ or .docx)."""


def _typst():
    global _compiler
    if _compiler is None:
        import typst
        _compiler = typst.Compiler(TEMPLATES / "document.typ", root=TEMPLATES, font_paths=[FONTS],
                                   ignore_system_fonts=True)
    return _compiler


def pdf(model: dict, tagged: bool = False) -> bytes:
    import typst
    try:
        return _typst().compile(sys_inputs={"data": json.dumps(model, ensure_ascii=False)}, format="pdf",
                                timestamp=TIMESTAMP, pdf_tags=tagged)
    except typst.TypstError as exc:
        raise RenderError(f"the PDF template failed: {exc.message}") from None




def docx(model: dict) -> bytes:
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
    from docx.shared import Pt
    from docxtpl import DocxTemplate

    template = DocxTemplate(str(TEMPLATES / "document.docx"))
    sub = template.new_subdoc()
    for block in model["blocks"]:
        kind = block["type"]
        if kind in ("heading", "title"):
            paragraph = sub.add_paragraph()
            run = paragraph.add_run(block["text"])
            run.bold = True
            if kind == "title":
                paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
                run.font.size = Pt(13)
            paragraph.paragraph_format.keep_with_next = True
        elif kind == "paragraph":
            sub.add_paragraph(block["text"])
        elif kind == "table":
            table = sub.add_table(rows=1, cols=len(block["columns"]))
            table.style = "Table Grid"
            for cell, label in zip(table.rows[0].cells, block["columns"]):
                cell.text = ""
                cell.paragraphs[0].add_run(label).bold = True
            last = len(block["rows"]) - 1
            for index, values in enumerate(block["rows"]):
                cells = table.add_row().cells
                for column, (cell, value) in enumerate(zip(cells, values)):
                    cell.text = ""
                    run = cell.paragraphs[0].add_run(str(value))
                    run.bold = bool(block.get("total")) and index == last
                    if column in block.get("numeric", []):
                        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
            sub.add_paragraph()
        elif kind == "lines":
            for _ in range(block["count"]):
                sub.add_paragraph("_" * 80)
        elif kind == "pagebreak":
            sub.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        elif kind == "signatures":
            table = sub.add_table(rows=0, cols=3)
            for role in block["roles"]:
                cells = table.add_row().cells
                cells[0].text = role
                cells[1].text = "______________\n" + block["sign"]
                cells[2].text = "______________\n" + block["signatory"]
            sub.add_paragraph(block["date"])
    context = {key: value for key, value in model.items() if key != "blocks"}
    context["content"] = sub
    try:
        template.render(context, autoescape=True)
    except Exception as exc:  # a template edited into an invalid Jinja state
        raise RenderError(f"the DOCX template failed: {exc}") from None
    buffer = io.BytesIO()
    template.save(buffer)
    return buffer.getvalue()
