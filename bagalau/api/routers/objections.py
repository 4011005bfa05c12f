"""Objections and the special commission: a body files an objection to its
draft conclusion with its supporting documents (2012 §106), the evaluator
appoints the commission (none who evaluated the body, §107), the commission
previews what each decision would do and decides; a decision that removes
facts or changes inputs rescores as a new run."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from bagalau import campaigns
from bagalau.campaigns import evidence, policy, whatif
from bagalau.campaigns.objections import visible_objection
from bagalau.i18n import Message
from bagalau.store.files import Evidence
from bagalau.store.models import Commission, Objection, ScoringRun

from ..auth import Authentication, authenticate, signed_in
from ..problems import ProblemError
from ..schemas import Moment
from ..state import store_session
from ..uploads import EVIDENCE_TYPES, read_upload, safe_name
from .common import Clock, body_param, body_query, campaign_param, id_param, load, server_clock
from .verification import EvidenceInfo, Preview, evidence_info, readable, store_evidence

router = APIRouter(prefix="/campaigns/{campaign}", tags=["objections"])
MAX_FILES = 10


class DecisionInfo(BaseModel):
    id: int
    outcome: str
    reasoning: str
    removed_facts: list[int]
    input_changes: dict[str, Any]
    decided_by: str
    decided_at: Moment
    reverification_due: date | None
    run: int | None = Field(None, description="the rescore this decision made, if it changed anything")


class ObjectionInfo(BaseModel):
    id: int
    body: str
    text: str
    documents: list[Any]
    contested: list[Any]
    filed_by: str
    filed_at: Moment
    deadline: date
    status: str = Field(description="filed, accepted or rejected")
    evidence: list[int]
    decision: DecisionInfo | None


class CommissionRequest(BaseModel):
    members: list[str] = Field(min_length=1, max_length=50, description="user names; none who took part in "
                                                                        "evaluating the body (2012 §107)")
    on: date | None = None


class CommissionInfo(BaseModel):
    id: int
    body: str
    members: list[str]
    appointed_by: str
    appointed_at: Moment


class DecisionRequest(BaseModel):
    outcome: Literal["accepted", "rejected"]
    reasoning: str = Field(min_length=1, max_length=8000)
    remove_facts: list[int] = Field([], max_length=100)
    input_changes: dict[str, Any] = Field({}, description="input id -> the value the commission finds")
    on: date | None = None


class PreviewRequest(BaseModel):
    outcome: Literal["accepted", "rejected"] = "accepted"
    remove_facts: list[int] = Field([], max_length=100)
    input_changes: dict[str, Any] = {}


class Option(Preview):
    outcome: str
    contested: bool


def objection_info(session: Session, row: Objection) -> dict:
    files = [e.id for e in session.execute(select(Evidence).where(Evidence.objection_id == row.id)
                                           .order_by(Evidence.id)).scalars()]
    decision = None
    if row.decision is not None:
        d = row.decision
        run = session.execute(select(ScoringRun.number).where(ScoringRun.decision_id == d.id)).scalar_one_or_none()
        decision = dict(id=d.id, outcome=d.outcome, reasoning=d.reasoning, removed_facts=d.removed_fact_ids or [],
                        input_changes=d.input_changes or {}, decided_by=d.decided_by, decided_at=d.decided_at,
                        reverification_due=d.reverification_due, run=run)
    return dict(id=row.id, body=row.body_code, text=row.text, documents=row.documents, contested=row.contested or [],
                filed_by=row.filed_by, filed_at=row.filed_at, deadline=row.deadline, status=row.status,
                evidence=files, decision=decision)


def _objection(session: Session, auth: Authentication, c, objection_id: int) -> Objection:
    return visible_objection(session, c, objection_id, auth.actor)


@router.post("/bodies/{body}/objections", response_model=ObjectionInfo, status_code=201)
async def file_objection(request: Request, text: str = Form(min_length=1, max_length=20000),
                         documents: list[str] = Form([], description="supporting documents named (e.g. a decree's "
                                                                       "number); each uploaded file is one too"),
                         contested: list[str] = Form([], description="the facts (fact #id) or inputs contested"),
                         files: list[UploadFile] = File([], description="the documents themselves (PDF, image, "
                                                                         "office document, text; never HTML)"),
                         on: date | None = Form(None, description="only today (the server's clock dates it)"),
                         campaign: str = campaign_param(), body: str = body_param(),
                         auth: Authentication = Depends(signed_in), session: Session = Depends(store_session),
                         clock: Clock = Depends(server_clock)):
    """The body's objection to its draft conclusion, with its supporting documents (at least one)."""
    if len(files) > MAX_FILES:
        raise ProblemError(413, Message("at most %(count)s files with one objection", count=MAX_FILES), "too-many-files")
    at = clock.at(on)
    uploads = [(await read_upload(request, f, EVIDENCE_TYPES), safe_name(f.filename, "document")) for f in files]
    return await run_in_threadpool(_file, request, session, auth, campaign, body, text, documents, contested,
                                   uploads, at)


