"""Scoring runs and what comes of them: scoring as a job, the runs, each body's
scores and explanation (JSON), the draft and final conclusions, and the
rating (provisional from the latest run, final once the campaign is).

A body officer sees only their own body's scores, explanation and conclusions
until the rating is final; then the scores and explanations of the final runs
are published, to everyone, as the final rating is."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, Response
from fastapi.security import HTTPAuthorizationCredentials
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from bagalau import campaigns
from bagalau.campaigns import policy
from bagalau.campaigns.state import _require_state
from bagalau.i18n import Message
from bagalau.store.models import Conclusion, Job, RunResult, ScoringRun

from .. import published
from ..auth import Authentication, authenticate, bearer_scheme, cookie_scheme, signed_in
from ..published import Answer
from ..problems import ProblemError
from ..schemas import Moment
from ..state import store_session
from .common import Clock, body_param, campaign_param, id_param, load, server_clock
from .verification import readable

router = APIRouter(prefix="/campaigns/{campaign}", tags=["scoring"])
jobs_router = APIRouter(prefix="/jobs", tags=["jobs"])


class JobInfo(BaseModel):
    id: str
    kind: str
    campaign: int | None
    status: str = Field(description="queued, running, succeeded or failed")
    result: dict[str, Any] | None
    error: str | None
    created_by: str
    created_at: Moment
    started_at: Moment | None
    finished_at: Moment | None


class ScoringRequest(BaseModel):
    reason: str = Field("scoring", min_length=1, max_length=500)


class RunInfo(BaseModel):
    number: int
    reason: str
    created_by: str
    created_at: Moment
    content_hash: str
    decision: int | None
    facts: int


class BodyResult(BaseModel):
    body: str
    total: str = Field(description="rounded as the act rounds it")
    total_exact: str
    penalty: str
    scores: dict[str, str]


class RunDetail(RunInfo):
    results: list[BodyResult] = Field(description="the bodies whose scores the caller may see")


class ConclusionInfo(BaseModel):
    id: int
    body: str
    kind: str = Field(description="draft or final")
    run: int
    total: str
    rank: int | None
    grade: Any = None
    sent_at: Moment
    objection_deadline: date | None
    content: dict[str, Any]


class Step(BaseModel):
    on: date | None = Field(None, description="effective date of the step (default: now)")


class RatingRow(BaseModel):
    rank: int
    body: str
    name: str
    name_kk: str | None
    name_ru: str | None
    name_en: str | None
    total: str
    profile: str | None
    grade: str | None


class Rating(BaseModel):
    campaign: str
    methodology: str
    content_hash: str
    period: int
    final: bool = Field(description="false: provisional, from the latest scoring run")
    rating: list[RatingRow]
    anchor: dict[str, Any] | None


def job_info(job: Job) -> dict:
    return dict(id=job.id, kind=job.kind, campaign=job.campaign_id, status=job.status, result=job.result,
                error=job.error, created_by=job.created_by, created_at=job.created_at, started_at=job.started_at,
                finished_at=job.finished_at)


@router.post("/runs", response_model=JobInfo, status_code=202)
def score(request: Request, data: ScoringRequest, campaign: str = campaign_param(),
          auth: Authentication = Depends(signed_in), session: Session = Depends(store_session)):
    """Score every body as a job (in this process on the embedded store, on the queue on PostgreSQL);
    follow it at `Location` (GET /api/v1/jobs/{id}). The run is immutable once made."""
    c = load(session, campaign)
    policy.check(session, auth.actor, "scoring.run", campaign=c)
    _require_state(c, ("verification", "scored"), "run scoring",
                   "after the draft conclusions, scores change only through a commission decision")
    job = request.app.state.jobs.submit(session, "scoring", auth.actor.name, campaign_id=c.id,
                                        params={"reason": data.reason})
    return JSONResponse(JobInfo(**job_info(job)).model_dump(mode="json"), status_code=202,
                        headers={"Location": f"/api/v1/jobs/{job.id}"})


@jobs_router.get("/{job_id}", response_model=JobInfo)
def get_job(job_id: str, auth: Authentication = Depends(signed_in), session: Session = Depends(store_session)):
    """A job's status and, when done, its result or why it failed."""
    job = session.get(Job, job_id[:64])
    if job is None:
        raise ProblemError(404, Message("no job '%(job)s'", job=job_id[:64]), "not-found")
    policy.check(session, auth.actor, "job.read", owner=job.created_by)
    return job_info(job)


