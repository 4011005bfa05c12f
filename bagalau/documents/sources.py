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
