"""What a document shows, read from the store into plain data.

A document is filled from one scoring run: the run of the final conclusions
when the campaign is final, else the latest run (a provisional rating, or a
draft). Everything is copied out as strings and dicts so that a renderer
needs no session.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from bagalau import campaigns
from bagalau.campaigns.schedule import _methodology
from bagalau.store.models import Body, Campaign, Conclusion, ScoringRun

LANGUAGES = ("kk", "ru")


@dataclass
class NodeInfo:
    """A scored node of the edition as the run explains it."""
    id: str
    name: dict[str, str]
    kind: str
    max: str
    paragraph: str | None
    provenance: str
    depth: int
    parent: str | None
    children: list[str] = field(default_factory=list)


@dataclass
class BodyRow:
    rank: int
    code: str
    names: dict[str, str | None]
    profile: str | None
    total: str
    penalty: str
    grade: dict[str, str] | None
    scores: dict[str, str]          # node id -> score rounded for display


@dataclass
class RatingData:
    campaign: str
    campaign_id: int
    methodology: str
    title: dict[str, str]
    period: int
    final: bool
    run: int
    run_hash: str
    nodes: dict[str, NodeInfo]
    top: list[str]
    rows: list[BodyRow]
    grades: list[dict]               # the act's grade bands: {"name": {...}, "low": str|None, "high": str|None}
    maximum: str

    @property
    def directions(self) -> list[NodeInfo]:
        return [self.nodes[node_id] for node_id in self.top]


def display(value: str | Decimal | None, places: int = 2) -> str:
    """A stored exact value as shown: half-up to ``places``."""
    if value is None or value == "":
        return ""
    return format(Decimal(str(value)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP), "f")


def text(name: dict | None, lang: str) -> str:
    """A name in ``lang``; Russian where the edition has no Kazakh text yet (then English)."""
    if not name:
        return ""
    return name.get(lang) or name.get("ru") or name.get("en") or next(iter(name.values()), "")


def document_run(session: Session, campaign: Campaign) -> tuple[ScoringRun, bool]:
    """The run documents are filled from, and whether it is the final one."""
    final = session.execute(select(Conclusion).where(Conclusion.campaign_id == campaign.id,
                                                     Conclusion.kind == "final").limit(1)).scalar_one_or_none()
    if final is not None:
        return session.get(ScoringRun, final.run_id), True
    run = campaigns.latest_run(session, campaign)
    if run is None:
        raise campaigns.CampaignError(f"campaign '{campaign.name}' has not been scored yet; documents come "
                                      "from a scoring run")
    return run, False


def run_hash(run: ScoringRun) -> str:
    """The content hash of a scoring run: SHA-256 of its campaign, number, edition hash
    and every body's exact total, penalty and node scores, as canonical JSON. A
    document's footer carries it; ``documents verify`` recomputes it from the store."""
    content = {"campaign": run.campaign_id, "run": run.number, "methodology": run.methodology_id,
               "content_hash": run.content_hash,
               "results": {r.body_code: {"total": r.total, "penalty": r.penalty, "scores": r.scores}
                           for r in sorted(run.results, key=lambda r: r.body_code)}}
    return hashlib.sha256(json.dumps(content, sort_keys=True, ensure_ascii=False,
                                     separators=(",", ":")).encode()).hexdigest()


def nodes_of(explanation: dict) -> tuple[dict[str, NodeInfo], list[str]]:
    nodes: dict[str, NodeInfo] = {}

    def visit(entry: dict, depth: int, parent: str | None) -> None:
        info = NodeInfo(id=entry["id"], name=entry.get("name") or {}, kind=entry.get("kind", ""),
                        max=str(entry.get("max", "")), paragraph=entry.get("paragraph"),
                        provenance=entry.get("provenance", "verbatim"), depth=depth, parent=parent)
        nodes.setdefault(info.id, info)
        for child in entry.get("children") or []:
            nodes[info.id].children.append(child["id"]) if child["id"] not in nodes[info.id].children else None
            visit(child, depth + 1, info.id)

    top = []
    for entry in explanation.get("nodes", []):
        top.append(entry["id"])
        visit(entry, 0, None)
    return nodes, top


