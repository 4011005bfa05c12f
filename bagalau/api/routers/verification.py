"""Verification: unreliable facts (the reported value, the verified one and the
document they rest on), a what-if preview of a fact before it is recorded, and
evidence files attached to facts and objections.

Evidence is stored by its SHA-256 (never under a name the uploader gave),
limited in size and type (the type is read from the content), refused when
it is HTML, and served only as a download (``Content-Disposition:
attachment``, ``X-Content-Type-Options: nosniff``). Its hash goes into the
audit chain; the file is written after every check has passed, just before
the rows that name it are committed."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Depends, File, Query, Request, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from bagalau import campaigns
from bagalau.campaigns import evidence, policy, whatif
from bagalau.store.files import Evidence
from bagalau.store.models import Fact

from ..auth import Authentication, authenticate, signed_in
from ..problems import ProblemError
from ..schemas import Moment
from ..state import store_session
from ..uploads import EVIDENCE_TYPES, read_upload, safe_name
from .common import Clock, attachment, body_query, campaign_param, id_param, load, server_clock

router = APIRouter(prefix="/campaigns/{campaign}", tags=["verification"])


class FactInfo(BaseModel):
    id: int
    body: str
    input: str
    rule: str
    node: str | None
    submission_version: int | None
    reported: Any
    verified: Any
    document: str
    note: str | None
    recorded_by: str
    recorded_at: Moment
    active: bool
    evidence: list[int] = Field(description="ids of the attached evidence files")


class NewFact(BaseModel):
    body: str = Field(min_length=1, max_length=64)
    input: str = Field(min_length=1, max_length=128, description="the input whose reported value is unreliable")
    verified: Any = Field(None, description="the verified value (required where the rule recalculates with it)")
    document: str = Field(min_length=1, max_length=2000, description="the document it rests on (act, record)")
    rule: str | None = Field(None, max_length=64, description="the penalty rule (default: the edition's one)")
    node: str | None = Field(None, max_length=64, description="the direction, for rules capped per direction")
    note: str | None = Field(None, max_length=4000)
    on: date | None = Field(None, description="effective date (default: now)")


class FactPreview(BaseModel):
    body: str = Field(min_length=1, max_length=64)
    input: str = Field(min_length=1, max_length=128)
    verified: Any = None
    rule: str | None = Field(None, max_length=64)
    node: str | None = Field(None, max_length=64)


class BodyChange(BaseModel):
    body: str
    total_before: str
    total_after: str
    rank_before: int
    rank_after: int


class NodeChange(BaseModel):
    id: str
    name: Any = None
    before: Any
    after: Any


class Preview(BaseModel):
    body: str
    bodies: list[BodyChange]
    nodes: list[NodeChange]
    changed: list[str]
    input: str | None = None
    reported: Any = None
    verified: Any = None
    rule: str | None = None
    objection: int | None = None
    remove_facts: list[int] | None = None
    input_changes: dict[str, Any] | None = None


class EvidenceInfo(BaseModel):
    id: int
    body: str
    fact: int | None
    objection: int | None
    filename: str
    sha256: str
    size: int | None
    media_type: str
    uploaded_by: str
    uploaded_at: Moment


def readable(session: Session, auth: Authentication, action: str, c, body: str | None) -> set[str] | None:
    """The bodies whose data of this kind the caller may see (None: all); refused as the policy says when it
    is one body they may not see, or none at all."""
    if body is not None:
        policy.check(session, auth.actor, action, campaign=c, body=body)
        return {body}
    visible = policy.visible_bodies(session, auth.actor, action, c)
    if visible is not None and not visible:
        policy.check(session, auth.actor, action, campaign=c)
    return visible


def fact_info(session: Session, fact: Fact, active: set[int]) -> dict:
    from bagalau.store.models import SubmissionVersion
    version = session.get(SubmissionVersion, fact.submission_id)
    files = [row.id for row in session.query(Evidence).filter(Evidence.fact_id == fact.id).order_by(Evidence.id)]
    return dict(id=fact.id, body=fact.body_code, input=fact.input_id, rule=fact.rule, node=fact.node,
                submission_version=version.version if version else None, reported=fact.reported_value,
                verified=fact.verified_value, document=fact.document, note=fact.note, recorded_by=fact.recorded_by,
                recorded_at=fact.recorded_at, active=fact.id in active, evidence=files)


def evidence_info(session: Session, row: Evidence) -> dict:
    from bagalau.store.files import EvidenceFile
    stored = session.get(EvidenceFile, row.sha256)
    return dict(id=row.id, body=row.body_code, fact=row.fact_id, objection=row.objection_id, filename=row.filename,
                sha256=row.sha256, size=stored.size if stored else None,
                media_type=stored.media_type if stored else "application/octet-stream",
                uploaded_by=row.uploaded_by, uploaded_at=row.uploaded_at)


@router.get("/facts", response_model=list[FactInfo])
def list_facts(campaign: str = campaign_param(), body: str | None = body_query(),
               include_removed: bool = Query(False, description="also facts removed by a commission decision or "
                                                                 "withdrawn with their finding"),
               auth: Authentication = Depends(authenticate), session: Session = Depends(store_session)):
    """The unreliable facts the caller may see (a body officer: their own body's)."""
    c = load(session, campaign)
    visible = readable(session, auth, "fact.read", c, body)
    active = {fact.id for fact in campaigns.active_facts(session, c, body)}
    query = session.query(Fact).filter(Fact.campaign_id == c.id)
    if body is not None:
        query = query.filter(Fact.body_code == body)
    rows = [fact for fact in query.order_by(Fact.id)
            if (visible is None or fact.body_code in visible) and (include_removed or fact.id in active)]
    return [fact_info(session, fact, active) for fact in rows]


@router.post("/facts", response_model=FactInfo, status_code=201)
def add_fact(data: NewFact, campaign: str = campaign_param(), auth: Authentication = Depends(signed_in),
             session: Session = Depends(store_session),
             clock: Clock = Depends(server_clock)):
    """Record an unreliable fact (evaluators of the campaign, during verification)."""
    c = load(session, campaign)
    fact = campaigns.add_fact(session, c, data.body, data.input, data.verified, data.document, auth.actor.name,
                              rule=data.rule, node=data.node, note=data.note, at=clock.at(data.on))
    session.commit()
    return fact_info(session, fact, {fact.id})


@router.post("/facts/preview", response_model=Preview)
def preview_fact(data: FactPreview, campaign: str = campaign_param(), auth: Authentication = Depends(signed_in),
                 session: Session = Depends(store_session)):
    """What recording this fact would do: every body's total and rank, and the body's nodes that move.
    Nothing is written."""
    c = load(session, campaign)
    return whatif.preview_fact(session, c, data.body, data.input, data.verified, auth.actor.name, rule=data.rule,
                               node=data.node)


@router.post("/facts/{fact_id}/evidence", response_model=EvidenceInfo, status_code=201)
async def attach_to_fact(request: Request, file: UploadFile = File(description="PDF, image, office document, "
                                                                               "text or CSV; never HTML"),
                         campaign: str = campaign_param(), fact_id: int = id_param("fact"),
                         auth: Authentication = Depends(signed_in), session: Session = Depends(store_session)):
    """Attach a document to a fact (the campaign's evaluators)."""
    content, media = await read_upload(request, file, EVIDENCE_TYPES)
    return await run_in_threadpool(store_evidence, request, session, auth, campaign, content, media,
                                   safe_name(file.filename, "evidence"), fact_id, None)


def store_evidence(request: Request, session: Session, auth: Authentication, campaign: str, content: bytes,
                   media: str, filename: str, fact_id: int | None, objection_id: int | None,
                   commit: bool = True) -> dict:
    """The rows first (every check), then the file, then the commit: no row ever names a file that is not
    there; a commit that fails leaves at most a stored file no row names."""
    c = load(session, campaign)
    row = evidence.attach(session, c, content, media, filename, auth.actor, fact_id=fact_id,
                          objection_id=objection_id)
    request.app.state.blobs.put(content)
    if commit:
        session.commit()
    return evidence_info(session, row)


@router.get("/evidence", response_model=list[EvidenceInfo])
def list_evidence(campaign: str = campaign_param(), body: str | None = body_query(),
                  fact: int | None = Query(None, ge=1, le=2**31 - 1),
                  objection: int | None = Query(None, ge=1, le=2**31 - 1),
                  auth: Authentication = Depends(signed_in), session: Session = Depends(store_session)):
    """The evidence files the caller may see."""
    c = load(session, campaign)
    rows = evidence.listing(session, c, auth.actor, fact_id=fact, objection_id=objection, body=body)
    return [evidence_info(session, row) for row in rows]


@router.get("/evidence/{evidence_id}", response_class=Response, responses={200: {
    "content": {"application/octet-stream": {}}, "description": "the file, as an attachment"}})
def download_evidence(request: Request, campaign: str = campaign_param(), evidence_id: int = id_param("evidence"),
                      auth: Authentication = Depends(signed_in), session: Session = Depends(store_session)):
    """The file, always as a download (never rendered by the browser)."""
    c = load(session, campaign)
    row = evidence.get(session, c, evidence_id, auth.actor)
    try:
        content = request.app.state.blobs.get(row.sha256)
    except FileNotFoundError:
        raise ProblemError(410, f"evidence #{evidence_id}: the stored file {row.sha256} is missing", "gone") \
            from None
    except OSError as exc:
        raise ProblemError(409, f"evidence #{evidence_id}: {exc}", "changed") from None
    return attachment(content, evidence.media_type(session, row.sha256), row.filename)
