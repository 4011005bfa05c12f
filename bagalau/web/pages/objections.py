"""A body's objections to its draft conclusion.

The body officer sees the window (from the day the draft was sent, counted in
working days on Kazakhstan's calendar: ``objections.objection_window``) with
a countdown, and files an objection with its documents (files stored as
evidence, by their SHA-256) and the facts it contests, while the window is
open. The commission member (and the evaluator, who may preview) sees each
objection with its evidence and every decision the commission can take, each
with its what-if preview (``whatif.decision_options``: reject; accept and
remove one fact; accept and remove all), and the member decides; a decision
that removes facts rescores as a new run."""

from __future__ import annotations

from fastapi import Depends, Form, Request, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse
from sqlalchemy import select
from sqlalchemy.orm import Session

from bagalau import campaigns
from bagalau.api.auth import Authentication
from bagalau.api.problems import ProblemError
from bagalau.api.state import store_session
from bagalau.api.uploads import EVIDENCE_TYPES, read_upload, safe_name
from bagalau.campaigns import evidence, policy, whatif
from bagalau.campaigns.objections import objection_window
from bagalau.store.files import Evidence
from bagalau.store.models import Commission, Objection, ScoringRun, User

from ..campaign import OBJECTION_STATUS, body_name, body_names, load, may, now, refusal
from ..rendering import render, today, tr
from ..routing import page_router
from ..session import signed_in_viewer

router = page_router()
MAX_FILES = 10


def _objections(session: Session, auth: Authentication, campaign, body: str) -> list[dict]:
    rows = []
    previews = may(session, auth.actor, "objection.preview", campaign, body) and \
        campaign.state in ("objections", "commission")
    decides = may(session, auth.actor, "objection.decide", campaign, body)
    for objection in session.execute(select(Objection).where(
            Objection.campaign_id == campaign.id, Objection.body_code == body).order_by(Objection.id)).scalars():
        files = list(session.execute(select(Evidence).where(Evidence.objection_id == objection.id)
                                     .order_by(Evidence.id)).scalars())
        options = []
        if objection.status == "filed" and previews:
            options = whatif.decision_options(session, campaign, objection.id, auth.actor)
            for option in options:
                option["mine"] = next(row for row in option["bodies"] if row["body"] == body)
        run = None
        if objection.decision is not None:
            run = session.execute(select(ScoringRun.number).where(
                ScoringRun.decision_id == objection.decision.id)).scalar_one_or_none()
        rows.append({"o": objection, "files": files, "options": options, "run": run,
                     "decide": decides and objection.status == "filed" and campaign.state in ("objections",
                                                                                           "commission")})
    return rows


def _commission(session: Session, campaign, body: str) -> list[str]:
    commission = session.execute(select(Commission).where(Commission.campaign_id == campaign.id,
                                                          Commission.body_code == body)).scalar_one_or_none()
    if commission is None:
        return []
    return [session.get(User, m.user_id).name for m in commission.members]


def _page(request: Request, session: Session, auth: Authentication, campaign_id: int, body: str, *,
          form: dict | None = None, error=None, notice=None, status: int = 200):
    campaign = load(session, campaign_id)
    policy.check(session, auth.actor, "objection.read", campaign=campaign, body=body)
    campaigns.submissions._campaign_body(session, campaign, body)
    window = objection_window(session, campaign, body, today(request))
    can_file = may(session, auth.actor, "objection.file", campaign, body) and window is not None and window["open"]
    facts = campaigns.active_facts(session, campaign, body) if can_file else []
    return render(request, "objections.html", {
        "c": campaign, "body": body, "name": body_name(session, body), "names": body_names(session),
        "window": window, "can_file": can_file, "facts": facts, "objections": _objections(session, auth, campaign,
                                                                                          body),
        "commission": _commission(session, campaign, body), "statuses": OBJECTION_STATUS,
        "form": form or {}, "error": error, "notice": notice}, status_code=status)