def rating_data(session: Session, campaign: Campaign) -> RatingData:
    """The rating with every body's node scores, from the document run."""
    run, final = document_run(session, campaign)
    methodology = _methodology(campaign.methodology_id)
    rows, _ = campaigns.rating(session, campaign)
    results = {r.body_code: r for r in run.results}
    nodes: dict[str, NodeInfo] = {}
    top: list[str] = []
    for result in sorted(run.results, key=lambda r: r.body_code):
        found, order = nodes_of(result.explanation)
        for node_id, info in found.items():
            nodes.setdefault(node_id, info)
        top += [node_id for node_id in order if node_id not in top]
    body_rows = []
    for row in rows:
        result = results[row.body]
        body = session.get(Body, row.body)
        grade = (result.explanation.get("grades") or {}).get("total")
        body_rows.append(BodyRow(rank=row.rank, code=row.body,
                                 names={"kk": body.name_kk, "ru": body.name_ru, "en": body.name_en},
                                 profile=row.profile, total=row.total, penalty=display(result.penalty),
                                 grade=grade, scores={k: display(v) for k, v in result.scores.items()}))
    grades = [{"name": g.name.model_dump(exclude_none=True), "low": None if g.low is None else str(g.low),
               "high": None if g.high is None else str(g.high)} for g in methodology.grades]
    return RatingData(campaign=campaign.name, campaign_id=campaign.id, methodology=campaign.methodology_id,
                      title=methodology.act.title.model_dump(exclude_none=True),
                      period=campaign.period, final=final, run=run.number, run_hash=run_hash(run), nodes=nodes,
                      top=top, rows=body_rows, grades=grades, maximum=format(methodology.max_total, "f"))


@dataclass
class BodyData:
    """One body's document: what its conclusion, act or table shows."""
    campaign: str
    campaign_id: int
    methodology: str
    edition_title: dict[str, str]
    period: int
    evaluator: dict[str, str | None]
    run: int
    run_hash: str
    kind: str                        # final | draft
    body: str
    names: dict[str, str | None]
    profile: str | None
    total: str
    penalty: str
    rank: int | None
    grade: dict[str, str] | None
    scores: dict[str, str]
    nodes: dict[str, NodeInfo]
    top: list[str]
    penalties: list[dict]
    verification: list[dict]
    flags: list[dict]
    post_audit: list[dict]
    objections: list[dict]
    reconstructed: list[dict]        # provisional rules used: {"node", "paragraph", "readings": [{id, reading}]}
    sent: str | None                 # the date the conclusion was sent (draft or final)
    exact: dict[str, str] = field(default_factory=dict)                # node id -> exact stored score
    direction_penalties: dict[str, str] = field(default_factory=dict)  # direction -> points taken off it
    exact_total: str = ""            # the stored exact total (after penalties) and penalty
    exact_penalty: str = ""


def _readings(methodology) -> dict[str, str]:
    return {r.id: r.reading for r in methodology.readings}


