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
    report.findings += [str(f) for f in report.row_findings]
    _check_ratings(session, report)
    _check_stored_anchors(session, report, keyring)
    for doc in anchor_files:
        result = anchoring.verify(session, doc, keyring, require_key=True)
        report.anchors_checked.append(result)
        report.warnings += result.warnings
        if not result.ok:
            report.findings.append(str(result))
    return report


def _check_stored_anchors(session: Session, report: IntegrityReport, keyring: anchoring.Keyring) -> None:
    unknown_keys = set()
    for anchor in anchoring.stored(session):
        report.stored_anchors += 1
        result = anchoring.verify(session, anchoring.document(anchor), keyring, require_key=False)
        if not result.ok:
            report.findings.append(f"stored checkpoint #{anchor.id}, {result}")
        if anchor.key_id is not None and anchor.key_id not in keyring.keys:
            unknown_keys.add(anchor.key_id)
    if unknown_keys:
        report.warnings.append(f"stored checkpoints are signed with key(s) {', '.join(sorted(unknown_keys))}, not in "
                               f"the keyring ({anchoring.ENV_KEY} / {anchoring.ENV_KEY_FILE}): their signatures "
                               "were not checked")


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
    where = f"scoring run {run.number} of campaign '{campaign.name}'"
    try:
        edition = _methodology(run.methodology_id)
    except CampaignError as exc:
        report.warnings.append(f"{where} not recomputed: {exc}")
        return None
    if edition.content_hash() != run.content_hash:
        report.warnings.append(f"{where} not recomputed: it was scored with edition {run.methodology_id} of content "
                               f"hash {run.content_hash[:12]}, and the shipped one is {edition.content_hash()[:12]}")
        return None
    submissions, missing = {}, []
    for body, version in sorted(run.input_versions.items()):
        found = session.get(SubmissionVersion, version.get("submission_id"))
        if found is None or (found.campaign_id, found.body_code, found.version) != (campaign.id, body,
                                                                                   version.get("version")):
            missing.append(f"version {version.get('version')} of {body} (submission #{version.get('submission_id')})")
        else:
            submissions[body] = found
    facts = [session.get(Fact, fact_id) for fact_id in run.fact_ids]
    missing += [f"fact #{fact_id}" for fact_id, fact in zip(run.fact_ids, facts) if fact is None]
    if missing:
        report.findings.append(f"{where}: cannot be recomputed, its snapshot names what the store no longer holds: "
                               + ", ".join(missing))
        return None
    flags = run.flags
    if flags is None:
        flags = {m.body_code: list(m.flags) for m in campaign.bodies if m.flags}
        report.warnings.append(f"{where} predates flag snapshots (revision 0003): recomputed with the report flags "
                               "the bodies carry now")
    try:
        scorer = CohortScorer(run.methodology_id, run.options)
        results = score_snapshot(session, campaign, scorer, submissions, facts, flags)
    except (CampaignError, DefinitionError, ValueError) as exc:
        report.findings.append(f"{where}: recomputing it failed: {exc}")
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
            report.findings.append(f"{where}: {'a result for' if body in stored else 'no result for'} {body}, "
                                   f"{'which is not in its snapshot' if body in stored else 'which its snapshot scores'}")
            continue
        row, fresh = stored[body], by_body[body]
        expected = {"total": number_text(fresh.total), "total_rounded": format(base.round(fresh.total), "f"),
                    "penalty": number_text(fresh.penalty)}
        for name, value in expected.items():
            if getattr(row, name) != value:
                report.findings.append(f"run_results #{row.id} ({body}, {where}): {name} is {getattr(row, name)}, "
                                       f"recomputed {value}")
        fresh_scores = {key: number_text(value) for key, value in fresh.scores.items()}
        changed = sorted(k for k in set(fresh_scores) | set(row.scores) if fresh_scores.get(k) != row.scores.get(k))
        if changed:
            first = changed[0]
            report.findings.append(f"run_results #{row.id} ({body}, {where}): scores of {', '.join(changed[:5])}"
                                   f"{' …' if len(changed) > 5 else ''} differ from the recomputed ones ({first}: "
                                   f"{row.scores.get(first)} stored, {fresh_scores.get(first)} recomputed)")


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
        report.findings.append(f"penalties_applied of {where} differ from the recomputed ones: "
                               + "; ".join([f"stored {e[0]} {e[1]} ×{e[3]} = {e[4]}" for e in extra[:3]] +
                                           [f"recomputed {e[0]} {e[1]} ×{e[3]} = {e[4]}" for e in lost[:3]]))


