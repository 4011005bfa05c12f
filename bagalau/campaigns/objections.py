"""Objections, the special commission (2012 §107: no evaluator of the body) and its
decisions, which rescore."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from bagalau.campaigns import workdays
from bagalau.engine.inputs import Submission
from bagalau.store.models import (
    Campaign,
    Commission,
    CommissionMember,
    Conclusion,
    Decision,
    Fact,
    FactRemoval,
    Objection,
)

from .runs import run_scoring
from .schedule import _event, reverification_due
from .state import (
    CampaignError,
    NotFound,
    _day,
    _flush,
    _moment,
    _record,
    _require_state,
    _set_state,
    jsonable,
)
from .submissions import _campaign_body, latest_submission, submit
from . import policy
from .users import get_user


def file_objection(session: Session, campaign: Campaign, body: str, text: str, documents: list[str], actor: str,
                   *, contested: list[str] | None = None, at: datetime | None = None) -> Objection:
    """A body objects to its draft conclusion, with supporting documents (2012 §106)."""
    policy.check(session, actor, "objection.file", campaign=campaign, body=body)
    _require_state(campaign, ("drafts_sent", "objections", "commission"), "file an objection",
                   "objections are filed against draft conclusions")
    _campaign_body(session, campaign, body)
    if not documents:
        raise CampaignError("an objection must come with supporting documents (2012 §106)")
    conclusion = session.execute(select(Conclusion).where(
        Conclusion.campaign_id == campaign.id, Conclusion.body_code == body, Conclusion.kind == "draft")
        .order_by(Conclusion.id.desc()).limit(1)).scalar_one()
    moment = _moment(at)
    if _day(moment) > conclusion.objection_deadline:
        raise CampaignError(
            f"the objection deadline for '{body}' was {conclusion.objection_deadline} "
            f"({campaign.settings.get('objection_working_days', 5)} working days after the draft was sent on "
            f"{_day(conclusion.sent_at)}); objections after it are not accepted")
    objection = Objection(campaign_id=campaign.id, body_code=body, conclusion_id=conclusion.id, text=text,
                          documents=list(documents), contested=list(contested or []), filed_by=actor,
                          filed_at=moment, deadline=conclusion.objection_deadline, decision=None)
    session.add(objection)
    _flush(session, f"objection of '{body}'")
    _event(session, campaign, "event:objection_received", _day(moment), body)
    _record(session, campaign, actor, "objection.file", f"objection:{objection.id}", {
        "body": body, "text": text, "documents": documents, "contested": contested or [],
        "deadline": conclusion.objection_deadline}, at)
    if campaign.state == "drafts_sent":
        _set_state(session, campaign, "objections", actor, at)
    return objection


def objection_window(session: Session, campaign: Campaign, body: str, today: date) -> dict[str, Any] | None:
    """The body's window for objecting to its draft conclusion, seen on ``today``:
    when the draft was sent, the last day, the working days left (0 on the last
    day; negative once it has passed) and whether an objection is still accepted.
    None when no draft conclusion has been sent to the body."""
    conclusion = session.execute(select(Conclusion).where(
        Conclusion.campaign_id == campaign.id, Conclusion.body_code == body, Conclusion.kind == "draft")
        .order_by(Conclusion.id.desc()).limit(1)).scalar_one_or_none()
    if conclusion is None or conclusion.objection_deadline is None:
        return None
    due = conclusion.objection_deadline
    left = workdays.working_days_left(today, due)
    return {"sent": _day(conclusion.sent_at), "deadline": due, "left": left,
            "working_days": int(campaign.settings.get("objection_working_days", 5)),
            "rule": campaign.settings.get("objection_rule"),
            "open": today <= due and campaign.state in ("drafts_sent", "objections", "commission")}


def appoint_commission(session: Session, campaign: Campaign, body: str, members: list[str], actor: str,
                       at: datetime | None = None) -> Commission:
    """Form the special commission that considers a body's objections (2012 §107)."""
    policy.check(session, actor, "commission.appoint", campaign=campaign)
    _require_state(campaign, ("objections", "commission"), "appoint a commission",
                   "a commission considers filed objections")
    _campaign_body(session, campaign, body)
    if not session.execute(select(Objection).where(Objection.campaign_id == campaign.id,
                                                   Objection.body_code == body)).first():
        raise CampaignError(f"body '{body}' has filed no objection; there is nothing for a commission to consider")
    if session.execute(select(Commission).where(Commission.campaign_id == campaign.id,
                                                Commission.body_code == body)).first():
        raise CampaignError(f"a commission for '{body}' has already been appointed")
    minimum = int(campaign.settings.get("commission_min_members", 1))
    if len(set(members)) < minimum:
        raise CampaignError(f"the commission needs at least {minimum} members; got {len(set(members))}")
    users = []
    for name in dict.fromkeys(members):
        user = get_user(session, name)
        policy.check_commission_member(session, user, campaign, body)
        users.append(user)
    moment = _moment(at)
    commission = Commission(campaign_id=campaign.id, body_code=body, appointed_by=actor, appointed_at=moment)
    session.add(commission)
    _flush(session, f"commission for '{body}'")
    for user in users:
        commission.members.append(CommissionMember(user_id=user.id))
    _flush(session, f"commission for '{body}'")
    _record(session, campaign, actor, "commission.appoint", f"commission:{commission.id}",
            {"body": body, "members": [u.name for u in users]}, at)
    if campaign.state == "objections":
        _set_state(session, campaign, "commission", actor, at)
    return commission


