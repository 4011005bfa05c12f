"""What-if: what a step would do to the scores, before it is taken. Nothing is
written.

``preview_fact`` scores the cohort with the active facts and again with one
more unreliable fact, checked exactly as ``verification.add_fact`` would check
it, and compares the two: every body's total and rank, and for the body
concerned every node whose score moves. The cohort is scored whole because
some rules give a body the average of others.

``preview_decision`` does the same for a commission's decision on an
objection (the facts it would remove, the inputs it would change), checked as
``objections.decide_objection`` would check it; ``decision_options`` lists
every decision the commission can take on an objection (reject; accept and
remove one of the body's facts in force, each in turn; accept and remove them
all) with the preview of each.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from bagalau.engine.cohort import rank
from bagalau.engine.explanations import walk
from bagalau.store.models import Campaign, Fact, Objection

from . import policy
from .objections import facts_to_remove, visible_objection

from .runs import score_snapshot
from .state import CampaignError, _require_state, jsonable
from .submissions import _scorer, latest_submission
from .verification import active_facts, check_fact


@dataclass
class Ranked:
    total: str
    rank: int
    nodes: dict[str, dict]          # node id -> its explanation entry


@dataclass
class _Values:
    """A submission's values as a decision would change them (never stored)."""
    values: dict[str, Any]


def score_with(session: Session, campaign: Campaign, facts: list[Fact],
               changed: dict[str, dict[str, Any]] | None = None) -> dict[str, Ranked]:
    """Every body's rounded total, rank and explained nodes from the latest submissions
    (with the ``changed`` values of a body in place of its reported ones) and these
    facts (and the report flags as they stand)."""
    latest: dict[str, Any] = {m.body_code: latest_submission(session, campaign, m.body_code) for m in campaign.bodies}
    for body, values in (changed or {}).items():
        if values and latest.get(body) is not None:
            latest[body] = _Values({**latest[body].values, **jsonable(values)})
    missing = sorted(code for code, version in latest.items() if version is None)
    if missing:
        raise CampaignError(f"no report from: {', '.join(missing)}; every evaluated body needs a submission "
                            "before a score can be previewed")
    flags = {m.body_code: list(m.flags) for m in campaign.bodies if m.flags}
    scorer = _scorer(campaign)
    results = score_snapshot(session, campaign, scorer, latest, facts, flags)
    return {entry.result.body_id: Ranked(format(entry.rounded_total, "f"), entry.rank,
                                         {node["id"]: node for node in walk(entry.result.explanation)})
            for entry in rank(scorer.scorer(None), results)}


def compare(before: dict[str, Ranked], after: dict[str, Ranked], body: str) -> dict[str, Any]:
    """Totals and ranks of every body before and after, and the nodes of ``body`` whose score moved."""
    bodies = [{"body": code, "total_before": before[code].total, "total_after": after[code].total,
               "rank_before": before[code].rank, "rank_after": after[code].rank} for code in sorted(after)]
    nodes = [{"id": node_id, "name": node.get("name"), "before": before[body].nodes[node_id]["score"],
              "after": node["score"]}
             for node_id, node in after[body].nodes.items()
             if node_id in before[body].nodes and before[body].nodes[node_id]["score"] != node["score"]]
    return {"body": body, "bodies": bodies, "nodes": nodes,
            "changed": [row["body"] for row in bodies
                        if (row["total_before"], row["rank_before"]) != (row["total_after"], row["rank_after"])]}


def preview_fact(session: Session, campaign: Campaign, body: str, input_id: str, verified_value: Any, actor: str, *,
                 rule: str | None = None, node: str | None = None) -> dict[str, Any]:
    """What recording this unreliable fact would do to the scores (see the module)."""
    fact = check_fact(session, campaign, body, input_id, verified_value, actor, rule=rule, node=node)
    facts = active_facts(session, campaign)
    before = score_with(session, campaign, facts)
    after = score_with(session, campaign, [*facts, fact])
    return {**compare(before, after, body), "input": input_id, "reported": fact.reported_value,
            "verified": fact.verified_value, "rule": fact.rule}


