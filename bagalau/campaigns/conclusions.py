"""Draft and final conclusions, one per body, from a scoring run."""

from __future__ import annotations

import json
from datetime import date, datetime

from sqlalchemy.orm import Session

from bagalau.campaigns import workdays
from bagalau.store.models import (
    Campaign,
    CampaignBody,
    Conclusion,
    Deadline,
    ScoringRun,
)

from .postaudit import post_audit_results
from .runs import _ranked, latest_run
from .schedule import _deadline, _event, _methodology
from .state import Progress, _day, _flush, _moment, _record, _require_state, _set_state, _ticker, jsonable
from . import policy

# --- conclusions, objections, commission ------------------------------------------------

def send_draft_conclusions(session: Session, campaign: Campaign, actor: str,
                           at: datetime | None = None, progress: Progress | None = None) -> list[Conclusion]:
    policy.check(session, actor, "conclusion.send", campaign=campaign)
    _require_state(campaign, ("scored",), "send draft conclusions", "score the campaign first")
    run = latest_run(session, campaign)
    moment = _moment(at)
    sent = _day(moment)
    _event(session, campaign, "event:conclusion_received", sent)
    rule = _deadline(campaign, "objections")
    if rule is not None and rule.due is not None:      # the act's own objection window (e.g. 002 §115–116)
        deadline = rule.due
    else:
        days = int(campaign.settings.get("objection_working_days", 5))
        deadline = workdays.add_working_days(sent, days)
        campaign.deadlines.append(Deadline(key="objections", name="Objections with supporting documents",
                                           due=deadline, after="event:conclusion_received", working_days=days,
                                           source="setting",
                                           paragraph=campaign.settings.get("objection_rule", "campaign setting")))
    conclusions = _conclusions(session, campaign, run, "draft", moment, deadline, actor, progress)
    act = _deadline(campaign, "conclusions")
    late = act is not None and act.due is not None and sent > act.due
    _set_state(session, campaign, "drafts_sent", actor, at, run=run.number, objection_deadline=deadline,
               conclusions=len(conclusions),
               **({"after_act_deadline": f"{act.due} ({act.paragraph})"} if late else {}))
    return conclusions


def _conclusions(session: Session, campaign: Campaign, run: ScoringRun, kind: str, moment: datetime,
                 deadline: date | None, actor: str, progress: Progress | None = None) -> list[Conclusion]:
    ranked = {entry.result.body_id: entry for entry in _ranked(session, campaign, run)}
    methodology = _methodology(campaign.methodology_id)
    conclusions = []
    done = _ticker(progress, kind, len(run.results))
    for row in run.results:
        member = session.get(CampaignBody, (campaign.id, row.body_code))
        entry = ranked[row.body_code]
        grade = (row.explanation.get("grades") or {}).get("total")
        content = {
            "methodology": campaign.methodology_id, "content_hash": run.content_hash, "period": campaign.period,
            "run": run.number, "total": row.total_rounded, "total_exact": row.total,
            "scores": {key: value for key, value in row.scores.items()},
            "penalties": row.explanation.get("penalties", []), "verification": row.explanation.get("verification", []),
            "flags": member.flags,
            "post_audit_results": post_audit_results(session, campaign, row.body_code),
            "paragraphs": {"conclusions": getattr(methodology.schedule.get("conclusions"), "paragraph", None)},
        }
        conclusion = Conclusion(campaign_id=campaign.id, body_code=row.body_code, run_id=run.id, kind=kind,
                                total=row.total_rounded, rank=entry.rank if kind == "final" else None,
                                grade=json.dumps(grade, ensure_ascii=False) if grade else None,
                                content=jsonable(content), sent_at=moment, objection_deadline=deadline)
        session.add(conclusion)
        conclusions.append(conclusion)
        done()
    _flush(session, f"{kind} conclusions")
    for conclusion in conclusions:
        _record(session, campaign, actor, f"conclusion.{kind}",
                f"conclusion:{conclusion.id}", {"body": conclusion.body_code, "run": run.number,
                                                "total": conclusion.total, "rank": conclusion.rank,
                                                "objection_deadline": deadline})
    return conclusions
