"""The post-audit: improvement plans (2012 §109–110) checked in the next campaign
(§108, §111, §112)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bagalau.store.models import Campaign, ImprovementPlan, PlanAction, PlanCheck

from .state import (
    PLAN_STATUSES,
    CampaignError,
    NotFound,
    _flush,
    _moment,
    _record,
    _require_state,
    _set_state,
)
from .submissions import _campaign_body
from . import policy


def record_improvement_plan(session: Session, campaign: Campaign, body: str, actions: list[dict], actor: str,
                            at: datetime | None = None) -> ImprovementPlan:
    """The body's plan: actions, the people responsible, deadlines (2012 §109–110)."""
    policy.check(session, actor, "plan.write", campaign=campaign, body=body)
    _require_state(campaign, ("final", "post_audit"), "record an improvement plan",
                   "the plan follows the final conclusions")
    _campaign_body(session, campaign, body)
    if not actions:
        raise CampaignError("a plan needs at least one action")
    parsed = []
    for number, item in enumerate(actions, start=1):
        missing = [key for key in ("action", "responsible", "deadline") if not item.get(key)]
        if missing:
            raise CampaignError(f"action {number}: missing {', '.join(missing)}")
        try:
            deadline = item["deadline"] if isinstance(item["deadline"], date) else \
                date.fromisoformat(str(item["deadline"]))
        except ValueError:
            raise CampaignError(f"action {number}: deadline '{item['deadline']}' is not a date (YYYY-MM-DD)") from None
        parsed.append((item["action"], item["responsible"], deadline))
    moment = _moment(at)
    plan = ImprovementPlan(campaign_id=campaign.id, body_code=body, recorded_by=actor, recorded_at=moment)
    session.add(plan)
    _flush(session, f"plan of '{body}'")
    for action, responsible, deadline in parsed:
        plan.actions.append(PlanAction(action=action, responsible=responsible, deadline=deadline, checks=[]))
    _flush(session, f"plan of '{body}'")
    _record(session, campaign, actor, "plan.record", f"plan:{plan.id}", {"body": body, "actions": actions}, at)
    if campaign.state == "final":
        _set_state(session, campaign, "post_audit", actor, at)
    return plan


def check_post_audit(session: Session, campaign: Campaign, action_id: int, status: str, note: str, actor: str,
                     at: datetime | None = None) -> PlanAction:
    """In the next campaign, record how far a plan action of the previous one was done (2012 §108, §111).
    A check is a new row; a later check of the same action supersedes it."""
    policy.check(session, actor, "postaudit.check", campaign=campaign)
    if status not in PLAN_STATUSES[1:]:
        raise CampaignError(f"status must be one of {', '.join(PLAN_STATUSES[1:])}")
    action = session.get(PlanAction, action_id)
    if action is None:
        raise NotFound(f"no plan action #{action_id}")
    plan = session.get(ImprovementPlan, action.plan_id)
    if campaign.previous_campaign_id != plan.campaign_id:
        raise CampaignError(f"action #{action_id} belongs to campaign {plan.campaign_id}; the post-audit checks it in "
                            f"the campaign that follows it, not in '{campaign.name}'")
    _require_state(campaign, ("created", "submissions", "verification", "scored"), "check a plan",
                   "post-audit results go into the draft conclusions")
    action.checks.append(PlanCheck(campaign_id=campaign.id, status=status, note=note, checked_by=actor,
                                   checked_at=_moment(at)))
    _flush(session, f"plan action #{action_id}")
    _record(session, campaign, actor, "plan.check", f"plan_action:{action_id}",
            {"body": plan.body_code, "status": status, "note": note}, at)
    return action


def post_audit_results(session: Session, campaign: Campaign, body: str) -> list[dict]:
    """The «Результаты пост-аудита» section (2012 §112): the previous campaign's plan, as checked."""
    if campaign.previous_campaign_id is None:
        return []
    plans = session.execute(select(ImprovementPlan).where(ImprovementPlan.campaign_id == campaign.previous_campaign_id,
                                                          ImprovementPlan.body_code == body)).scalars()
    return [{"action": a.action, "responsible": a.responsible, "deadline": a.deadline, "status": a.status,
             "note": a.check_note} for plan in plans for a in plan.actions]
