"""Verification of one body's report, for the campaign's evaluator: the
unreliable facts recorded (with their evidence files and whether a commission
decision removed them), and the form to record one more — the input, the
verified value, the document it rests on and the evidence file — with a live
what-if preview (htmx: ``campaigns.whatif.preview_fact``, nothing written) of
what the fact would do to the body's nodes, its total and every body's rank,
before it is saved. Then the evaluator scores (a new run) from here or from
the campaign's page. Who: ``fact.write`` to record, ``fact.read`` to read."""

from __future__ import annotations

from typing import Any

from fastapi import Depends, File, Form, Request, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse
from sqlalchemy import select
from sqlalchemy.orm import Session

from bagalau import campaigns
from bagalau.api.auth import Authentication
from bagalau.api.problems import ProblemError
from bagalau.api.uploads import EVIDENCE_TYPES, read_upload, safe_name
from bagalau.api.state import store_session
from bagalau.campaigns import drafts, evidence, policy, whatif
from bagalau.engine import forms
from bagalau.store.files import Evidence
from bagalau.store.models import Fact

from ..campaign import body_name, body_names, load, may, now, refusal
from ..rendering import render, tr
from ..routing import page_router
from ..session import signed_in_viewer

router = page_router()
FACT_STATES = ("verification", "scored")
YES_NO = {"yes": True, "да": True, "иә": True, "no": False, "нет": False, "жоқ": False}


def _verified(compiled, input_id: str, raw: str) -> Any:
    """The verified value as typed, read the way a report holds it (None when empty)."""
    raw = (raw or "").strip()
    if not raw:
        return None
    if input_id in compiled.inputs and compiled.inputs[input_id].type == "boolean":
        raw = YES_NO.get(raw.lower(), raw)
    return drafts.typed_values(compiled, {input_id: raw}).get(input_id, raw)


def _facts(session: Session, campaign, body: str) -> list[dict]:
    active = {fact.id for fact in campaigns.active_facts(session, campaign, body)}
    rows = []
    for fact in session.execute(select(Fact).where(Fact.campaign_id == campaign.id, Fact.body_code == body)
                                .order_by(Fact.id)).scalars():
        files = list(session.execute(select(Evidence).where(Evidence.fact_id == fact.id)
                                     .order_by(Evidence.id)).scalars())
        rows.append({"fact": fact, "active": fact.id in active, "files": files})
    return rows


def _page(request: Request, session: Session, auth: Authentication, campaign_id: int, body: str, *,
          form: dict | None = None, preview: dict | None = None, error=None, notice=None, status: int = 200):
    campaign = load(session, campaign_id)
    policy.check(session, auth.actor, "fact.read", campaign=campaign, body=body)
    campaigns.submissions._campaign_body(session, campaign, body)
    compiled = drafts.body_forms(session, campaign, body)
    latest = campaigns.latest_submission(session, campaign, body)
    writable = may(session, auth.actor, "fact.write", campaign, body) and campaign.state in FACT_STATES
    return render(request, "verification.html", {
        "c": campaign, "body": body, "name": body_name(session, body), "names": body_names(session),
        "facts": _facts(session, campaign, body), "inputs": compiled.inputs, "writable": writable,
        "groups": list(forms.sheets(compiled).items()),
        "reported": dict(latest.values) if latest else {},
        "form": form or {}, "preview": preview, "error": error, "notice": notice,
        "can_score": may(session, auth.actor, "scoring.run", campaign) and campaign.state in FACT_STATES},
        status_code=status)


@router.get("/campaigns/{campaign_id}/bodies/{body}/verification")
def verification(request: Request, campaign_id: int, body: str, saved: int = 0,
                 auth: Authentication = Depends(signed_in_viewer), session: Session = Depends(store_session)):
    notice = tr(request, "The fact is recorded.") if saved else None
    return _page(request, session, auth, campaign_id, body, notice=notice)


def _preview(request: Request, session: Session, auth: Authentication, campaign, body: str, input_id: str,
             verified: str) -> dict:
    compiled = drafts.body_forms(session, campaign, body)
    result = whatif.preview_fact(session, campaign, body, input_id, _verified(compiled, input_id, verified),
                                 auth.actor.name)
    mine = next(row for row in result["bodies"] if row["body"] == body)
    return {**result, "mine": mine, "moved": [row for row in result["bodies"]
                                              if row["body"] != body and row["body"] in result["changed"]]}


@router.post("/campaigns/{campaign_id}/bodies/{body}/verification/preview")
def preview(request: Request, campaign_id: int, body: str, input: str = Form(""), verified: str = Form(""),
            auth: Authentication = Depends(signed_in_viewer), session: Session = Depends(store_session)):
    """What the fact would do: the fragment for htmx, or the whole page without it."""
    campaign = load(session, campaign_id)
    result, error = None, None
    if input:
        try:
            result = _preview(request, session, auth, campaign, body, input, verified)
        except policy.AccessDenied:
            raise
        except campaigns.CampaignError as exc:
            error = refusal(request, exc)
    if request.headers.get("HX-Request"):
        return render(request, "fact_preview.html", {"preview": result, "error": error, "body": body,
                                                     "names": body_names(session)})
    return _page(request, session, auth, campaign_id, body, form={"input": input, "verified": verified},
                 preview=result, error=error, status=200 if error is None else 422)


@router.post("/campaigns/{campaign_id}/bodies/{body}/verification")
async def record_fact(request: Request, campaign_id: int, body: str, input: str = Form(""),
                      verified: str = Form(""), document: str = Form(""), note: str = Form(""),
                      file: UploadFile | None = File(None), auth: Authentication = Depends(signed_in_viewer),
                      session: Session = Depends(store_session)):
    upload = None
    if file is not None and file.filename:
        try:
            upload = await read_upload(request, file, EVIDENCE_TYPES)
        except ProblemError as exc:
            return await run_in_threadpool(_page, request, session, auth, campaign_id, body,
                                           form={"input": input, "verified": verified, "document": document,
                                                 "note": note}, error=refusal(request, exc.detail), status=422)
    return await run_in_threadpool(_record, request, session, auth, campaign_id, body, input, verified, document,
                                   note, upload, safe_name(file.filename if file else None, "evidence"))


def _record(request: Request, session: Session, auth: Authentication, campaign_id: int, body: str, input_id: str,
            verified: str, document: str, note: str, upload, filename: str):
    campaign = load(session, campaign_id)
    form = {"input": input_id, "verified": verified, "document": document, "note": note}
    compiled = drafts.body_forms(session, campaign, body)
    try:
        fact = campaigns.add_fact(session, campaign, body, input_id, _verified(compiled, input_id, verified),
                                  document, auth.actor.name, note=note.strip() or None, at=now(request))
        if upload is not None:
            content, media = upload
            evidence.attach(session, campaign, content, media, filename, auth.actor, fact_id=fact.id,
                            at=now(request))
            request.app.state.blobs.put(content)      # the rows checked first, the file last, then the commit
    except policy.AccessDenied:
        raise
    except campaigns.CampaignError as exc:
        session.rollback()
        return _page(request, session, auth, campaign_id, body, form=form, error=refusal(request, exc), status=409)
    session.commit()
    return RedirectResponse(f"/campaigns/{campaign_id}/bodies/{body}/verification?saved=1", status_code=303)
