"""Submissions: versioned reports, never overwritten, with optimistic locking; late and
incomplete reports."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bagalau.engine.cohort import CohortScorer
from bagalau.engine.inputs import Submission, read_file
from bagalau.store.models import Body, Campaign, CampaignBody, SubmissionVersion

from .schedule import _deadline, _event, _methodology
from .state import (
    CampaignError,
    ConflictError,
    NotFound,
    _day,
    _flush,
    _moment,
    _record,
    _require_state,
    _set_state,
    jsonable,
)
from . import policy

# --- submissions -------------------------------------------------------------------------

def latest_submission(session: Session, campaign: Campaign, body: str) -> SubmissionVersion | None:
    return session.execute(select(SubmissionVersion)
                           .where(SubmissionVersion.campaign_id == campaign.id, SubmissionVersion.body_code == body)
                           .order_by(SubmissionVersion.version.desc()).limit(1)).scalar_one_or_none()


def _campaign_body(session: Session, campaign: Campaign, body: str) -> CampaignBody:
    member = session.get(CampaignBody, (campaign.id, body))
    if member is None:
        raise NotFound(f"body '{body}' is not evaluated in campaign '{campaign.name}'")
    return member


def read_submission(path, body: str) -> Submission:
    """The body's report from a JSON/YAML/XLSX file (one body or many)."""
    found = [s for s in read_file(path) if s.body_id == body]
    if not found:
        raise CampaignError(f"{path} holds no report for body '{body}'")
    return found[0]


def submit(session: Session, campaign: Campaign, body: str, report: Submission | str, actor: str, *,
           expected_version: int | None = None, reason: str | None = None, at: datetime | None = None,
           _by_commission: bool = False) -> SubmissionVersion:
    """Store a new version of a body's report after validating it.

    ``expected_version`` is the version the submitter last saw (0 or None
    for a first report). If the body's latest version is another one, the
    report is refused with ConflictError: a correction never silently
    replaces a version its author has not seen."""
    if not _by_commission:
        policy.check(session, actor, "submission.write", campaign=campaign, body=body)
        _require_state(campaign, ("submissions", "verification"), "change a submission",
                       "after draft conclusions a body's data changes only through an objection and the "
                       "commission's decision" if campaign.state not in ("created",) else
                       "open submissions first (`bagalau campaign advance`)")
    member = _campaign_body(session, campaign, body)
    if not isinstance(report, Submission):
        report = read_submission(report, body)
    if report.body_id != body:
        raise CampaignError(f"the report is for body '{report.body_id}', not '{body}'")
    if report.penalties:
        raise CampaignError("a report carries no penalties: in a campaign they come from verification "
                            "(unreliable facts, late and incomplete reports); leave 'penalties' out of the file (in a "
                            "workbook, leave the sheet 'Штрафы' empty)")
    if report.period is not None and report.period != campaign.period:
        raise CampaignError(f"the report is for period {report.period}; the campaign's period is {campaign.period}")
    raw = jsonable(report.raw)
    scorer = _scorer(campaign)
    validated = scorer.validate(_as_submission(session, campaign, member, raw, report.origin))
    latest = latest_submission(session, campaign, body)
    current = latest.version if latest else 0
    if (expected_version or 0) > current:     # not a race: a version that was never stored
        raise CampaignError(f"body '{body}': there is no version {expected_version} to correct; the latest "
                            + (f"is version {current}" if current else "does not exist yet (give 0 for a first "
                               "report)") + ". Nothing was written.")
    if (expected_version or 0) != current:
        raise ConflictError(
            f"body '{body}': the latest submission is version {current}, but this change was made on version "
            f"{expected_version or 0}; someone else submitted in between. Nothing was written — look at "
            f"version {current} and resubmit with expected version {current}.")
    changes = _changes(latest.values if latest else {}, raw)
    if latest is not None and not changes:
        raise CampaignError(f"body '{body}': the report is identical to version {current}; nothing to store")
    moment = _moment(at)
    version = SubmissionVersion(campaign_id=campaign.id, body_code=body, version=current + 1, values=raw,
                                submitted_by=actor, submitted_at=moment, origin=report.origin or None,
                                change_summary=changes if latest else [{"first": True, "fields": len(raw)}],
                                reason=reason)
    session.add(version)
    _flush(session, f"body '{body}': version {current + 1}")
    _record(session, campaign, actor, "submission.add", f"submission:{version.id}", {
        "body": body, "version": version.version, "previous_version": current or None, "origin": report.origin,
        "reason": reason, "changes": version.change_summary,
        "warnings": [str(w) for w in validated.warnings]}, at)
    return version


