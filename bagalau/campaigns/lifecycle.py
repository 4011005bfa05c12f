"""The lifecycle: a campaign's status and the step that advances it to the next state."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bagalau.store.models import Campaign, Objection, ScoringRun

from .conclusions import send_draft_conclusions
from .rating import finalise
from .runs import latest_run, run_scoring
from .schedule import open_submissions
from .state import CampaignError, Progress, _day
from .submissions import close_submissions, latest_submission
from .verification import active_facts


def status(session: Session, campaign: Campaign) -> dict:
    run = latest_run(session, campaign)
    totals = {r.body_code: r.total_rounded for r in run.results} if run else {}
    bodies = []
    for member in campaign.bodies:
        latest = latest_submission(session, campaign, member.body_code)
        objections = list(session.execute(select(Objection).where(Objection.campaign_id == campaign.id,
                                                                  Objection.body_code == member.body_code)).scalars())
        bodies.append({"body": member.body_code, "profile": member.profile,
                       "version": latest.version if latest else None,
                       "submitted": _day(latest.submitted_at) if latest else None,
                       "flags": [f["kind"] for f in member.flags],
                       "facts": len(active_facts(session, campaign, member.body_code)),
                       "total": totals.get(member.body_code),
                       "objections": [f"#{o.id} {o.status}" for o in objections]})
    runs = session.execute(select(func.count()).select_from(ScoringRun)
                           .where(ScoringRun.campaign_id == campaign.id)).scalar()
    return {"id": campaign.id, "name": campaign.name, "methodology": campaign.methodology_id,
            "content_hash": campaign.content_hash, "period": campaign.period, "evaluator": campaign.evaluator_code,
            "state": campaign.state, "next": NEXT_STEP.get(campaign.state, ""),
            "deadlines": [{"key": d.key, "name": d.name, "due": d.due, "paragraph": d.paragraph,
                           "source": d.source, "after": d.after} for d in campaign.deadlines],
            "runs": runs, "latest_run": run.number if run else None, "bodies": bodies}


NEXT_STEP = {
    "created": "open submissions (advance)",
    "submissions": "bodies submit reports; then close submissions (advance)",
    "verification": "record unreliable facts (verify add-fact); then score (advance)",
    "scored": "send draft conclusions (advance)",
    "drafts_sent": "bodies may object within the window; then finalise (advance)",
    "objections": "appoint a commission per objecting body (objection commission)",
    "commission": "the commission decides each objection (objection decide); then finalise (advance)",
    "final": "bodies record improvement plans (campaign plan)",
    "post_audit": "the next campaign checks the plans (post-audit)",
}


def advance(session: Session, campaign: Campaign, actor: str, at: datetime | None = None,
            progress: Progress | None = None) -> str:
    """Take the campaign's next generic step; returns the new state. ``progress`` (see
    ``state.Progress``) hears of the bodies done when the step scores or writes conclusions."""
    steps = {"created": open_submissions, "submissions": close_submissions, "verification": run_scoring,
             "scored": send_draft_conclusions, "drafts_sent": finalise, "objections": finalise,
             "commission": finalise}
    if campaign.state not in steps:
        raise CampaignError(f"campaign '{campaign.name}' is {campaign.state}; there is no further automatic step "
                            f"({NEXT_STEP.get(campaign.state, '')})")
    step = steps[campaign.state]
    if step in (run_scoring, send_draft_conclusions, finalise):
        step(session, campaign, actor, at=at, progress=progress)
    else:
        step(session, campaign, actor, at=at)
    return campaign.state