def body_data(session: Session, campaign: Campaign, body: str, run_number: int | None = None) -> BodyData:
    """A body's document data from the document run (or from run ``run_number``: a document
    from an earlier run is a draft)."""
    from bagalau.store.models import CampaignBody, Decision, Objection
    final_run, final = document_run(session, campaign)
    run = final_run
    if run_number is not None and run_number != final_run.number:
        run = session.execute(select(ScoringRun).where(ScoringRun.campaign_id == campaign.id,
                                                       ScoringRun.number == run_number)).scalar_one_or_none()
        if run is None:
            raise campaigns.CampaignError(f"campaign '{campaign.name}' has no scoring run {run_number}")
        final = False
    member = session.get(CampaignBody, (campaign.id, body))
    if member is None:
        raise campaigns.CampaignError(f"'{body}' is not evaluated in campaign '{campaign.name}'; its bodies: "
                                      + ", ".join(sorted(m.body_code for m in campaign.bodies)))
    result = next(r for r in run.results if r.body_code == body)
    methodology = _methodology(campaign.methodology_id)
    readings = _readings(methodology)
    nodes, top = nodes_of(result.explanation)
    conclusion = session.execute(select(Conclusion).where(Conclusion.campaign_id == campaign.id,
                                                          Conclusion.body_code == body, Conclusion.run_id == run.id)
                                 .order_by(Conclusion.id.desc()).limit(1)).scalar_one_or_none()
    rank = conclusion.rank if conclusion is not None and conclusion.kind == "final" else None
    if rank is None and final:
        rows, _ = campaigns.rating(session, campaign)
        rank = next((r.rank for r in rows if r.body == body), None)
    reconstructed = []

    def walk(entry: dict) -> None:
        if entry.get("provenance", "verbatim") != "verbatim":
            reconstructed.append({"node": entry["id"], "paragraph": entry.get("paragraph"),
                                  "readings": [{"id": r, "reading": readings.get(r, "")}
                                               for r in entry.get("readings") or []]})
        for child in entry.get("children") or []:
            walk(child)
    for entry in result.explanation.get("nodes", []):
        walk(entry)
    objections = []
    for objection in session.execute(select(Objection).where(Objection.campaign_id == campaign.id,
                                                             Objection.body_code == body)
                                     .order_by(Objection.id)).scalars():
        decision = session.execute(select(Decision).where(Decision.objection_id == objection.id)).scalar_one_or_none()
        objections.append({"id": objection.id, "text": objection.text, "contested": list(objection.contested or []),
                           "documents": list(objection.documents or []), "filed": objection.filed_at.date().isoformat(),
                           "outcome": decision.outcome if decision else None,
                           "reasoning": decision.reasoning if decision else None,
                           "decided": decision.decided_at.date().isoformat() if decision else None})
    evaluator = session.get(Body, campaign.evaluator_code)
    body_row = session.get(Body, body)
    post_audit = (conclusion.content.get("post_audit_results") if conclusion is not None
                  else campaigns.post_audit_results(session, campaign, body)) or []
    return BodyData(
        campaign=campaign.name, campaign_id=campaign.id, methodology=campaign.methodology_id,
        edition_title=methodology.act.title.model_dump(exclude_none=True), period=campaign.period,
        evaluator={"kk": evaluator.name_kk, "ru": evaluator.name_ru, "en": evaluator.name_en},
        run=run.number, run_hash=run_hash(run), kind="final" if final else "draft", body=body,
        names={"kk": body_row.name_kk, "ru": body_row.name_ru, "en": body_row.name_en},
        profile=member.profile, total=result.total_rounded, penalty=display(result.penalty), rank=rank,
        grade=(result.explanation.get("grades") or {}).get("total"),
        scores={k: display(v) for k, v in result.scores.items()}, nodes=nodes, top=top,
        penalties=list(result.explanation.get("penalties") or []),
        verification=list(result.explanation.get("verification") or []), flags=list(member.flags or []),
        post_audit=[{k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in item.items()}
                    for item in post_audit],
        objections=objections, reconstructed=reconstructed,
        sent=conclusion.sent_at.date().isoformat() if conclusion is not None else None,
        exact=dict(result.scores), direction_penalties=_direction_penalties(result.explanation.get("penalties") or []),
        exact_total=result.total, exact_penalty=result.penalty)


def _direction_penalties(lines: list[dict]) -> dict[str, str]:
    """Points taken off each direction (the explanation's penalty lines, cap lines included)."""
    amounts: dict[str, Decimal] = {}
    for line in lines:
        if line.get("node"):
            amounts[line["node"]] = amounts.get(line["node"], Decimal(0)) + Decimal(str(line.get("amount") or 0))
    return {node: format(amount, "f") for node, amount in amounts.items()}
