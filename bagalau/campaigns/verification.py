"""Verification: unreliable facts, and what they change (the verified value, or points
per fact)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bagalau.engine.inputs import InputError, coerce
from bagalau.store.models import Campaign, Fact, FactRemoval, FindingDecision, SubmissionVersion

from .schedule import _methodology
from .state import CampaignError, _flush, _moment, _record, _require_state, jsonable
from .submissions import _as_submission, _campaign_body, _scorer, latest_submission
from . import policy

# --- verification: unreliable facts ----------------------------------------------------

def _fact_rule(campaign: Campaign, methodology, rule: str | None) -> str:
    if rule:
        if rule not in methodology.penalties:
            raise CampaignError(f"unknown penalty rule '{rule}'; {campaign.methodology_id} has: "
                                f"{', '.join(methodology.penalties) or 'none'}")
        return rule
    if campaign.settings.get("fact_rule"):
        return campaign.settings["fact_rule"]
    candidates = [key for key, p in methodology.penalties.items() if p.replaces_value or "unreliable" in key]
    if len(candidates) != 1:
        raise CampaignError(f"{campaign.methodology_id} has {len(candidates)} rules for unreliable facts "
                            f"({', '.join(candidates) or 'none'}); name one with --rule")
    return candidates[0]


def direction_of(compiled, input_id: str) -> list[str]:
    """The top-level nodes whose scoring reads ``input_id``."""
    directions = []
    for top in compiled.top_level:
        for node in compiled.nodes[top].node.walk():
            c = compiled.nodes[node.id]
            formulas = [c.formula, c.not_applicable, c.checklist_scale, *c.deduction_counts, *c.deduction_caps]
            names = set().union(*[f.names for f in formulas if f is not None])
            for sections in compiled.checklist_layouts.get(node.id, {}).values():
                for section in sections:
                    names.update(section.item_ids)
                    names.update((section.defects_id, section.applies_id))
            if input_id in names:
                directions.append(top)
                break
    return directions


def add_fact(session: Session, campaign: Campaign, body: str, input_id: str, verified_value: Any, document: str,
             actor: str, *, rule: str | None = None, node: str | None = None, note: str | None = None,
             at: datetime | None = None) -> Fact:
    """Record an unreliable fact: the body reported one value, the check found another."""
    if not document or not document.strip():
        policy.check(session, actor, "fact.write", campaign=campaign, body=body)
        raise CampaignError("an unreliable fact must name the document it rests on (reconciliation act)")
    fact = check_fact(session, campaign, body, input_id, verified_value, actor, rule=rule, node=node)
    fact.document, fact.note, fact.recorded_at = document.strip(), note, _moment(at)
    session.add(fact)
    _flush(session, f"fact for '{body}'")
    _record(session, campaign, actor, "fact.add", f"fact:{fact.id}", {
        "body": body, "input": input_id, "rule": fact.rule, "node": fact.node,
        "submission_version": session.get(SubmissionVersion, fact.submission_id).version,
        "reported": fact.reported_value, "verified": fact.verified_value, "document": fact.document,
        "note": note}, at)
    return fact


def check_fact(session: Session, campaign: Campaign, body: str, input_id: str, verified_value: Any, actor: str, *,
               rule: str | None = None, node: str | None = None) -> Fact:
    """Every check ``add_fact`` makes, and the fact it would record, not yet added to
    the session (a what-if preview scores with it and throws it away)."""
    policy.check(session, actor, "fact.write", campaign=campaign, body=body)
    _require_state(campaign, ("verification", "scored"), "record an unreliable fact",
                   "facts are recorded during verification, before the draft conclusions")
    member = _campaign_body(session, campaign, body)
    methodology = _methodology(campaign.methodology_id)
    rule_id = _fact_rule(campaign, methodology, rule)
    penalty = methodology.penalties[rule_id]
    scorer = _scorer(campaign)
    compiled = scorer.scorer(member.profile if methodology.profiles else None).compiled
    if input_id not in compiled.inputs:
        raise CampaignError(f"unknown input '{input_id}' for {campaign.methodology_id}")
    if penalty.replaces_value and verified_value is None:
        raise CampaignError(f"rule '{rule_id}' ({penalty.paragraph}) recalculates the score with the verified value; "
                            "give the verified value")
    if verified_value is not None:
        try:
            coerce(compiled.inputs[input_id], verified_value)
        except ValueError as exc:
            raise CampaignError(f"verified value for '{input_id}': {exc}") from None
    if penalty.scope == "direction":
        if node is None:
            found = direction_of(compiled, input_id)
            if len(found) != 1:
                raise CampaignError(f"rule '{rule_id}' is capped per direction and input '{input_id}' is read by "
                                    f"{', '.join(found) or 'no direction'}; name the direction with --node")
            node = found[0]
        elif node not in compiled.top_level:
            raise CampaignError(f"'{node}' is not a direction; use one of {', '.join(compiled.top_level)}")
    latest = latest_submission(session, campaign, body)
    if latest is None:
        raise CampaignError(f"body '{body}' has no submission to verify")
    # The verified value must leave a report that still passes the act's checks.
    if verified_value is not None:
        raw = {**_effective_values(session, campaign, body), input_id: jsonable(verified_value)}
        try:
            scorer.validate(_as_submission(session, campaign, member, raw))
        except InputError as exc:
            raise CampaignError(f"with the verified value the report of '{body}' fails validation: "
                                + "; ".join(p.reason for p in exc.problems)) from None
    return Fact(campaign_id=campaign.id, body_code=body, input_id=input_id, rule=rule_id, node=node,
                submission_id=latest.id, reported_value=latest.values.get(input_id),
                verified_value=jsonable(verified_value), document="", note=None, recorded_by=actor,
                recorded_at=_moment(None), removal=None)


def active_facts(session: Session, campaign: Campaign, body: str | None = None) -> list[Fact]:
    """Facts in force: not removed by a commission decision (``FactRemoval``), and not
    withdrawn by dismissing the reconciliation finding they came from."""
    withdrawn = select(FindingDecision.withdrawn_fact_id).where(FindingDecision.withdrawn_fact_id.is_not(None))
    query = (select(Fact).outerjoin(FactRemoval, FactRemoval.fact_id == Fact.id)
             .where(Fact.campaign_id == campaign.id, FactRemoval.fact_id.is_(None), Fact.id.not_in(withdrawn)))
    if body is not None:
        query = query.where(Fact.body_code == body)
    return list(session.execute(query.order_by(Fact.id)).scalars())


def _effective_values(session: Session, campaign: Campaign, body: str,
                      facts: list[Fact] | None = None, submission=None) -> dict:
    """The body's report as scored: its latest (or the given) submission, with the verified
    value of each active (or given) fact in place of the reported one."""
    latest = submission if submission is not None else latest_submission(session, campaign, body)
    raw = dict(latest.values)
    for fact in (facts if facts is not None else active_facts(session, campaign, body)):
        if fact.body_code == body and fact.verified_value is not None:
            raw[fact.input_id] = fact.verified_value
    return raw
