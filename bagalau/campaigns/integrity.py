"""Is the store what the application wrote? The checks behind ``bagalau audit verify``.

1. The audit log's hash chain (``audit.verify_chain``).
2. Every row of every campaign table against the audit entry that recorded
   it (``records.check_rows``): a changed field, a row inserted behind the
   application's back, a recorded row that is gone.
3. The ratings, recomputed: every scoring run is scored again from its own
   snapshot (submission versions, facts, report flags, options, edition)
   and compared with its stored results and penalties; every conclusion is
   compared with the recomputed total, rank and grade of its run.
4. The anchors: each checkpoint stored in the database, and each anchor
   file given, against the chain (``anchoring.verify``): a truncated chain,
   or entries rewritten with every later hash recomputed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from bagalau.engine.cohort import CohortScorer
from bagalau.engine.compiled import DefinitionError
from bagalau.engine.exact import exact
from bagalau.engine.explanations import number_text
from bagalau.engine.scoring import BodyScore
from bagalau.i18n import Message
from bagalau.store import anchoring, audit, records
from bagalau.store.models import (
    AppliedPenaltyRow,
    Campaign,
    Conclusion,
    Fact,
    ScoringRun,
    SubmissionVersion,
)

from .runs import rank_scores, score_snapshot
from .schedule import _methodology
from .state import CampaignError, jsonable


@dataclass
class IntegrityReport:
    chain: audit.ChainReport
    rows_checked: int = 0
    runs_recomputed: int = 0
    conclusions_checked: int = 0
    anchors_checked: list[anchoring.AnchorReport] = field(default_factory=list)   # the files given
    stored_anchors: int = 0
    findings: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    row_findings: list[records.RowFinding] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.chain.ok and not self.findings


def verify_store(session: Session, anchor_files: list[dict] = (), keyring: anchoring.Keyring | None = None,
                 ) -> IntegrityReport:
    keyring = keyring if keyring is not None else anchoring.Keyring.from_environment()
    entries = audit.entries(session)
    report = IntegrityReport(chain=audit.verify_chain(session))
    report.row_findings, report.rows_checked = records.check_rows(session, records.commitments_in(entries))
    report.findings += [f.message for f in report.row_findings]
    _check_ratings(session, report)
    _check_stored_anchors(session, report, keyring)
    for doc in anchor_files:
        result = anchoring.verify(session, doc, keyring, require_key=True)
        report.anchors_checked.append(result)
        report.warnings += result.warnings
        if not result.ok:
            report.findings.append(result.sentence())
    return report


def _check_stored_anchors(session: Session, report: IntegrityReport, keyring: anchoring.Keyring) -> None:
    unknown_keys = set()
    for anchor in anchoring.stored(session):
        report.stored_anchors += 1
        result = anchoring.verify(session, anchoring.document(anchor), keyring, require_key=False)
        if not result.ok:
            report.findings.append(Message("stored checkpoint #%(id)s, %(result)s", id=anchor.id,
                                           result=result.sentence()))
        if anchor.key_id is not None and anchor.key_id not in keyring.keys:
            unknown_keys.add(anchor.key_id)
    if unknown_keys:
        report.warnings.append(Message("stored checkpoints are signed with key(s) %(keys)s, not in the keyring "
                                       "(%(env)s / %(file)s): their signatures were not checked",
                                       keys=", ".join(sorted(unknown_keys)), env=anchoring.ENV_KEY,
                                       file=anchoring.ENV_KEY_FILE))


# --- the ratings, recomputed ------------------------------------------------------------------

def _check_ratings(session: Session, report: IntegrityReport) -> None:
    for campaign in session.execute(select(Campaign).order_by(Campaign.id)).scalars():
        recomputed: dict[int, dict[str, BodyScore]] = {}
        runs = list(session.execute(select(ScoringRun).where(ScoringRun.campaign_id == campaign.id)
                                    .order_by(ScoringRun.number)).scalars())
        for run in runs:
            results = _recompute(session, campaign, run, report)
            if results is not None:
                recomputed[run.id] = results
                report.runs_recomputed += 1
        _check_conclusions(session, campaign, runs, recomputed, report)


def _recompute(session: Session, campaign: Campaign, run: ScoringRun, report: IntegrityReport
               ) -> dict[str, BodyScore] | None:
    where = Message("scoring run %(run)s of campaign '%(campaign)s'", run=run.number, campaign=campaign.name)
    try:
        edition = _methodology(run.methodology_id)
    except CampaignError as exc:
        report.warnings.append(Message("%(run)s not recomputed: %(reason)s", run=where, reason=str(exc)))
        return None
    if edition.content_hash() != run.content_hash:
        report.warnings.append(Message("%(run)s not recomputed: it was scored with edition %(edition)s of content "
                                       "hash %(hash)s, and the shipped one is %(shipped)s", run=where,
                                       edition=run.methodology_id, hash=run.content_hash[:12],
                                       shipped=edition.content_hash()[:12]))
        return None
    submissions, missing = {}, []
    for body, version in sorted(run.input_versions.items()):
        found = session.get(SubmissionVersion, version.get("submission_id"))
        if found is None or (found.campaign_id, found.body_code, found.version) != (campaign.id, body,
                                                                                   version.get("version")):
            missing.append(Message("version %(version)s of %(body)s (submission #%(id)s)",
                                   version=version.get("version"), body=body, id=version.get("submission_id")))
        else:
            submissions[body] = found
    facts = [session.get(Fact, fact_id) for fact_id in run.fact_ids]
    missing += [Message("fact #%(id)s", id=fact_id) for fact_id, fact in zip(run.fact_ids, facts) if fact is None]
    if missing:
        report.findings.append(Message("%(run)s: cannot be recomputed, its snapshot names what the store no longer "
                                       "holds: %(missing)s", run=where, missing=missing))
        return None
    flags = run.flags
    if flags is None:
        flags = {m.body_code: list(m.flags) for m in campaign.bodies if m.flags}
        report.warnings.append(Message("%(run)s predates flag snapshots (revision 0003): recomputed with the report "
                                       "flags the bodies carry now", run=where))
    try:
        scorer = CohortScorer(run.methodology_id, run.options)
        results = score_snapshot(session, campaign, scorer, submissions, facts, flags)
    except (CampaignError, DefinitionError, ValueError) as exc:
        report.findings.append(Message("%(run)s: recomputing it failed: %(reason)s", run=where, reason=str(exc)))
        return None
    by_body = {r.body_id: r for r in results}
    _compare_results(run, by_body, scorer, where, report)
    _compare_penalties(session, run, by_body, where, report)
    return by_body


def _compare_results(run: ScoringRun, by_body: dict[str, BodyScore], scorer: CohortScorer, where: str,
                     report: IntegrityReport) -> None:
    base = scorer.scorer(None)
    stored = {row.body_code: row for row in run.results}
    for body in sorted(set(stored) | set(by_body)):
        if body not in by_body or body not in stored:
            report.findings.append(
                Message("%(run)s: a result for %(body)s, which is not in its snapshot", run=where, body=body)
                if body in stored else
                Message("%(run)s: no result for %(body)s, which its snapshot scores", run=where, body=body))
            continue
        row, fresh = stored[body], by_body[body]
        expected = {"total": number_text(fresh.total), "total_rounded": format(base.round(fresh.total), "f"),
                    "penalty": number_text(fresh.penalty)}
        for name, value in expected.items():
            if getattr(row, name) != value:
                report.findings.append(Message("run_results #%(id)s (%(body)s, %(run)s): %(field)s is %(stored)s, "
                                               "recomputed %(recomputed)s", id=row.id, body=body, run=where,
                                               field=name, stored=getattr(row, name), recomputed=value))
        fresh_scores = {key: number_text(value) for key, value in fresh.scores.items()}
        changed = sorted(k for k in set(fresh_scores) | set(row.scores) if fresh_scores.get(k) != row.scores.get(k))
        if changed:
            first = changed[0]
            report.findings.append(Message(
                "run_results #%(id)s (%(body)s, %(run)s): scores of %(nodes)s differ from the recomputed ones "
                "(%(first)s: %(stored)s stored, %(recomputed)s recomputed)", id=row.id, body=body, run=where,
                nodes=", ".join(changed[:5]) + (" …" if len(changed) > 5 else ""), first=first,
                stored=row.scores.get(first), recomputed=fresh_scores.get(first)))


def _compare_penalties(session: Session, run: ScoringRun, by_body: dict[str, BodyScore], where: str,
                       report: IntegrityReport) -> None:
    def line(body, rule, node, count, amount, references):
        return json.dumps([body, rule, node, str(count), str(amount), jsonable(references)], sort_keys=True,
                          ensure_ascii=False)
    stored = sorted(line(p.body_code, p.rule, p.node, p.count, p.amount, p.references) for p in session.execute(
        select(AppliedPenaltyRow).where(AppliedPenaltyRow.run_id == run.id)).scalars())
    fresh = sorted(line(body, p["rule"], p["node"], p["count"], p["amount"], p["references"])
                   for body, result in by_body.items() for p in (result.explanation or {}).get("penalties", []))
    if stored != fresh:
        extra = [json.loads(x) for x in stored if x not in fresh]
        lost = [json.loads(x) for x in fresh if x not in stored]
        differences = [_penalty(e, stored=True) for e in extra[:3]] + [_penalty(e, stored=False) for e in lost[:3]]
        report.findings.append(Message("penalties_applied of %(run)s differ from the recomputed ones: "
                                       "%(differences)s", run=where, differences=differences))


def _penalty(line: list, stored: bool) -> Message:
    """One applied penalty, [body, rule, node, count, amount, references], as stored or as recomputed."""
    body, rule, _node, count, amount = line[:5]
    if stored:
        return Message("stored %(body)s %(rule)s ×%(count)s = %(amount)s", body=body, rule=rule, count=count,
                       amount=amount)
    return Message("recomputed %(body)s %(rule)s ×%(count)s = %(amount)s", body=body, rule=rule, count=count,
                   amount=amount)


def _check_conclusions(session: Session, campaign: Campaign, runs: list[ScoringRun],
                       recomputed: dict[int, dict[str, BodyScore]], report: IntegrityReport) -> None:
    runs_by_id = {run.id: run for run in runs}
    ranks: dict[int, dict | None] = {}
    finals: dict[str, Conclusion] = {}
    conclusions = list(session.execute(select(Conclusion).where(Conclusion.campaign_id == campaign.id)
                                       .order_by(Conclusion.id)).scalars())
    for conclusion in conclusions:
        report.conclusions_checked += 1
        label = Message("conclusions #%(id)s (%(body)s, %(kind)s, campaign '%(campaign)s')", id=conclusion.id,
                        body=conclusion.body_code, kind=conclusion.kind, campaign=campaign.name)
        run = runs_by_id.get(conclusion.run_id)
        if run is None:
            report.findings.append(Message("%(conclusion)s: its scoring run #%(run)s is not in the store",
                                           conclusion=label, run=conclusion.run_id))
            continue
        if run.id not in ranks:
            try:
                ranks[run.id] = _expected(campaign, run, recomputed.get(run.id))
            except CampaignError as exc:
                ranks[run.id] = None
                report.warnings.append(Message("conclusions from run %(run)s of campaign '%(campaign)s' not "
                                               "checked: %(reason)s", run=run.number, campaign=campaign.name,
                                               reason=str(exc)))
        if ranks[run.id] is None:
            continue
        expected = ranks[run.id].get(conclusion.body_code)
        if expected is None:
            report.findings.append(Message("%(conclusion)s: run %(run)s has no result for %(body)s",
                                           conclusion=label, run=run.number, body=conclusion.body_code))
            continue
        rank, total, exact, grade = expected
        source = (Message("run %(run)s recomputed", run=run.number) if run.id in recomputed else
                  Message("run %(run)s as stored", run=run.number))
        found = {"total": conclusion.total, "content.total": conclusion.content.get("total"),
                 "content.total_exact": conclusion.content.get("total_exact"),
                 "content.run": conclusion.content.get("run"), "grade": _grade(conclusion.grade)}
        wanted = {"total": total, "content.total": total, "content.total_exact": exact, "content.run": run.number,
                  "grade": grade}
        if conclusion.kind == "final":
            found["rank"], wanted["rank"] = conclusion.rank, rank
            if conclusion.body_code in finals:
                report.findings.append(Message("%(conclusion)s: a second final conclusion for %(body)s (the first "
                                               "is #%(first)s)", conclusion=label, body=conclusion.body_code,
                                               first=finals[conclusion.body_code].id))
            finals.setdefault(conclusion.body_code, conclusion)
        for name in found:
            if found[name] != wanted[name]:
                report.findings.append(Message("%(conclusion)s: %(field)s is %(found)s, but %(source)s gives "
                                               "%(wanted)s", conclusion=label, field=name, found=found[name],
                                               source=source, wanted=wanted[name]))
    if finals:
        _check_final_set(campaign, runs, finals, report)


def _check_final_set(campaign: Campaign, runs: list[ScoringRun], finals: dict[str, Conclusion],
                     report: IntegrityReport) -> None:
    members = {m.body_code for m in campaign.bodies}
    if set(finals) != members:
        lacking, extra = sorted(members - set(finals)), sorted(set(finals) - members)
        differences = []
        if lacking:
            differences.append(Message("lacks %(bodies)s", bodies=", ".join(lacking)))
        if extra:
            differences.append(Message("holds %(bodies)s, not in the campaign", bodies=", ".join(extra)))
        report.findings.append(Message("the final rating of campaign '%(campaign)s' %(differences)s",
                                       campaign=campaign.name, differences=differences))
    used = {c.run_id for c in finals.values()}
    if runs and used != {runs[-1].id}:
        report.findings.append(Message("the final rating of campaign '%(campaign)s' is not from its latest scoring "
                                       "run (run %(run)s)", campaign=campaign.name, run=runs[-1].number))


def _expected(campaign: Campaign, run: ScoringRun, fresh: dict[str, BodyScore] | None
              ) -> dict[str, tuple[int, str, str, object]]:
    """body -> (rank, rounded total, exact total, grade) from the recomputed results, else the stored ones."""
    if fresh is not None:
        scores = [BodyScore(body_id=b, total=r.total, scores={}, penalty=r.penalty, grades=r.grades)
                  for b, r in fresh.items()]
    else:
        scores = [BodyScore(body_id=row.body_code, total=exact(Decimal(row.total)), scores={},
                            penalty=exact(Decimal(row.penalty)),
                            grades=row.explanation.get("grades") or {}) for row in run.results]
    return {entry.result.body_id: (entry.rank, format(entry.rounded_total, "f"), number_text(entry.result.total),
                                   jsonable(entry.result.grades.get("total")) or None)
            for entry in rank_scores(campaign, scores)}


def _grade(text: str | None):
    return json.loads(text) if text else None