def _run(session: Session, c, number: int) -> ScoringRun:
    run = session.execute(select(ScoringRun).where(ScoringRun.campaign_id == c.id, ScoringRun.number == number)
                          ).scalar_one_or_none()
    if run is None:
        raise campaigns.NotFound(f"campaign '{c.name}' has no scoring run {number}")
    return run


def _run_info(run: ScoringRun) -> dict:
    return dict(number=run.number, reason=run.reason, created_by=run.created_by, created_at=run.created_at,
                content_hash=run.content_hash, decision=run.decision_id, facts=len(run.fact_ids or []))


@router.get("/runs", response_model=list[RunInfo])
def list_runs(campaign: str = campaign_param(), auth: Authentication = Depends(authenticate),
              session: Session = Depends(store_session)):
    """The scoring runs, oldest first (no body's scores: see each run)."""
    c = load(session, campaign)
    policy.check(session, auth.actor, "campaign.read", campaign=c)
    rows = session.execute(select(ScoringRun).where(ScoringRun.campaign_id == c.id).order_by(ScoringRun.number))
    return [_run_info(run) for run in rows.scalars()]


@router.get("/runs/{number}", response_model=RunDetail)
def get_run(campaign: str = campaign_param(), number: int = id_param("run"),
            auth: Authentication = Depends(authenticate), session: Session = Depends(store_session)):
    """One run: its snapshot and the scores of the bodies the caller may see."""
    c = load(session, campaign)
    visible = readable(session, auth, "scores.read", c, None)
    run = _run(session, c, number)
    results = [dict(body=r.body_code, total=r.total_rounded, total_exact=r.total, penalty=r.penalty, scores=r.scores)
               for r in sorted(run.results, key=lambda r: r.body_code) if visible is None or r.body_code in visible]
    return {**_run_info(run), "results": results}


def _explanation(session: Session, auth: Authentication, campaign: str, body: str, number: int | None) -> Answer:
    """The stored explanation, as the bytes to send, and whether the campaign is final (the answer is then
    published and never changes)."""
    c = load(session, campaign)
    policy.check(session, auth.actor, "explanation.read", campaign=c, body=body)
    if number is None:
        run = campaigns.latest_run(session, c)
        if run is None:
            raise campaigns.NotFound(f"campaign '{c.name}' has not been scored yet")
    else:
        run = _run(session, c, number)
    row = session.execute(select(RunResult).where(RunResult.run_id == run.id, RunResult.body_code == body)
                          ).scalar_one_or_none()
    if row is None:
        raise campaigns.NotFound(f"body '{body}' is not in run {run.number} of campaign '{c.name}'")
    document = {"campaign": c.name, "run": run.number, "body": body, "total": row.total_rounded,
                "total_exact": row.total, "explanation": row.explanation}
    return Answer.of(JSONResponse(document).body, final=published.is_final(c.state))


async def _published(request: Request, bearer, cookie, key: tuple, read) -> Response:
    """The public reads a final campaign's answers from memory after the first time (``api.published``);
    everyone else, and the first reader, through the store and the policy: ``read(session, auth)``."""
    answers = request.app.state.published
    if published.anonymous(bearer, cookie):
        kept = answers.get(key)
        if kept is not None:
            return kept.response(request)

    def from_store() -> Answer:
        session = request.app.state.sessions()
        try:
            return read(session, authenticate(request, session, bearer, cookie, None))
        finally:
            session.rollback()
            session.close()

    answer = await run_in_threadpool(from_store)
    answers.keep(key, answer)
    return answer.response(request)


async def _published_explanation(request: Request, bearer, cookie, campaign: str, body: str,
                                 number: int | None) -> Response:
    return await _published(request, bearer, cookie, ("explanation", campaign, number, body),
                            lambda session, auth: _explanation(session, auth, campaign, body, number))