def _file(request, session, auth, campaign, body, text, documents, contested, uploads, at) -> dict:
    c = load(session, campaign)
    names = [d.strip() for d in documents if d and d.strip()] + [name for _, name in uploads]
    row = campaigns.file_objection(session, c, body, text, names, auth.actor.name, contested=contested, at=at)
    for (content, media), name in uploads:
        store_evidence(request, session, auth, campaign, content, media, name, None, row.id, commit=False)
    session.commit()
    return objection_info(session, row)


@router.get("/objections", response_model=list[ObjectionInfo])
def list_objections(campaign: str = campaign_param(), body: str | None = body_query(),
                    auth: Authentication = Depends(authenticate), session: Session = Depends(store_session)):
    """The objections the caller may see (a body officer: their own body's; a commission member: those of the
    bodies whose commission they sit on)."""
    c = load(session, campaign)
    visible = readable(session, auth, "objection.read", c, body)
    rows = session.execute(select(Objection).where(Objection.campaign_id == c.id).order_by(Objection.id)).scalars()
    return [objection_info(session, row) for row in rows if visible is None or row.body_code in visible]


@router.get("/objections/{objection_id}", response_model=ObjectionInfo)
def get_objection(campaign: str = campaign_param(), objection_id: int = id_param("objection"),
                  auth: Authentication = Depends(authenticate), session: Session = Depends(store_session)):
    c = load(session, campaign)
    return objection_info(session, _objection(session, auth, c, objection_id))


@router.post("/objections/{objection_id}/evidence", response_model=EvidenceInfo, status_code=201)
async def attach_to_objection(request: Request, file: UploadFile = File(), campaign: str = campaign_param(),
                              objection_id: int = id_param("objection"), auth: Authentication = Depends(signed_in),
                              session: Session = Depends(store_session)):
    """One more document for the body's objection, while objections are open."""
    content, media = await read_upload(request, file, EVIDENCE_TYPES)
    return await run_in_threadpool(store_evidence, request, session, auth, campaign, content, media,
                                   safe_name(file.filename, "document"), None, objection_id)


@router.post("/bodies/{body}/commission", response_model=CommissionInfo, status_code=201)
def appoint(data: CommissionRequest, campaign: str = campaign_param(), body: str = body_param(),
            auth: Authentication = Depends(signed_in), session: Session = Depends(store_session),
            clock: Clock = Depends(server_clock)):
    """Appoint the special commission for the body's objections."""
    c = load(session, campaign)
    row = campaigns.appoint_commission(session, c, body, data.members, auth.actor.name, at=clock.at(data.on))
    session.commit()
    return _commission(session, row)


def _commission(session: Session, row: Commission) -> dict:
    from bagalau.store.models import User
    names = [session.get(User, m.user_id).name for m in row.members]
    return dict(id=row.id, body=row.body_code, members=names, appointed_by=row.appointed_by,
                appointed_at=row.appointed_at)


@router.get("/bodies/{body}/commission", response_model=CommissionInfo)
def get_commission(campaign: str = campaign_param(), body: str = body_param(),
                   auth: Authentication = Depends(authenticate), session: Session = Depends(store_session)):
    c = load(session, campaign)
    policy.check(session, auth.actor, "objection.read", campaign=c, body=body)
    row = session.execute(select(Commission).where(Commission.campaign_id == c.id, Commission.body_code == body)
                          ).scalar_one_or_none()
    if row is None:
        raise campaigns.NotFound(f"no commission for '{body}' in campaign '{c.name}'")
    return _commission(session, row)


@router.post("/objections/{objection_id}/preview", response_model=Preview)
def preview(data: PreviewRequest, campaign: str = campaign_param(), objection_id: int = id_param("objection"),
            auth: Authentication = Depends(signed_in), session: Session = Depends(store_session)):
    """What this decision would do to every body's total and rank, and which of the body's nodes move.
    Nothing is written."""
    c = load(session, campaign)
    return whatif.preview_decision(session, c, objection_id, auth.actor, outcome=data.outcome,
                                   remove_facts=data.remove_facts, input_changes=data.input_changes)


@router.get("/objections/{objection_id}/options", response_model=list[Option])
def options(campaign: str = campaign_param(), objection_id: int = id_param("objection"),
            auth: Authentication = Depends(signed_in), session: Session = Depends(store_session)):
    """Every decision the commission can take on the objection, each with its preview."""
    c = load(session, campaign)
    return whatif.decision_options(session, c, objection_id, auth.actor)


@router.post("/objections/{objection_id}/decision", response_model=ObjectionInfo, status_code=201)
def decide(data: DecisionRequest, campaign: str = campaign_param(), objection_id: int = id_param("objection"),
           auth: Authentication = Depends(signed_in), session: Session = Depends(store_session),
           clock: Clock = Depends(server_clock)):
    """The commission's decision; removing facts or changing inputs rescores as a new run."""
    c = load(session, campaign)
    campaigns.decide_objection(session, c, objection_id, auth.actor.name, outcome=data.outcome,
                               reasoning=data.reasoning, remove_facts=data.remove_facts,
                               input_changes=data.input_changes, at=clock.at(data.on))
    session.commit()
    row = session.get(Objection, objection_id)
    session.refresh(row)
    return objection_info(session, row)
