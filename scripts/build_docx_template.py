"""Build bagalau/documents/templates/document.docx, the docxtpl template of every
official document, once. After that the .docx file is the source: a methodologist
opens it in Word and changes fonts, margins, the header and the footer; this
script only makes the first version (it overwrites the file when run again).

The template's fields (Jinja, docxtpl): form_label, act_form, title, body,
body_caption, period, period_caption, draft, draft_label, draft_note, footer,
verification, footnotes; ``{{p content }}`` is where the form's blocks go
(documents/render.py builds them from the form file).
"""

from pathlib import Path

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt, RGBColor

TARGET = Path(__file__).resolve().parent.parent / "bagalau" / "documents" / "templates" / "document.docx"


def main() -> None:
    document = Document()
    normal = document.styles["Normal"]
    normal.font.name = "Times New Roman"
    normal.font.size = Pt(12)
    section = document.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    section.top_margin, section.bottom_margin = Cm(2), Cm(2.5)
    section.left_margin, section.right_margin = Cm(2.5), Cm(1.5)

    header = section.header.paragraphs[0]
    header.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = header.add_run("{% if draft %}{{ draft_label }} · {{ draft_note }}{% endif %}")
    run.bold = True
    run.font.color.rgb = RGBColor(0xC0, 0x30, 0x30)

    footer = section.footer.paragraphs[0]
    footer.add_run("{{ footer }}").font.size = Pt(7)
    verification = section.footer.add_paragraph()
    verification.add_run("{{ verification }}").font.size = Pt(6)

    label = document.add_paragraph("{{ form_label }}{% if act_form %} ({{ act_form }}){% endif %}")
    label.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    title = document.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title_run = title.add_run("{{ title }}")
    title_run.bold = True
    title_run.font.size = Pt(14)
    for field, caption in (("body", "body_caption"), ("period", "period_caption")):
        value = document.add_paragraph()
        value.alignment = WD_ALIGN_PARAGRAPH.CENTER
        value_run = value.add_run("{{ %s }}" % field)
        value_run.bold = field == "body"
        value_run.underline = True
        small = document.add_paragraph()
        small.alignment = WD_ALIGN_PARAGRAPH.CENTER
        small.add_run("{{ %s }}" % caption).font.size = Pt(8)
    document.add_paragraph("{{p content }}")
    document.add_paragraph("{%p for note in footnotes %}")
    note = document.add_paragraph()
    note.add_run("{{ loop.index }}. {{ note }}").font.size = Pt(8)
    document.add_paragraph("{%p endfor %}")
    TARGET.parent.mkdir(parents=True, exist_ok=True)
    document.save(TARGET)
    print(f"wrote {TARGET}")


if __name__ == "__main__":
    main()
