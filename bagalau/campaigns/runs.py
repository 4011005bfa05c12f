"""Scoring runs: immutable snapshots of a cohort's scores, penalties and inputs."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bagalau.engine.cohort import rank
from bagalau.engine.exact import exact
from bagalau.engine.explanations import number_text
from bagalau.engine.inputs import InputError
from bagalau.engine.scoring import AppliedPenalty, BodyScore, ScoringError
from bagalau.store.models import (
    AppliedPenaltyRow,
    Body,
    Campaign,
    Decision,
    Fact,
    RunResult,
    ScoringRun,
    SubmissionVersion,
)

from .schedule import _methodology
from .state import (
    CampaignError,
    Progress,
    _ticker,
    _flush,
    _moment,
    _record,
    _require_state,
    _set_state,
    jsonable,
)
from .submissions import _as_submission, _scorer, latest_submission
from . import policy
from .verification import _effective_values, active_facts

# --- scoring runs ------------------------------------------------------------------------

def _penalty_rule_for(methodology, settings: dict, kind: str) -> str | None:
    configured = settings.get(f"{kind}_rule")
    if configured:
        return configured
    matches = [key for key in methodology.penalties if kind in key]
    return matches[0] if len(matches) == 1 else None


def run_scoring(session: Session, campaign: Campaign, actor: str, *, reason: str = "scoring",
                at: datetime | None = None, _internal: bool = False, decision: Decision | None = None,
                progress: Progress | None = None) -> ScoringRun:
    """Score every body from its latest submission, the active facts and the report
    flags, and store the run with all its results as one immutable snapshot. A
    rescore after a commission decision names the decision. ``progress``: see ``state.Progress``."""
    if not _internal:
        policy.check(session, actor, "scoring.run", campaign=campaign)
        _require_state(campaign, ("verification", "scored"), "run scoring",
                       "after the draft conclusions, scores change only through a commission decision")
    methodology = _methodology(campaign.methodology_id)
    scorer = _scorer(campaign)
    facts = active_facts(session, campaign)
    latest = {m.body_code: latest_submission(session, campaign, m.body_code) for m in campaign.bodies}
    missing = [code for code, version in latest.items() if version is None]
    if missing:
        raise CampaignError(f"no report from: {', '.join(missing)}; every evaluated body needs a submission "
                            "before scoring")
    versions = {code: {"submission_id": version.id, "version": version.version} for code, version in latest.items()}
    flags = {m.body_code: list(m.flags) for m in campaign.bodies if m.flags}
    results = score_snapshot(session, campaign, scorer, latest, facts, flags, progress=progress)
    number = (session.execute(select(func.max(ScoringRun.number)).where(ScoringRun.campaign_id == campaign.id))
              .scalar() or 0) + 1
    moment = _moment(at)
    run = ScoringRun(campaign_id=campaign.id, number=number, methodology_id=campaign.methodology_id,
                     content_hash=campaign.content_hash, options=campaign.options, input_versions=versions,
                     fact_ids=[fact.id for fact in facts], flags=flags, reason=reason, status="complete",
                     created_by=actor, created_at=moment, decision_id=decision.id if decision is not None else None)
    session.add(run)
    _flush(session, f"scoring run {number}")
    base = scorer.scorer(None)
    facts_by_body: dict[str, list[Fact]] = {}
    for fact in facts:
        facts_by_body.setdefault(fact.body_code, []).append(fact)
    stored = _ticker(progress, "storing", len(results))
    for result in results:
        explanation = dict(result.explanation)
        explanation["verification"] = [_fact_view(fact, methodology) for fact in facts_by_body.get(result.body_id, [])]
        session.add(RunResult(run_id=run.id, body_code=result.body_id, total=number_text(result.total),
                              total_rounded=format(base.round(result.total), "f"), penalty=number_text(result.penalty),
                              scores={key: number_text(value) for key, value in result.scores.items()},
                              explanation=jsonable(explanation)))
        for line in explanation.get("penalties", []):
            session.add(AppliedPenaltyRow(run_id=run.id, body_code=result.body_id, rule=line["rule"], node=line["node"],
                                          count=line["count"], amount=line["amount"], references=line["references"]))
        _flush(session, f"scoring run {number}")
        stored()
    session.expire(run, ["results"])
    _record(session, campaign, actor, "scoring.run", f"run:{run.id}", {
        "number": number, "reason": reason, "content_hash": run.content_hash, "options": run.options,
        "input_versions": versions, "fact_ids": run.fact_ids, "flags": flags,
        **({"decision": decision.id} if decision is not None else {}),
        "totals": {r.body_id: format(base.round(r.total), "f") for r in results}}, at)
    if campaign.state == "verification":
        _set_state(session, campaign, "scored", actor, at, run=number)
    return run


def score_snapshot(session: Session, campaign: Campaign, scorer, submissions: dict[str, SubmissionVersion],
                   facts: list[Fact], flags: dict[str, list], progress: Progress | None = None) -> list[BodyScore]:
    """Score the campaign's bodies from these submission versions, facts and report flags
    (a run's snapshot), with explanations. Used to make a run and to recompute one."""
    methodology = _methodology(campaign.methodology_id)
    validated, problems = [], []
    checked = _ticker(progress, "checking", len(submissions))
    for member in campaign.bodies:
        if member.body_code not in submissions:
            continue
        raw = _effective_values(session, campaign, member.body_code, facts, submissions[member.body_code])
        try:
            validated.append(scorer.validate(_as_submission(session, campaign, member, raw)))
        except InputError as exc:
            problems += [str(p) for p in exc.problems]
        checked()
    if problems:
        raise CampaignError("cannot score; input problems:\n  " + "\n  ".join(problems))
    penalties: dict[str, list[AppliedPenalty]] = {}
    for fact in facts:
        penalties.setdefault(fact.body_code, []).append(AppliedPenalty(
            rule=fact.rule, count=1, node=fact.node,
            reference=f"fact #{fact.id}: {fact.input_id} reported {fact.reported_value!s}, verified "
                      f"{fact.verified_value!s} ({fact.document})"))
    for body, body_flags in flags.items():
        for flag in body_flags:
            rule = _penalty_rule_for(methodology, campaign.settings, "late" if flag["kind"] == "late" else "incomplete")
            if rule:
                penalties.setdefault(body, []).append(
                    AppliedPenalty(rule=rule, count=1, reference=f"{flag['kind']}: {flag['detail']}"))
    try:
        return scorer.score(validated, explain=True, period=campaign.period, penalties=penalties,
                            progress=_ticker(progress, "scoring", len(validated)))
    except ScoringError as exc:
        raise CampaignError(f"cannot score: {exc}") from None


def _fact_view(fact: Fact, methodology) -> dict:
    rule = methodology.penalties.get(fact.rule)
    return {"fact": fact.id, "input": fact.input_id, "reported": fact.reported_value, "verified": fact.verified_value,
            "document": fact.document, "rule": fact.rule, "paragraph": rule.paragraph if rule else None,
            "effect": ("score recalculated with the verified value" if rule is not None and rule.replaces_value
                       else "penalty points" + (" and the verified value replaces the reported one"
                                                if fact.verified_value is not None else ""))}


def latest_run(session: Session, campaign: Campaign) -> ScoringRun | None:
    return session.execute(select(ScoringRun).where(ScoringRun.campaign_id == campaign.id)
                           .order_by(ScoringRun.number.desc()).limit(1)).scalar_one_or_none()


def registry_entries(session: Session, codes: list[str]) -> dict[str, Body]:
    """The registry's entries of these bodies, in one query (not one per body)."""
    found = {body.code: body for body in session.execute(select(Body).where(Body.code.in_(set(codes)))).scalars()}
    return {code: found[code] for code in codes}


def _ranked(session: Session, campaign: Campaign, run: ScoringRun):
    results = []
    rows = list(run.results)
    bodies = registry_entries(session, [row.body_code for row in rows])
    for row in rows:
        body = bodies[row.body_code]
        results.append(BodyScore(body_id=row.body_code, total=exact(Decimal(row.total)), scores={}, name=body.name,
                                 penalty=exact(Decimal(row.penalty)), grades=row.explanation.get("grades") or {}))
    return rank_scores(campaign, results)


def rank_scores(campaign: Campaign, results: list[BodyScore]):
    """The campaign's ranking of these scores (within each profile, where the edition has profiles)."""
    members = {m.body_code: m for m in campaign.bodies}
    profiles = bool(_methodology(campaign.methodology_id).profiles)
    for score in results:
        score.profile = members[score.body_id].profile if profiles else None
    return rank(_scorer(campaign).scorer(None), results)