def _changes(old: dict, new: dict) -> list[dict]:
    keys = sorted(set(old) | set(new))
    return [{"field": key, "from": old.get(key), "to": new.get(key)} for key in keys if old.get(key) != new.get(key)]


def _as_submission(session: Session, campaign: Campaign, member: CampaignBody, raw: dict, origin: str = "") -> Submission:
    body = session.get(Body, member.body_code)
    methodology = _methodology(campaign.methodology_id)
    return Submission(body_id=member.body_code, name=body.name, raw=dict(raw),
                      locations={key: f"submission: {key}" for key in raw}, period=campaign.period,
                      origin=origin, profile=member.profile if methodology.profiles else None)


def _scorer(campaign: Campaign) -> CohortScorer:
    methodology = _methodology(campaign.methodology_id)
    if methodology.content_hash() != campaign.content_hash:
        raise CampaignError(
            f"the definition of {campaign.methodology_id} has changed since campaign '{campaign.name}' was created "
            f"(content hash {campaign.content_hash[:12]} → {methodology.content_hash()[:12]}); its scores would not "
            "be reproducible. Restore that edition, or run a new campaign on the new one.")
    return CohortScorer(campaign.methodology_id, campaign.options)


def close_submissions(session: Session, campaign: Campaign, actor: str, at: datetime | None = None) -> list[dict]:
    """Move to verification, flagging late and missing reports from the schedule."""
    policy.check(session, actor, "campaign.close", campaign=campaign)
    _require_state(campaign, ("submissions",), "close submissions")
    flags = flag_reports(session, campaign, actor, at)
    _event(session, campaign, "event:submissions_closed", _day(_moment(at)))
    _set_state(session, campaign, "verification", actor, at, flags=flags)
    return flags


def flag_reports(session: Session, campaign: Campaign, actor: str, at: datetime | None = None) -> list[dict]:
    """Flag each body whose first report came after the submission deadline
    (late), or that has none (missing), in campaign_bodies and the audit log."""
    deadline = _deadline(campaign, "submission")
    flags: list[dict] = []
    for member in campaign.bodies:
        first = session.execute(select(SubmissionVersion).where(
            SubmissionVersion.campaign_id == campaign.id, SubmissionVersion.body_code == member.body_code,
            SubmissionVersion.version == 1)).scalar_one_or_none()
        new: list[dict] = []
        if first is None:
            new.append({"kind": "missing", "detail": "no report received"})
            member.incomplete = True
        elif deadline is not None and deadline.due is not None and _day(first.submitted_at) > deadline.due:
            new.append({"kind": "late", "detail": f"first report {_day(first.submitted_at)}, deadline {deadline.due}"
                                                  f" ({deadline.paragraph})"})
            member.late = True
        for flag in new:
            if flag not in [{"kind": f["kind"], "detail": f["detail"]} for f in member.flags]:
                member.flags = [*member.flags, flag]
                flags.append({"body": member.body_code, **flag})
    _flush(session, "report flags")
    for flag in flags:
        _record(session, campaign, actor, "report.flag", f"body:{flag['body']}", flag, at)
    return flags


def flag_incomplete(session: Session, campaign: Campaign, body: str, elements: list[str], actor: str,
                    at: datetime | None = None) -> None:
    """Record that a body's report lacks required elements (001 ¶96; 002 App 1)."""
    policy.check(session, actor, "report.flag", campaign=campaign)
    _require_state(campaign, ("verification", "scored"), "flag a report")
    member = _campaign_body(session, campaign, body)
    if not elements:
        raise CampaignError("name the missing elements of the report")
    member.incomplete = True
    member.flags = [*member.flags, {"kind": "incomplete", "detail": "missing: " + ", ".join(elements)}]
    _flush(session, f"body '{body}'")
    _record(session, campaign, actor, "report.flag", f"body:{body}",
            {"body": body, "kind": "incomplete", "elements": elements}, at)