def _check_conclusions(session: Session, campaign: Campaign, runs: list[ScoringRun],
                       recomputed: dict[int, dict[str, BodyScore]], report: IntegrityReport) -> None:
    runs_by_id = {run.id: run for run in runs}
    ranks: dict[int, dict | None] = {}
    finals: dict[str, Conclusion] = {}
    conclusions = list(session.execute(select(Conclusion).where(Conclusion.campaign_id == campaign.id)
                                       .order_by(Conclusion.id)).scalars())
    for conclusion in conclusions:
        report.conclusions_checked += 1
        label = f"conclusions #{conclusion.id} ({conclusion.body_code}, {conclusion.kind}, campaign '{campaign.name}')"
        run = runs_by_id.get(conclusion.run_id)
        if run is None:
            report.findings.append(f"{label}: its scoring run #{conclusion.run_id} is not in the store")
            continue
        if run.id not in ranks:
            try:
                ranks[run.id] = _expected(campaign, run, recomputed.get(run.id))
            except CampaignError as exc:
                ranks[run.id] = None
                report.warnings.append(f"conclusions from run {run.number} of campaign '{campaign.name}' not "
                                       f"checked: {exc}")
        if ranks[run.id] is None:
            continue
        expected = ranks[run.id].get(conclusion.body_code)
        if expected is None:
            report.findings.append(f"{label}: run {run.number} has no result for {conclusion.body_code}")
            continue
        rank, total, exact, grade = expected
        source = f"run {run.number} {'recomputed' if run.id in recomputed else 'as stored'}"
        found = {"total": conclusion.total, "content.total": conclusion.content.get("total"),
                 "content.total_exact": conclusion.content.get("total_exact"),
                 "content.run": conclusion.content.get("run"), "grade": _grade(conclusion.grade)}
        wanted = {"total": total, "content.total": total, "content.total_exact": exact, "content.run": run.number,
                  "grade": grade}
        if conclusion.kind == "final":
            found["rank"], wanted["rank"] = conclusion.rank, rank
            if conclusion.body_code in finals:
                report.findings.append(f"{label}: a second final conclusion for {conclusion.body_code} (the first is "
                                       f"#{finals[conclusion.body_code].id})")
            finals.setdefault(conclusion.body_code, conclusion)
        for name in found:
            if found[name] != wanted[name]:
                report.findings.append(f"{label}: {name} is {found[name]}, but {source} gives {wanted[name]}")
    if finals:
        _check_final_set(campaign, runs, finals, report)


def _check_final_set(campaign: Campaign, runs: list[ScoringRun], finals: dict[str, Conclusion],
                     report: IntegrityReport) -> None:
    members = {m.body_code for m in campaign.bodies}
    if set(finals) != members:
        lacking, extra = sorted(members - set(finals)), sorted(set(finals) - members)
        report.findings.append(f"the final rating of campaign '{campaign.name}' "
                               + (f"lacks {', '.join(lacking)}" if lacking else "")
                               + ("; " if lacking and extra else "")
                               + (f"holds {', '.join(extra)}, not in the campaign" if extra else ""))
    used = {c.run_id for c in finals.values()}
    if runs and used != {runs[-1].id}:
        report.findings.append(f"the final rating of campaign '{campaign.name}' is not from its latest scoring run "
                               f"(run {runs[-1].number})")


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
