"""The dashboard: what is waiting for me, per role.

For every campaign the reader may see: its stage, the next deadlines counted
in working days on Kazakhstan's calendar (``campaigns.workdays``), counts of
reports, facts and objections, and the tasks of the reader's role — the
body officer's report, objection window and improvement plan; the
evaluator's next step; the commission member's objections to decide. What a
body officer sees of other bodies is only what the policy lets them see.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bagalau.campaigns import policy
from bagalau.campaigns.objections import objection_window
from bagalau.campaigns.submissions import latest_submission
from bagalau.campaigns.verification import active_facts
from bagalau.campaigns.workdays import working_days_left
from bagalau.i18n import N_
from bagalau.store.models import Body, Campaign, Commission, CommissionMember, Conclusion, ImprovementPlan, \
    Objection, ScoringRun, SubmissionVersion, User

from ..campaign import deadline_name


@dataclass
class Task:
    text: str                        # message id
    values: dict[str, Any] = field(default_factory=dict)
    href: str | None = None
    due: date | None = None
    left: int | None = None          # working days left (negative: overdue)


@dataclass
class CampaignCard:
    campaign: Campaign
    state: str
    bodies: int
    submitted: int | None            # None: not for this reader
    facts: int | None
    objections_open: int | None
    objections: int | None
    deadlines: list[dict[str, Any]]
    tasks: list[Task]
    own_body: str | None = None
    links: list[tuple[str, str]] = field(default_factory=list)     # (message id, href) of the campaign's pages


def body_names(session: Session) -> dict[str, dict[str, str | None]]:
    return {b.code: {"kk": b.name_kk, "ru": b.name_ru, "en": b.name_en}
            for b in session.execute(select(Body)).scalars()}


def _counts(session: Session, campaign: Campaign, bodies: set[str] | None) -> dict[str, int]:
    def restrict(query, column):
        return query if bodies is None else query.where(column.in_(bodies))

    submitted = session.execute(restrict(
        select(func.count(func.distinct(SubmissionVersion.body_code))).where(
            SubmissionVersion.campaign_id == campaign.id), SubmissionVersion.body_code)).scalar() or 0
    objections = list(session.execute(restrict(select(Objection).where(Objection.campaign_id == campaign.id),
                                               Objection.body_code)).scalars())
    facts = [f for f in active_facts(session, campaign) if bodies is None or f.body_code in bodies]
    return {"submitted": submitted, "facts": len(facts), "objections": len(objections),
            "objections_open": sum(1 for o in objections if o.status == "filed")}


def _deadlines(campaign: Campaign, today: date, body: str | None) -> list[dict[str, Any]]:
    """The campaign's deadlines still ahead (and the last one passed), for the reader."""
    if campaign.state in policy.FINAL_STATES:
        return []
    rows = []
    for deadline in campaign.deadlines:
        if deadline.due is None or (deadline.body_code and deadline.body_code != body):
            continue
        rows.append({"name": deadline.name, "due": deadline.due,
                     "label": deadline_name(campaign.methodology_id, deadline.key, deadline.name),
                     "left": working_days_left(today, deadline.due), "paragraph": deadline.paragraph})
    upcoming = [row for row in rows if row["left"] >= 0]
    return sorted(upcoming, key=lambda row: row["due"])[:3]


def _body_tasks(session: Session, campaign: Campaign, body: str, today: date) -> list[Task]:
    base = f"/campaigns/{campaign.id}/bodies/{body}"
    tasks: list[Task] = []
    if campaign.state == "submissions":
        latest = latest_submission(session, campaign, body)
        if latest is None:
            tasks.append(Task(N_("Submit your body's report."), href=f"{base}/report"))
        else:
            tasks.append(Task(N_("Your report (version %(version)s) is in; you may correct it until submissions "
                                 "close."), {"version": latest.version}, href=f"{base}/report"))
    window = objection_window(session, campaign, body, today)
    if window is not None and window["open"]:
        filed = session.execute(select(func.count()).select_from(Objection).where(
            Objection.campaign_id == campaign.id, Objection.body_code == body)).scalar()
        if not filed:
            tasks.append(Task(N_("Read the draft conclusion; you may object until the deadline."),
                              href=f"{base}/objections", due=window["deadline"], left=window["left"]))
    if campaign.state in ("scored", "drafts_sent", "objections", "commission", "final", "post_audit"):
        tasks.append(Task(N_("See how your score was reached."), href=f"{base}/explanation"))
    if campaign.state == "final":
        plan = session.execute(select(func.count()).select_from(ImprovementPlan).where(
            ImprovementPlan.campaign_id == campaign.id, ImprovementPlan.body_code == body)).scalar()
        if not plan:
            tasks.append(Task(N_("Record your improvement plan.")))
    return tasks