@router.get("/campaigns/{campaign_id}/bodies/{body}/objections")
def objections(request: Request, campaign_id: int, body: str, done: str = "",
               auth: Authentication = Depends(signed_in_viewer), session: Session = Depends(store_session)):
    notice = {"filed": tr(request, "The objection is filed."),
              "decided": tr(request, "The decision is recorded.")}.get(done)
    return _page(request, session, auth, campaign_id, body, notice=notice)


@router.post("/campaigns/{campaign_id}/bodies/{body}/objections")
async def file_objection(request: Request, campaign_id: int, body: str,
                         auth: Authentication = Depends(signed_in_viewer), session: Session = Depends(store_session)):
    form = await request.form()
    text = str(form.get("text", "")).strip()
    named = [line.strip() for line in str(form.get("documents", "")).splitlines() if line.strip()]
    contested = [str(value) for value in form.getlist("contested")]
    uploads = [item for item in form.getlist("files") if isinstance(item, UploadFile) or hasattr(item, "filename")]
    uploads = [item for item in uploads if item.filename][:MAX_FILES + 1]
    kept = {"text": text, "documents": "\n".join(named), "contested": contested}
    if len(uploads) > MAX_FILES:
        return await run_in_threadpool(_page, request, session, auth, campaign_id, body, form=kept, status=422,
                                       error=tr(request, "At most %(n)s files.", n=MAX_FILES))
    files = []
    for upload in uploads:
        try:
            content, media = await read_upload(request, upload, EVIDENCE_TYPES)
        except ProblemError as exc:
            return await run_in_threadpool(_page, request, session, auth, campaign_id, body, form=kept, status=422,
                                           error=refusal(request, exc.detail))
        files.append((content, media, safe_name(upload.filename, "document")))
    return await run_in_threadpool(_file, request, session, auth, campaign_id, body, text, named, contested, files,
                                   kept)


def _file(request: Request, session: Session, auth: Authentication, campaign_id: int, body: str, text: str,
          named: list[str], contested: list[str], files: list, kept: dict):
    campaign = load(session, campaign_id)
    if not text:
        return _page(request, session, auth, campaign_id, body, form=kept, status=422,
                     error=tr(request, "Say what you object to."))
    documents = named + [name for _, _, name in files if name not in named]
    try:
        objection = campaigns.file_objection(session, campaign, body, text, documents, auth.actor.name,
                                             contested=contested, at=now(request))
        for content, media, name in files:
            evidence.attach(session, campaign, content, media, name, auth.actor, objection_id=objection.id,
                            at=now(request))
        for content, _, _ in files:
            request.app.state.blobs.put(content)
    except policy.AccessDenied:
        raise
    except campaigns.CampaignError as exc:
        session.rollback()
        return _page(request, session, auth, campaign_id, body, form=kept, error=refusal(request, exc), status=409)
    session.commit()
    return RedirectResponse(f"/campaigns/{campaign_id}/bodies/{body}/objections?done=filed", status_code=303)


@router.post("/campaigns/{campaign_id}/bodies/{body}/objections/{objection_id}/decide")
def decide(request: Request, campaign_id: int, body: str, objection_id: int, option: str = Form(""),
           reasoning: str = Form(""), auth: Authentication = Depends(signed_in_viewer),
           session: Session = Depends(store_session)):
    campaign = load(session, campaign_id)
    policy.check(session, auth.actor, "objection.decide", campaign=campaign, body=body)
    outcome, _, ids = option.partition(":")
    remove = [int(item) for item in ids.split(",") if item.strip().isdigit()]
    if outcome not in ("accepted", "rejected") or not reasoning.strip():
        return _page(request, session, auth, campaign_id, body, status=422,
                     error=tr(request, "Choose a decision and give its reasons."))
    try:
        campaigns.decide_objection(session, campaign, objection_id, auth.actor.name, outcome=outcome,
                                   reasoning=reasoning.strip(), remove_facts=remove, at=now(request))
    except policy.AccessDenied:
        raise
    except campaigns.CampaignError as exc:
        session.rollback()
        return _page(request, session, auth, campaign_id, body, error=refusal(request, exc), status=409)
    session.commit()
    return RedirectResponse(f"/campaigns/{campaign_id}/bodies/{body}/objections?done=decided", status_code=303)
