"""What-if: what a step would do to the scores, before it is taken. Nothing is
written.

``preview_fact`` scores the cohort with the active facts and again with one
more unreliable fact, checked exactly as ``verification.add_fact`` would check
it, and compares the two: every body's total and rank, and for the body
concerned every node whose score moves. The cohort is scored whole because
some rules give a body the average of others.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from bagalau.engine.cohort import rank
from bagalau.engine.explanations import walk
from bagalau.store.models import Campaign, Fact

from .runs import score_snapshot
from .state import CampaignError
from .submissions import _scorer, latest_submission
from .verification import active_facts, check_fact


@dataclass
class Ranked:
    total: str
    rank: int
    nodes: dict[str, dict]          # node id -> its explanation entry


def score_with(session: Session, campaign: Campaign, facts: list[Fact]) -> dict[str, Ranked]:
    """Every body's rounded total, rank and explained nodes from the latest submissions
    and these facts (and the report flags as they stand)."""
    latest = {m.body_code: latest_submission(session, campaign, m.body_code) for m in campaign.bodies}
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