@router.get("/bodies/{body}/explanation", response_model=dict[str, Any])
async def explanation(request: Request, campaign: str = campaign_param(), body: str = body_param(),
                      bearer: HTTPAuthorizationCredentials | None = Depends(bearer_scheme),
                      cookie: str | None = Depends(cookie_scheme)):
    """The body's explanation in the latest run: every node's score, formula, inputs, paragraphs, penalties
    and verification (JSON). Carries an ETag (``If-None-Match`` gives 304); a final campaign's is public and
    may be cached for five minutes."""
    return await _published_explanation(request, bearer, cookie, campaign, body, None)


@router.get("/runs/{number}/explanations/{body}", response_model=dict[str, Any])
async def run_explanation(request: Request, campaign: str = campaign_param(), number: int = id_param("run"),
                          body: str = body_param(),
                          bearer: HTTPAuthorizationCredentials | None = Depends(bearer_scheme),
                          cookie: str | None = Depends(cookie_scheme)):
    """The body's explanation in one run (ETag and caching as for the latest run's)."""
    return await _published_explanation(request, bearer, cookie, campaign, body, number)


# --- conclusions and the rating ----------------------------------------------------------------

def conclusion_info(session: Session, row: Conclusion) -> dict:
    import json
    run = session.get(ScoringRun, row.run_id)
    return dict(id=row.id, body=row.body_code, kind=row.kind, run=run.number, total=row.total, rank=row.rank,
                grade=json.loads(row.grade) if row.grade else None, sent_at=row.sent_at,
                objection_deadline=row.objection_deadline, content=row.content)


@router.get("/bodies/{body}/conclusions", response_model=list[ConclusionInfo])
def body_conclusions(campaign: str = campaign_param(), body: str = body_param(),
                     auth: Authentication = Depends(authenticate), session: Session = Depends(store_session)):
    """The body's draft and final conclusions, oldest first."""
    c = load(session, campaign)
    policy.check(session, auth.actor, "conclusion.read", campaign=c, body=body)
    campaigns.submissions._campaign_body(session, c, body)
    rows = session.execute(select(Conclusion).where(Conclusion.campaign_id == c.id, Conclusion.body_code == body)
                           .order_by(Conclusion.id)).scalars()
    return [conclusion_info(session, row) for row in rows]


@router.post("/conclusions/drafts", response_model=list[ConclusionInfo], status_code=201)
def send_drafts(data: Step, campaign: str = campaign_param(), auth: Authentication = Depends(signed_in),
                session: Session = Depends(store_session),
                clock: Clock = Depends(server_clock)):
    """Send the draft conclusions from the latest run; the objection window opens."""
    c = load(session, campaign)
    rows = campaigns.send_draft_conclusions(session, c, auth.actor.name, at=clock.at(data.on))
    session.commit()
    return [conclusion_info(session, row) for row in rows]


@router.post("/finalise", response_model=list[ConclusionInfo], status_code=201)
def finalise(data: Step, campaign: str = campaign_param(), auth: Authentication = Depends(signed_in),
             session: Session = Depends(store_session),
             clock: Clock = Depends(server_clock)):
    """Final conclusions and the final rating (every objection decided, the window closed), with a signed
    checkpoint of the audit chain."""
    c = load(session, campaign)
    rows = campaigns.finalise(session, c, auth.actor.name, at=clock.at(data.on))
    session.commit()
    return [conclusion_info(session, row) for row in rows]


@router.get("/rating", response_model=Rating)
async def rating(request: Request, campaign: str = campaign_param(),
                 bearer: HTTPAuthorizationCredentials | None = Depends(bearer_scheme),
                 cookie: str | None = Depends(cookie_scheme)):
    """The rating: final (public) once the campaign is final, else provisional from the latest run (the
    campaign's staff only). Carries an ETag; a final one may be cached for 30 seconds (it names the bodies
    as the registry names them now)."""
    def from_store(session: Session, auth: Authentication) -> Answer:
        c = load(session, campaign)
        policy.check(session, auth.actor, "rating.read", campaign=c)
        document = Rating.model_validate(campaigns.rating_document(session, c)).model_dump(mode="json")
        return Answer.of(JSONResponse(document).body, final=published.is_final(c.state),
                         seconds=published.RATING_SECONDS)

    return await _published(request, bearer, cookie, ("rating", campaign), from_store)
