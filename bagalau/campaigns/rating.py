"""The final rating: finalisation and the ranked table."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from bagalau.store import anchoring
from bagalau.store.models import Anchor, Body, Campaign, Conclusion, Decision, Objection

from .conclusions import _conclusions
from .runs import _ranked, latest_run, registry_entries
from .schedule import _deadline, _event
from .state import CampaignError, Progress, _day, _moment, _require_state, _set_state
from . import policy


def finalise(session: Session, campaign: Campaign, actor: str, at: datetime | None = None,
             keyring: anchoring.Keyring | None = None, progress: Progress | None = None) -> list[Conclusion]:
    """Final conclusions and the rating, from the latest scoring run, and a signed checkpoint
    of the audit chain that covers them (``final_anchor``); all in the caller's transaction."""
    policy.check(session, actor, "campaign.finalise", campaign=campaign)
    _require_state(campaign, ("drafts_sent", "objections", "commission"), "finalise",
                   "send the draft conclusions first")
    try:
        keyring = keyring if keyring is not None else anchoring.Keyring.from_environment()
    except anchoring.AnchorError as exc:
        raise CampaignError(f"cannot anchor the final rating: {exc}") from None
    undecided = list(session.execute(select(Objection).outerjoin(Decision, Decision.objection_id == Objection.id)
                                     .where(Objection.campaign_id == campaign.id, Decision.id.is_(None))
                                     .order_by(Objection.id)).scalars())
    if undecided:
        raise CampaignError("objections are still undecided: " + ", ".join(
            f"#{o.id} ({o.body_code})" for o in undecided) + "; the commission must decide them first")
    window = _deadline(campaign, "objections")
    moment = _moment(at)
    if window is not None and window.due is not None and _day(moment) <= window.due:
        raise CampaignError(f"the objection window is open until {window.due}; finalise after it closes")
    run = latest_run(session, campaign)
    conclusions = _conclusions(session, campaign, run, "final", moment, None, actor, progress)
    _event(session, campaign, "event:final", _day(moment))
    act = _deadline(campaign, "corrected_conclusions")
    late = act is not None and act.due is not None and _day(moment) > act.due
    _set_state(session, campaign, "final", actor, at, run=run.number,
               rating=[{"rank": c.rank, "body": c.body_code, "total": c.total} for c in
                       sorted(conclusions, key=lambda c: (c.rank, c.body_code))],
               **({"after_act_deadline": f"{act.due} ({act.paragraph})"} if late else {}))
    anchoring.checkpoint(session, f"final rating of campaign '{campaign.name}'", campaign_id=campaign.id,
                         keyring=keyring)
    return conclusions


def final_anchor(session: Session, campaign: Campaign) -> Anchor | None:
    """The checkpoint made when the campaign's rating became final."""
    return session.execute(select(Anchor).where(Anchor.campaign_id == campaign.id).order_by(Anchor.id)
                           .limit(1)).scalar_one_or_none()


# --- reading ------------------------------------------------------------------------------

@dataclass
class RatingRow:
    rank: int
    body: str
    name: str
    total: str
    profile: str | None
    grade: str | None
    names: dict[str, str | None] = field(default_factory=dict)     # name_kk, name_ru, name_en in the registry


def rating(session: Session, campaign: Campaign) -> tuple[list[RatingRow], bool]:
    """The rating and whether it is final (else: provisional, from the latest run)."""
    final = list(session.execute(select(Conclusion).where(Conclusion.campaign_id == campaign.id,
                                                          Conclusion.kind == "final")).scalars())
    members = {m.body_code: m for m in campaign.bodies}
    if final:
        bodies = registry_entries(session, [c.body_code for c in final])
        rows = [RatingRow(c.rank, c.body_code, bodies[c.body_code].name, c.total,
                          members[c.body_code].profile, _grade_text(c.grade), _names(bodies[c.body_code]))
                for c in final]
        return sorted(rows, key=lambda r: (r.profile or "", r.rank, r.body)), True
    run = latest_run(session, campaign)
    if run is None:
        raise CampaignError(f"campaign '{campaign.name}' has not been scored yet")
    ranked = _ranked(session, campaign, run)
    bodies = registry_entries(session, [e.result.body_id for e in ranked])
    rows = [RatingRow(e.rank, e.result.body_id, e.result.name, format(e.rounded_total, "f"), e.profile,
                      _grade_text(json.dumps(e.result.grades.get("total"), ensure_ascii=False)
                                  if e.result.grades.get("total") else None), _names(bodies[e.result.body_id]))
            for e in ranked]
    return rows, False


def rating_document(session: Session, campaign: Campaign) -> dict:
    """The rating as a published file holds it: the campaign, the edition, whether it is
    final, its rows, and the checkpoint that anchors a final one."""
    rows, final = rating(session, campaign)
    anchor = final_anchor(session, campaign) if final else None
    return {"campaign": campaign.name, "methodology": campaign.methodology_id, "content_hash": campaign.content_hash,
            "period": campaign.period, "final": final,
            "rating": [{"rank": r.rank, "body": r.body, "name": r.name, **r.names, "total": r.total,
                        "profile": r.profile, "grade": r.grade} for r in rows],
            "anchor": None if anchor is None else {"checkpoint": anchor.id, "entries": anchor.entries,
                                                   "head": anchor.head, "key_id": anchor.key_id}}


def _names(body: Body) -> dict[str, str | None]:
    return {"name_kk": body.name_kk, "name_ru": body.name_ru, "name_en": body.name_en}


def publish_rating(session: Session, campaign: Campaign, path: Path) -> list[Path]:
    """Write the rating as JSON and, when it is final, the signed checkpoint made with it
    next to it (``rating.json`` → ``rating.anchor.json``). Each file is written whole or
    not at all. Returns the files written."""
    path = Path(path)
    document = rating_document(session, campaign)
    anchoring.write(document, path)
    anchor = final_anchor(session, campaign)
    if not document["final"] or anchor is None:
        return [path]
    anchor_path = path.with_name(f"{path.stem if path.suffix == '.json' else path.name}.anchor.json")
    anchoring.write(anchoring.document(anchor, campaign.name), anchor_path)
    return [path, anchor_path]


def _grade_text(grade: str | None) -> str | None:
    if not grade:
        return None
    value = json.loads(grade)
    return value.get("ru") or value.get("en") if isinstance(value, dict) else str(value)