def _evaluator_tasks(session: Session, campaign: Campaign, counts: dict[str, int], total: int) -> list[Task]:
    href = f"/campaigns/{campaign.id}"
    state = campaign.state
    if state == "created":
        return [Task(N_("Open the submission of reports."), href=href)]
    if state == "submissions":
        return [Task(N_("%(submitted)s of %(total)s bodies have submitted; close submissions when the deadline "
                        "has passed."), {"submitted": counts["submitted"], "total": total}, href=href)]
    if state == "verification":
        return [Task(N_("Verify the reports, record unreliable facts, then score."), href=href)]
    if state == "scored":
        return [Task(N_("Send the draft conclusions."), href=href)]
    if state == "drafts_sent":
        return [Task(N_("Bodies may object; finalise when the objection window has closed."), href=href)]
    if state in ("objections", "commission"):
        return [Task(N_("%(open)s objection(s) wait for a commission decision."), {"open": counts["objections_open"]},
                     href=href)]
    return []


def _commission_tasks(session: Session, campaign: Campaign, user: User | None) -> list[Task]:
    if user is None:
        return []
    rows = session.execute(
        select(Objection).join(Commission, (Commission.campaign_id == Objection.campaign_id)
                               & (Commission.body_code == Objection.body_code))
        .join(CommissionMember, CommissionMember.commission_id == Commission.id)
        .where(Objection.campaign_id == campaign.id, CommissionMember.user_id == user.id)
        .order_by(Objection.id)).scalars().unique()
    tasks = []
    for objection in rows:
        if objection.status == "filed":
            tasks.append(Task(N_("Decide objection No. %(id)s of %(body)s."),
                              {"id": objection.id, "body": objection.body_code},
                              href=f"/campaigns/{campaign.id}/bodies/{objection.body_code}/objections"))
    return tasks


def _links(session: Session, actor: policy.Actor, campaign: Campaign, own: str | None) -> list[tuple[str, str]]:
    """The campaign's pages this reader may open: the campaign, the rating, the own body's pages."""
    href = f"/campaigns/{campaign.id}"
    links = [(N_("Campaign"), href)]
    scored = session.execute(select(func.count()).select_from(ScoringRun)
                             .where(ScoringRun.campaign_id == campaign.id)).scalar()
    if scored and policy.allowed(session, actor, "rating.read", campaign=campaign):
        links.append((N_("Rating"), f"{href}/rating"))
    if own:
        base = f"{href}/bodies/{own}"
        links += [(N_("Report"), f"{base}/report"), (N_("Version history"), f"{base}/versions")]
        if scored:
            links += [(N_("Explanation"), f"{base}/explanation"), (N_("Objections"), f"{base}/objections")]
        if session.execute(select(func.count()).select_from(Conclusion).where(
                Conclusion.campaign_id == campaign.id, Conclusion.body_code == own)).scalar():
            links.append((N_("Documents"), f"{base}/documents"))
    return links


def cards(session: Session, actor: policy.Actor, today: date) -> list[CampaignCard]:
    user = session.execute(select(User).where(User.name == actor.name)).scalar_one_or_none() \
        if actor.authenticated else None
    found = []
    for campaign in session.execute(select(Campaign).order_by(Campaign.id.desc())).scalars():
        members = {m.body_code for m in campaign.bodies}
        own = actor.body if actor.role == "body" and actor.body in members else None
        if actor.role == "body" and own is None:
            continue                               # a body officer sees the campaigns of their body
        sees_all = policy.allowed(session, actor, "submission.read", campaign=campaign) and actor.role != "body"
        if actor.role == "body":
            scope: set[str] | None = {own}
        elif sees_all:
            scope = None
        else:
            scope = policy.visible_bodies(session, actor, "submission.read", campaign) if actor.authenticated \
                else set()
        counts = _counts(session, campaign, scope) if scope != set() else None
        if actor.role == "body":
            tasks = _body_tasks(session, campaign, own, today)
        elif actor.role == "evaluator" and policy.evaluates(session, actor, campaign):
            tasks = _evaluator_tasks(session, campaign, counts or {}, len(members))
        elif actor.role == "commission":
            tasks = _commission_tasks(session, campaign, user)
        else:
            tasks = []
        found.append(CampaignCard(
            campaign=campaign, state=campaign.state, bodies=len(members),
            submitted=counts["submitted"] if counts else None, facts=counts["facts"] if counts else None,
            objections_open=counts["objections_open"] if counts else None,
            objections=counts["objections"] if counts else None,
            deadlines=_deadlines(campaign, today, own), tasks=tasks, own_body=own,
            links=_links(session, actor, campaign, own)))
    return found
