"""Campaigns: list, create, status (each body's row only for whom may see it),
schedule, and the generic next step."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from bagalau import campaigns
from bagalau.campaigns import policy
from bagalau.store.models import Campaign

from ..auth import Authentication, authenticate, signed_in
from ..state import store_session
from .common import Clock, server_clock

router = APIRouter(prefix="/campaigns", tags=["campaigns"])


class CampaignSummary(BaseModel):
    id: int
    name: str
    methodology: str
    period: int
    evaluator: str
    state: str
    bodies: int


class NewCampaign(BaseModel):
    name: str = Field(min_length=1, max_length=128)
    methodology: str = Field(min_length=1, max_length=64, description="edition id, e.g. it-2012")
    period: int = Field(ge=2000, le=2100, description="reporting year")
    evaluator: str = Field(min_length=1, max_length=64, description="code of the evaluating body")
    bodies: list[str] = Field(min_length=1, description="codes of the evaluated bodies")
    options: dict[str, str] = Field({}, description="readings of ambiguities, e.g. {\"A13\": \"zero\"}")
    settings: dict[str, Any] = Field({}, description="e.g. submission_deadline, objection_working_days")
    evaluators: dict[str, list[str]] = Field({}, description="body -> users who evaluate it (2012 §107)")
    previous: int | None = Field(None, description="the previous campaign, for the post-audit")


class Step(BaseModel):
    on: date | None = Field(None, description="effective date of the step (default: now)")


class Deadline(BaseModel):
    key: str
    name: str | None
    due: date | None
    paragraph: str | None
    source: str
    after: str | None


class BodyStatus(BaseModel):
    body: str
    profile: str
    visible: bool = Field(description="false: this caller may not see the body's data yet")
    version: int | None = None
    submitted: date | None = None
    flags: list[str] = []
    facts: int | None = None
    total: str | None = None
    objections: list[str] = []


class Status(BaseModel):
    id: int
    name: str
    methodology: str
    content_hash: str
    period: int
    evaluator: str
    state: str
    next: str
    deadlines: list[Deadline]
    runs: int
    latest_run: int | None
    bodies: list[BodyStatus]


class Advanced(BaseModel):
    campaign: str
    before: str
    state: str


def summary(campaign: Campaign) -> dict:
    return dict(id=campaign.id, name=campaign.name, methodology=campaign.methodology_id, period=campaign.period,
                evaluator=campaign.evaluator_code, state=campaign.state, bodies=len(campaign.bodies))


@router.get("", response_model=list[CampaignSummary])
def list_campaigns(auth: Authentication = Depends(authenticate), session: Session = Depends(store_session)):
    policy.check(session, auth.actor, "campaign.read")
    return [summary(c) for c in session.execute(select(Campaign).order_by(Campaign.id)).scalars()]


@router.post("", response_model=Status, status_code=201)
def create_campaign(data: NewCampaign, auth: Authentication = Depends(signed_in),
                    session: Session = Depends(store_session)):
    campaign = campaigns.create_campaign(
        session, name=data.name, methodology_id=data.methodology, period=data.period, evaluator=data.evaluator,
        bodies=data.bodies, actor=auth.actor.name, options=data.options, settings=data.settings,
        evaluators=data.evaluators, previous=data.previous)
    session.commit()
    return status_for(session, auth, campaign)


def status_for(session: Session, auth: Authentication, campaign: Campaign) -> dict:
    info = campaigns.status(session, campaign)
    visible = policy.visible_bodies(session, auth.actor, "submission.read", campaign)
    rows = []
    for row in info["bodies"]:
        if visible is None or row["body"] in visible:
            rows.append({**row, "visible": True})
        else:
            rows.append({"body": row["body"], "profile": row["profile"], "visible": False})
    return {**info, "bodies": rows}


@router.get("/{campaign}", response_model=Status)
def status(campaign: str, auth: Authentication = Depends(authenticate), session: Session = Depends(store_session)):
    """State, deadlines, runs; per body the version, flags, facts, total and objections (where the caller may see them)."""
    policy.check(session, auth.actor, "campaign.read")
    return status_for(session, auth, campaigns.get_campaign(session, campaign))


@router.get("/{campaign}/schedule", response_model=list[Deadline])
def schedule(campaign: str, auth: Authentication = Depends(authenticate), session: Session = Depends(store_session)):
    """The deadlines: from the act, from campaign settings, and those resolved from events."""
    policy.check(session, auth.actor, "campaign.read")
    return campaigns.status(session, campaigns.get_campaign(session, campaign))["deadlines"]


@router.post("/{campaign}/advance", response_model=Advanced)
def advance(campaign: str, step: Step, auth: Authentication = Depends(signed_in),
            session: Session = Depends(store_session),
            clock: Clock = Depends(server_clock)):
    """The next generic step: open → close submissions → score → send drafts → finalise."""
    c = campaigns.get_campaign(session, campaign)
    before = c.state
    after = campaigns.advance(session, c, auth.actor.name, at=clock.at(step.on))
    session.commit()
    return {"campaign": c.name, "before": before, "state": after}
