"""Improvement plans (2012 §109–110) after the final conclusions, and the
post-audit: the next campaign checks each action (§108, §111) and the
results go into its conclusions (§112)."""

from __future__ import annotations

from datetime import date
from typing import Literal

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from bagalau import campaigns
from bagalau.campaigns import policy
from bagalau.store.models import ImprovementPlan

from ..auth import Authentication, authenticate, signed_in
from ..schemas import Moment
from ..state import store_session
from .common import Clock, body_param, campaign_param, id_param, load, server_clock

router = APIRouter(prefix="/campaigns/{campaign}", tags=["improvement plans"])


class PlanItem(BaseModel):
    action: str = Field(min_length=1, max_length=4000)
    responsible: str = Field(min_length=1, max_length=500)
    deadline: date


class NewPlan(BaseModel):
    actions: list[PlanItem] = Field(min_length=1, max_length=200)
    on: date | None = None


class ActionInfo(BaseModel):
    id: int
    action: str
    responsible: str
    deadline: date
    status: str = Field(description="planned, or the latest check: done, partly, not_done")
    note: str | None


class PlanInfo(BaseModel):
    id: int
    body: str
    recorded_by: str
    recorded_at: Moment
    actions: list[ActionInfo]


class Check(BaseModel):
    status: Literal["done", "partly", "not_done"]
    note: str = Field("", max_length=4000)
    on: date | None = None


class PostAuditItem(BaseModel):
    action: str
    responsible: str
    deadline: date
    status: str
    note: str | None


def plan_info(plan: ImprovementPlan) -> dict:
    return dict(id=plan.id, body=plan.body_code, recorded_by=plan.recorded_by, recorded_at=plan.recorded_at,
                actions=[dict(id=a.id, action=a.action, responsible=a.responsible, deadline=a.deadline,
                              status=a.status, note=a.check_note) for a in plan.actions])


@router.post("/bodies/{body}/plan", response_model=PlanInfo, status_code=201)
def record_plan(data: NewPlan, campaign: str = campaign_param(), body: str = body_param(),
                auth: Authentication = Depends(signed_in), session: Session = Depends(store_session),
                clock: Clock = Depends(server_clock)):
    """The body's improvement plan: actions, who is responsible, deadlines."""
    c = load(session, campaign)
    plan = campaigns.record_improvement_plan(session, c, body, [item.model_dump() for item in data.actions],
                                             auth.actor.name, at=clock.at(data.on))
    session.commit()
    return plan_info(plan)


@router.get("/bodies/{body}/plan", response_model=list[PlanInfo])
def body_plans(campaign: str = campaign_param(), body: str = body_param(),
               auth: Authentication = Depends(authenticate), session: Session = Depends(store_session)):
    """The body's plans in this campaign, with each action's latest check."""
    c = load(session, campaign)
    policy.check(session, auth.actor, "plan.read", campaign=c, body=body)
    campaigns.submissions._campaign_body(session, c, body)
    rows = session.execute(select(ImprovementPlan).where(ImprovementPlan.campaign_id == c.id,
                                                         ImprovementPlan.body_code == body)
                           .order_by(ImprovementPlan.id)).scalars()
    return [plan_info(plan) for plan in rows]


@router.post("/post-audit/{action_id}", response_model=ActionInfo, status_code=201)
def check_action(data: Check, campaign: str = campaign_param(), action_id: int = id_param("plan action"),
                 auth: Authentication = Depends(signed_in), session: Session = Depends(store_session),
                 clock: Clock = Depends(server_clock)):
    """In this (the next) campaign, how far an action of the previous campaign's plan was done."""
    c = load(session, campaign)
    action = campaigns.check_post_audit(session, c, action_id, data.status, data.note, auth.actor.name,
                                        at=clock.at(data.on))
    session.commit()
    session.refresh(action)
    return dict(id=action.id, action=action.action, responsible=action.responsible, deadline=action.deadline,
                status=action.status, note=action.check_note)


@router.get("/bodies/{body}/post-audit", response_model=list[PostAuditItem])
def post_audit(campaign: str = campaign_param(), body: str = body_param(),
               auth: Authentication = Depends(authenticate), session: Session = Depends(store_session)):
    """The «results of the post-audit» for the body (2012 §112): the previous campaign's plan, as checked."""
    c = load(session, campaign)
    policy.check(session, auth.actor, "plan.read", campaign=c, body=body)
    campaigns.submissions._campaign_body(session, c, body)
    return campaigns.post_audit_results(session, c, body)
