"""Making a body's document: data from the store, the form filled, laid out as PDF or DOCX."""

from __future__ import annotations

from sqlalchemy.orm import Session

from bagalau.store.models import Campaign

from . import forms, render
from .sources import BodyData, body_data

FORMATS = ("pdf", "docx")


def layout(data: BodyData, form_name: str, lang: str, fmt: str, tagged: bool = False) -> bytes:
    """One document's bytes from plain data (no session: safe in a worker process)."""
    model = forms.build(data, form_name, lang)
    if fmt == "pdf":
        return render.pdf(model, tagged=tagged)
    if fmt == "docx":
        return render.docx(model)
    raise forms.FormError(f"format must be one of {', '.join(FORMATS)}, got '{fmt}'")


def document(session: Session, campaign: Campaign, body: str, form_name: str, lang: str, fmt: str,
             run: int | None = None) -> bytes:
    forms.form(campaign.methodology_id, form_name)          # a clear error before any reading
    return layout(body_data(session, campaign, body, run), form_name, lang, fmt)


def file_name(campaign: str, body: str, form_name: str, lang: str, fmt: str, kind: str, run: int) -> str:
    draft = "" if kind == "final" else f"-draft-run{run}"
    return f"{campaign}-{body}-{form_name}-{lang}{draft}.{fmt}"