def _objection(session: Session, campaign: Campaign, objection_id: int, actor) -> Objection:
    objection = visible_objection(session, campaign, objection_id, actor)
    policy.check(session, actor, "objection.preview", campaign=campaign, body=objection.body_code)
    _require_state(campaign, ("objections", "commission"), "preview a decision on an objection")
    if objection.status != "filed":
        raise CampaignError(f"objection #{objection_id} was already decided ({objection.status})")
    return objection


def _decision_preview(session: Session, campaign: Campaign, objection: Objection, before: dict[str, Ranked],
                      facts: list[Fact], remove_facts: list[int], input_changes: dict[str, Any]) -> dict[str, Any]:
    removed = facts_to_remove(session, campaign, objection, remove_facts)
    if input_changes:
        from .drafts import body_forms
        known = body_forms(session, campaign, objection.body_code).inputs
        unknown = sorted(set(input_changes) - set(known))
        if unknown:
            raise CampaignError(f"{', '.join(unknown)}: not an input of {campaign.methodology_id}")
    if not removed and not input_changes:
        after = before
    else:
        kept = [fact for fact in facts if fact.id not in {f.id for f in removed}]
        after = score_with(session, campaign, kept, {objection.body_code: input_changes})
    return {**compare(before, after, objection.body_code), "objection": objection.id,
            "remove_facts": [fact.id for fact in removed], "input_changes": jsonable(input_changes)}


def preview_decision(session: Session, campaign: Campaign, objection_id: int, actor, *, outcome: str = "accepted",
                     remove_facts: list[int] | None = None,
                     input_changes: dict[str, Any] | None = None) -> dict[str, Any]:
    """What this decision on the objection would do to the scores (see the module)."""
    objection = _objection(session, campaign, objection_id, actor)
    if outcome not in ("accepted", "rejected"):
        raise CampaignError(f"outcome must be 'accepted' or 'rejected', not '{outcome}'")
    remove_facts, input_changes = list(remove_facts or []), dict(input_changes or {})
    if outcome == "rejected" and (remove_facts or input_changes):
        raise CampaignError("a rejected objection changes nothing; accept it to remove facts or change inputs")
    facts = active_facts(session, campaign)
    before = score_with(session, campaign, facts)
    return {"outcome": outcome, **_decision_preview(session, campaign, objection, before, facts, remove_facts,
                                                     input_changes)}


def _contested_fact_ids(objection: Objection) -> list[int]:
    ids = []
    for entry in objection.contested or []:
        text = str(entry).strip().lower().removeprefix("fact").strip().lstrip("#").strip()
        if text.isdigit():
            ids.append(int(text))
    return ids


def decision_options(session: Session, campaign: Campaign, objection_id: int, actor) -> list[dict[str, Any]]:
    """Every decision the commission can take on the objection, each with its preview:
    reject; accept and remove one fact in force about the body (the contested ones
    first); accept and remove all of them (when there are several)."""
    objection = _objection(session, campaign, objection_id, actor)
    facts = active_facts(session, campaign)
    before = score_with(session, campaign, facts)
    own = [fact.id for fact in facts if fact.body_code == objection.body_code]
    contested = [fact_id for fact_id in _contested_fact_ids(objection) if fact_id in own]
    order = [*contested, *[fact_id for fact_id in own if fact_id not in contested]]
    choices: list[tuple[str, list[int]]] = [("rejected", [])]
    choices += [("accepted", [fact_id]) for fact_id in order]
    if len(order) > 1:
        choices.append(("accepted", order))
    return [{"outcome": outcome, "contested": bool(set(ids) & set(contested)),
             **_decision_preview(session, campaign, objection, before, facts, ids, {})}
            for outcome, ids in choices]
