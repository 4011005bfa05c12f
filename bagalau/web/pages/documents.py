"""A body's official documents: the forms the campaign's edition prints for a
body (the 2012 conclusion, App 3; the 2015 act, conclusion and disagreement
table...), each in Kazakh and Russian, as PDF and DOCX, filled from the
store by ``bagalau.documents`` (the same files as ``bagalau documents``, with
their verifiable footer). A draft until the rating is final, then final.
Shown where the campaign has sent the body a conclusion. Who: the policy's
``conclusion.read``."""

from __future__ import annotations

from fastapi import Depends, Request
from sqlalchemy import select
from sqlalchemy.orm import Session

from bagalau import campaigns
from bagalau.api.auth import Authentication
from bagalau.api.routers.common import attachment
from bagalau.api.state import store_session
from bagalau.campaigns import policy
from bagalau.documents import forms, make, render
from bagalau.store.models import Conclusion, ScoringRun

from ..campaign import body_name, load
from ..rendering import render
from ..routing import page_router
from ..session import signed_in_viewer

router = page_router()
MEDIA = {"pdf": "application/pdf",
         "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}
LANGUAGES = ("kk", "ru")


def _conclusions(session: Session, auth: Authentication, campaign_id: int, body: str):
    campaign = load(session, campaign_id)
    policy.check(session, auth.actor, "conclusion.read", campaign=campaign, body=body)
    campaigns.submissions._campaign_body(session, campaign, body)
    rows = list(session.execute(select(Conclusion).where(Conclusion.campaign_id == campaign.id,
                                                         Conclusion.body_code == body)
                                .order_by(Conclusion.id)).scalars())
    return campaign, rows


def _forms(session: Session, campaign, body: str) -> dict[str, dict]:
    """The edition's forms that print for this body (some are for one profile only)."""
    profile = campaigns.submissions._campaign_body(session, campaign, body).profile
    found = {}
    for name in forms.available(campaign.methodology_id):
        spec = forms.form(campaign.methodology_id, name)
        if not spec.get("profiles") or profile in spec["profiles"]:
            found[name] = spec
    return found


@router.get("/campaigns/{campaign_id}/bodies/{body}/documents")
def documents(request: Request, campaign_id: int, body: str, auth: Authentication = Depends(signed_in_viewer),
              session: Session = Depends(store_session)):
    campaign, rows = _conclusions(session, auth, campaign_id, body)
    final = any(row.kind == "final" for row in rows)
    titles = {name: spec.get("title") or {"ru": name} for name, spec in _forms(session, campaign, body).items()}
    return render(request, "documents.html", {"c": campaign, "body": body, "name": body_name(session, body),
                                              "conclusions": rows, "final": final, "forms": titles,
                                              "doc_languages": LANGUAGES, "formats": tuple(MEDIA)})


@router.get("/campaigns/{campaign_id}/bodies/{body}/documents/{form_name}.{lang}.{fmt}")
def document(request: Request, campaign_id: int, body: str, form_name: str, lang: str, fmt: str,
             auth: Authentication = Depends(signed_in_viewer), session: Session = Depends(store_session)):
    campaign, rows = _conclusions(session, auth, campaign_id, body)
    if not rows:
        raise campaigns.NotFound(f"no conclusion has been sent to '{body}' in campaign '{campaign.name}'")
    if form_name not in _forms(session, campaign, body) or lang not in LANGUAGES or fmt not in MEDIA:
        raise campaigns.NotFound(f"no document '{form_name[:40]}.{lang[:4]}.{fmt[:8]}'")
    try:
        content = make.document(session, campaign, body, form_name, lang, fmt)
    except (forms.FormError, render.RenderError) as exc:
        raise campaigns.CampaignError(f"{form_name} ({lang}, {fmt}): {exc}") from None
    kind = "final" if any(row.kind == "final" for row in rows) else "draft"
    run = session.get(ScoringRun, rows[-1].run_id).number
    return attachment(content, MEDIA[fmt], make.file_name(campaign.name, body, form_name, lang, fmt, kind, run))