def facts_to_remove(session: Session, campaign: Campaign, objection: Objection, fact_ids: list[int]) -> list[Fact]:
    """The facts a decision on ``objection`` would remove: each one about the objecting
    body, in this campaign, and not removed already."""
    facts = []
    for fact_id in fact_ids:
        fact = session.get(Fact, fact_id)
        if fact is None or fact.campaign_id != campaign.id or fact.body_code != objection.body_code:
            raise CampaignError(f"fact #{fact_id} is not a fact about '{objection.body_code}' in this campaign")
        if fact.removed_by_decision_id is not None:
            raise CampaignError(f"fact #{fact_id} was already removed")
        facts.append(fact)
    return facts


def visible_objection(session: Session, campaign: Campaign, objection_id: int, actor) -> Objection:
    """The objection, if ``actor`` may see it (``objection.read``); otherwise "no objection #N", as for a
    number that does not exist, and the public is asked to sign in whatever the number (see ``policy``)."""
    policy.needs_account(session, actor, "objection.read", campaign)
    missing = f"no objection #{objection_id} in campaign '{campaign.name}'"
    objection = session.get(Objection, objection_id)
    if objection is None or objection.campaign_id != campaign.id:
        raise NotFound(missing)
    policy.visible(session, actor, "objection.read", campaign=campaign, body=objection.body_code, missing=missing)
    return objection


def decide_objection(session: Session, campaign: Campaign, objection_id: int, actor: str, *, outcome: str,
                     reasoning: str, remove_facts: list[int] | None = None,
                     input_changes: dict[str, Any] | None = None, at: datetime | None = None) -> Decision:
    """The commission's decision on one objection. Nothing is changed in place: the
    decision is a new row (it gives the objection its outcome), each fact it removes
    gets a ``FactRemoval``, changed inputs a new submission version, and the rescore
    a new scoring run that names the decision."""
    objection = visible_objection(session, campaign, objection_id, actor)
    _require_state(campaign, ("objections", "commission"), "decide an objection")
    commission = session.execute(select(Commission).where(Commission.campaign_id == campaign.id,
                                                          Commission.body_code == objection.body_code)).scalar_one_or_none()
    if commission is None:
        raise CampaignError(f"no commission has been appointed for the objections of '{objection.body_code}'; "
                            "the decision is the commission's to take (2012 §107) — appoint one first")
    policy.check(session, actor, "objection.decide", campaign=campaign, body=objection.body_code)
    if objection.status != "filed":
        raise CampaignError(f"objection #{objection_id} was already decided ({objection.status})")
    if outcome not in ("accepted", "rejected"):
        raise CampaignError(f"outcome must be 'accepted' or 'rejected', not '{outcome}'")
    remove_facts, input_changes = list(remove_facts or []), dict(input_changes or {})
    if outcome == "rejected" and (remove_facts or input_changes):
        raise CampaignError("a rejected objection changes nothing; accept it to remove facts or change inputs")
    facts = facts_to_remove(session, campaign, objection, remove_facts)
    moment = _moment(at)
    # The commission's meeting starts the deadlines that count from it, for this body: among
    # them the act's re-verification window (2012 §104), whose due day the decision records.
    resolved = _event(session, campaign, "event:commission_meeting", _day(moment), objection.body_code)
    decision = Decision(objection=objection, commission_id=commission.id, outcome=outcome, reasoning=reasoning,
                        removed_fact_ids=remove_facts, input_changes=jsonable(input_changes), decided_by=actor,
                        decided_at=moment, reverification_due=reverification_due(resolved))
    session.add(decision)
    _flush(session, f"decision on objection #{objection_id}")
    _record(session, campaign, actor, "objection.decide", f"decision:{decision.id}", {
        "objection": objection.id, "body": objection.body_code, "outcome": outcome, "reasoning": reasoning,
        "remove_facts": remove_facts, "input_changes": input_changes,
        "reverification_due": decision.reverification_due}, at)
    for fact in facts:
        session.add(FactRemoval(fact=fact, decision_id=decision.id))
        _flush(session, f"fact #{fact.id}")
        _record(session, campaign, actor, "fact.remove", f"fact:{fact.id}",
                {"body": fact.body_code, "input": fact.input_id, "decision": decision.id}, at)
    if input_changes:
        latest = latest_submission(session, campaign, objection.body_code)
        raw = {**latest.values, **jsonable(input_changes)}
        submit(session, campaign, objection.body_code,
               Submission(objection.body_code, None, raw, period=campaign.period, origin=f"decision #{decision.id}"),
               actor, expected_version=latest.version, reason=f"commission decision #{decision.id} on objection "
               f"#{objection.id}", at=at, _by_commission=True)
    run = None
    if facts or input_changes:
        run = run_scoring(session, campaign, actor, reason=f"rescore after commission decision #{decision.id} "
                          f"(objection #{objection.id} of {objection.body_code})", at=at, _internal=True,
                          decision=decision)
    set_committed_value(decision, "run", run)     # loaded now: the caller may read it after the session closes
    return decision
