"""Assessment campaigns: the lifecycle as explicit state transitions.

A campaign is one methodology edition, one reporting period, one evaluator
and a set of evaluated bodies. Its states, in order::

    created → submissions → verification → scored → drafts_sent
            → objections → commission → final → post_audit

Each function below is one step. It checks the campaign's state and the
actor's role, does its work in the caller's session, writes an audit entry
for every change in that same session, and never commits: the caller
(``store.transaction``) commits the step as a whole or not at all.
Forbidden steps raise ``CampaignError`` with a message saying why and what
to do instead; a concurrent change raises ``ConflictError``.

Rules taken from the acts (2012 = order № 457, spec 000):

* the schedule's fixed deadlines come from the definition's ``schedule``
  (2012: conclusions 1 June §9, corrected conclusions 15 June §10, the
  akim's report 25 July §11, all of the year after the reporting year);
* an unreliable fact names the input, the reported and the verified value
  and the document. Where the penalty rule ``replaces_value`` (2012 §105)
  the score is recalculated with the verified value and no points are
  taken per fact; where it gives points (001 ¶97–99, 002 ¶15) they are
  taken as the rule says, and a verified value, when given, also replaces
  the reported one (001 ¶94);
* objections: 2012 sets no deadline for them (spec 000, A20). The campaign
  setting ``objection_working_days`` (default 5) counts working days on the
  Kazakhstan calendar from the day the draft conclusions were sent — the
  same five working days 001 ¶106 and 002 ¶115 give, and the window §104
  gives the Akimat for re-verification after an appeal is considered
  (recorded for each decision as ``reverification_due``);
* the special commission may not include staff who took part in
  evaluating that body (2012 §107, 001 ¶102/¶108, 002 ¶118);
* a commission decision that changes inputs or facts triggers a rescore as
  a new, immutable scoring run;
* after final, submissions cannot change; the improvement plan (2012
  §109–110) is checked in the next campaign (§108, §111) and its results
  go into that campaign's conclusions as "post-audit results" (§112, A22).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any, Iterable

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from . import audit, catalog, workdays
from .cohort import CohortScorer, rank
from .compiled import DefinitionError
from .inputs import InputError, Submission, coerce, read_file
from .scoring import AppliedPenalty, BodyScore, ScoringError
from .store import (AppliedPenaltyRow, Body, Campaign, CampaignBody, Commission, CommissionMember, Conclusion,
                    Deadline, Decision, EvaluatorAssignment, Fact, ImprovementPlan, Objection, PlanAction, ROLES,
                    RunResult, ScoringRun, SubmissionVersion, User, utcnow)

STATES = ("created", "submissions", "verification", "scored", "drafts_sent", "objections", "commission",
          "final", "post_audit")
DEFAULT_SETTINGS: dict[str, Any] = {
    "objection_working_days": 5,
    "objection_rule": "campaign setting (2012 sets no objection deadline, spec 000 A20); 5 working days as in "
                      "001 ¶106 and 002 ¶115, and as the 2012 §104 re-verification window",
    "reverification_working_days": 5,      # 2012 §104
    "commission_min_members": 1,           # 001 ¶108 and 002 ¶118 say at least 5
    "submission_deadline": None,           # ISO date; 2012 leaves it to the Akim's schedule (§5, A21)
}
PLAN_STATUSES = ("planned", "done", "partly", "not_done")


class CampaignError(ValueError):
    """A step that is not allowed now, or not by this actor; the message says why."""


class ConflictError(CampaignError):
    """Someone else changed the same thing first; nothing of this step was written."""


# --- helpers ---------------------------------------------------------------------------

def _moment(at: datetime | date | None) -> datetime:
    if at is None:
        return utcnow()
    if not isinstance(at, datetime):
        at = datetime(at.year, at.month, at.day, 12, 0, tzinfo=timezone.utc)
    return at if at.tzinfo else at.replace(tzinfo=timezone.utc)


def _day(value: datetime) -> date:
    if value.tzinfo is not None:
        value = value.astimezone(timezone.utc)
    return value.date()


def jsonable(value: Any) -> Any:
    """Input values as JSON: Decimals as exact text, dates as ISO text."""
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    return value


def _flush(session: Session, what: str) -> None:
    try:
        session.flush()
    except (IntegrityError, StaleDataError) as exc:
        raise ConflictError(f"{what}: someone else changed the same record at the same time; nothing was "
                            f"written — reload and try again ({type(exc).__name__})") from None


def _record(session: Session, campaign: Campaign | None, actor: str, action: str, entity: str,
            payload: dict, at: datetime | None = None) -> None:
    if at is not None:
        payload = {**payload, "effective": _moment(at).isoformat()}
    try:
        audit.record(session, actor, action, entity, jsonable(payload),
                     campaign_id=campaign.id if campaign is not None else None)
    except (IntegrityError, StaleDataError):
        raise ConflictError(f"{action}: another change was recorded at the same time; nothing was written — "
                            "try again") from None


def _set_state(session: Session, campaign: Campaign, state: str, actor: str, at: datetime | None, **payload) -> None:
    old = campaign.state
    campaign.state = state
    _flush(session, f"campaign {campaign.name}")
    _record(session, campaign, actor, "campaign.state", f"campaign:{campaign.id}",
            {"from": old, "to": state, **payload}, at)


def _require_state(campaign: Campaign, allowed: Iterable[str], doing: str, hint: str = "") -> None:
    allowed = tuple(allowed)
    if campaign.state in allowed:
        return
    if campaign.state in ("final", "post_audit") and "final" not in allowed:
        raise CampaignError(f"cannot {doing}: campaign '{campaign.name}' is final — its conclusions and rating "
                            f"are published and can no longer change{'; ' + hint if hint else ''}")
    raise CampaignError(f"cannot {doing} while campaign '{campaign.name}' is in state '{campaign.state}'; "
                        f"allowed in: {', '.join(allowed)}{'. ' + hint if hint else ''}")


# --- users and roles ---------------------------------------------------------------------

def add_user(session: Session, name: str, role: str, body: str | None = None, actor: str = "system") -> User:
    if role not in ROLES:
        raise CampaignError(f"unknown role '{role}'; use one of {', '.join(ROLES)}")
    if role == "body" and not body:
        raise CampaignError("a user with role 'body' speaks for one body: give its code")
    if body and session.get(Body, body) is None:
        raise CampaignError(f"unknown body '{body}'; import the registry first (`bagalau bodies import`)")
    existing = session.execute(select(User).where(User.name == name)).scalar_one_or_none()
    if existing is not None:
        if existing.role != role or existing.body_code != (body or None):
            raise CampaignError(f"user '{name}' exists with role {existing.role}"
                                + (f" for {existing.body_code}" if existing.body_code else ""))
        return existing
    user = User(name=name, role=role, body_code=body or None)
    session.add(user)
    _flush(session, f"user {name}")
    _record(session, None, actor, "user.add", f"user:{name}", {"role": role, "body": body})
    return user


def get_user(session: Session, name: str) -> User:
    user = session.execute(select(User).where(User.name == name)).scalar_one_or_none()
    if user is None:
        raise CampaignError(f"unknown user '{name}'; add one with `bagalau users add NAME --role ROLE`")
    return user


def _require_role(session: Session, actor: str, roles: tuple[str, ...], doing: str, body: str | None = None) -> User:
    user = get_user(session, actor)
    if user.role not in roles:
        raise CampaignError(f"{actor} ({user.role}) may not {doing}; only: {', '.join(roles)}")
    if user.role == "body" and body is not None and user.body_code != body:
        raise CampaignError(f"{actor} speaks for body '{user.body_code}' and may not {doing} for '{body}'")
    return user


# --- campaigns ---------------------------------------------------------------------------

def get_campaign(session: Session, ref: int | str | None = None) -> Campaign:
    """By id or name; None gives the most recently created campaign."""
    if ref is None:
        campaign = session.execute(select(Campaign).order_by(Campaign.id.desc()).limit(1)).scalar_one_or_none()
        if campaign is None:
            raise CampaignError("there is no campaign yet; create one with `bagalau campaign create`")
        return campaign
    query = select(Campaign).where(Campaign.id == int(ref)) if str(ref).isdigit() else \
        select(Campaign).where(Campaign.name == str(ref))
    campaign = session.execute(query).scalar_one_or_none()
    if campaign is None:
        raise CampaignError(f"unknown campaign '{ref}'")
    return campaign


def _methodology(methodology_id: str):
    try:
        return catalog.methodology(methodology_id)
    except KeyError as exc:
        raise CampaignError(str(exc.args[0])) from None
    except DefinitionError as exc:
        raise CampaignError(f"the definition of {methodology_id} has problems: {exc}") from None


def create_campaign(session: Session, *, name: str, methodology_id: str, period: int, evaluator: str,
                    bodies: list[str], actor: str, options: dict[str, str] | None = None,
                    settings: dict[str, Any] | None = None, previous: int | str | None = None,
                    evaluators: dict[str, list[str]] | None = None, at: datetime | None = None) -> Campaign:
    """Create a campaign; its deadlines come from the definition's schedule for the period.
    ``evaluators`` maps a body to the users who evaluate it (2012 §107)."""
    _require_role(session, actor, ("methodologist", "evaluator"), "create a campaign")
    methodology = _methodology(methodology_id)
    try:
        CohortScorer(methodology_id, options or {})
    except (ValueError, DefinitionError) as exc:
        raise CampaignError(f"options: {exc}") from None
    if session.get(Body, evaluator) is None:
        raise CampaignError(f"unknown evaluating body '{evaluator}'")
    if not bodies:
        raise CampaignError("a campaign needs at least one evaluated body")
    unknown = [code for code in bodies if session.get(Body, code) is None]
    if unknown:
        raise CampaignError(f"unknown bodies: {', '.join(unknown)}; import them first (`bagalau bodies import`)")
    if len(set(bodies)) != len(bodies):
        raise CampaignError("a body is listed twice")
    if session.execute(select(Campaign).where(Campaign.name == name)).scalar_one_or_none() is not None:
        raise CampaignError(f"a campaign named '{name}' exists already")
    merged = {**DEFAULT_SETTINGS, **(settings or {})}
    previous_campaign = get_campaign(session, previous) if previous is not None else None
    moment = _moment(at)
    campaign = Campaign(name=name, methodology_id=methodology_id, content_hash=methodology.content_hash(),
                        period=period, evaluator_code=evaluator, state="created", options=options or {},
                        settings=jsonable(merged), created_by=actor, created_at=moment,
                        previous_campaign_id=previous_campaign.id if previous_campaign else None)
    session.add(campaign)
    _flush(session, f"campaign {name}")
    for code in bodies:
        body = session.get(Body, code)
        if methodology.profiles and body.profile not in methodology.profiles:
            raise CampaignError(f"body '{code}' is a {body.kind} ({body.profile} profile), but {methodology_id} "
                                f"has only the profiles {', '.join(methodology.profiles)}")
        campaign.bodies.append(CampaignBody(body_code=code, profile=body.profile, flags=[]))
    for code, names in (evaluators or {}).items():
        if code not in bodies:
            raise CampaignError(f"evaluator assignment for '{code}', which is not in the campaign")
        for user_name in names:
            user = get_user(session, user_name)
            if user.role != "evaluator":
                raise CampaignError(f"{user_name} ({user.role}) cannot evaluate a body; only evaluators")
            session.add(EvaluatorAssignment(campaign_id=campaign.id, body_code=code, user_id=user.id))
    for deadline in schedule(methodology, period, merged):
        campaign.deadlines.append(deadline)
    _flush(session, f"campaign {name}")
    _record(session, campaign, actor, "campaign.create", f"campaign:{campaign.id}", {
        "name": name, "methodology": methodology_id, "content_hash": campaign.content_hash, "period": period,
        "evaluator": evaluator, "bodies": bodies, "options": options or {}, "settings": merged,
        "previous": previous_campaign.id if previous_campaign else None,
        "evaluators": evaluators or {},
        "deadlines": {d.key: d.due for d in campaign.deadlines}}, at)
    return campaign


def schedule(methodology, period: int, settings: dict[str, Any]) -> list[Deadline]:
    """The act's deadlines for a reporting period (fixed days now; relative
    ones once the event they count from has happened)."""
    deadlines: list[Deadline] = []
    known: dict[str, date] = {}
    pending = dict(methodology.schedule)
    while pending:
        progressed = False
        for key, rule in list(pending.items()):
            due = None
            if rule.month is not None:
                due = date(period + rule.year_offset, rule.month, rule.day)
            elif rule.after in known:
                due = _count(known[rule.after], rule.working_days, rule.calendar_days)
            elif rule.after in pending:
                continue
            if due is not None:
                known[key] = due
            deadlines.append(Deadline(key=key, name=rule.name.get("en"), due=due, after=rule.after,
                                      working_days=rule.working_days, calendar_days=rule.calendar_days,
                                      paragraph=rule.paragraph, source="act"))
            del pending[key]
            progressed = True
        if not progressed:
            break
    if settings.get("submission_deadline") and "submission" not in known:
        deadlines.insert(0, Deadline(key="submission", name="Reports submitted to the evaluator",
                                     due=date.fromisoformat(str(settings["submission_deadline"])),
                                     paragraph="campaign setting (2012 §5–6, A21)", source="setting"))
    return deadlines


def _count(start: date, working_days: int | None, calendar_days: int | None) -> date:
    if working_days is not None:
        return workdays.add_working_days(start, working_days)
    return start + timedelta(days=calendar_days or 0)


def _event(session: Session, campaign: Campaign, event: str, day: date, body: str | None = None) -> list[Deadline]:
    """Resolve the deadlines that count from ``event`` (``event:NAME`` in a
    definition's schedule). An event of one body (its objection, its
    commission's meeting) gives that body its own deadline row."""
    resolved = []
    for deadline in list(campaign.deadlines):
        if deadline.due is not None or deadline.after != event or deadline.body_code is not None:
            continue
        due = _count(day, deadline.working_days, deadline.calendar_days)
        if body is None:
            deadline.due = due
            resolved.append(deadline)
        else:
            own = Deadline(key=deadline.key, body_code=body, name=deadline.name, due=due, after=event,
                           working_days=deadline.working_days, calendar_days=deadline.calendar_days,
                           paragraph=deadline.paragraph, source=deadline.source)
            campaign.deadlines.append(own)
            resolved.append(own)
    return resolved


def _deadline(campaign: Campaign, key: str) -> Deadline | None:
    return next((d for d in campaign.deadlines if d.key == key and d.body_code is None), None)


def open_submissions(session: Session, campaign: Campaign, actor: str, at: datetime | None = None) -> None:
    _require_role(session, actor, ("evaluator",), "open submissions")
    _require_state(campaign, ("created",), "open submissions")
    _event(session, campaign, "event:submissions_opened", _day(_moment(at)))
    _set_state(session, campaign, "submissions", actor, at)


# --- submissions -------------------------------------------------------------------------

def latest_submission(session: Session, campaign: Campaign, body: str) -> SubmissionVersion | None:
    return session.execute(select(SubmissionVersion)
                           .where(SubmissionVersion.campaign_id == campaign.id, SubmissionVersion.body_code == body)
                           .order_by(SubmissionVersion.version.desc()).limit(1)).scalar_one_or_none()


def _campaign_body(session: Session, campaign: Campaign, body: str) -> CampaignBody:
    member = session.get(CampaignBody, (campaign.id, body))
    if member is None:
        raise CampaignError(f"body '{body}' is not evaluated in campaign '{campaign.name}'")
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
        _require_role(session, actor, ("body", "evaluator"), "submit a report", body)
        _require_state(campaign, ("submissions", "verification"), "change a submission",
                       "after draft conclusions a body's data changes only through an objection and the "
                       "commission's decision" if campaign.state not in ("created",) else
                       "open submissions first (`bagalau campaign advance`)")
    member = _campaign_body(session, campaign, body)
    if not isinstance(report, Submission):
        report = read_submission(report, body)
    if report.body_id != body:
        raise CampaignError(f"the report is for body '{report.body_id}', not '{body}'")
    if report.period is not None and report.period != campaign.period:
        raise CampaignError(f"the report is for period {report.period}; the campaign's period is {campaign.period}")
    raw = jsonable(report.raw)
    scorer = _scorer(campaign)
    validated = scorer.validate(_as_submission(session, campaign, member, raw, report.origin))
    latest = latest_submission(session, campaign, body)
    current = latest.version if latest else 0
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
    _require_role(session, actor, ("evaluator",), "close submissions")
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
    _require_role(session, actor, ("evaluator",), "flag a report")
    _require_state(campaign, ("verification", "scored"), "flag a report")
    member = _campaign_body(session, campaign, body)
    if not elements:
        raise CampaignError("name the missing elements of the report")
    member.incomplete = True
    member.flags = [*member.flags, {"kind": "incomplete", "detail": "missing: " + ", ".join(elements)}]
    _flush(session, f"body '{body}'")
    _record(session, campaign, actor, "report.flag", f"body:{body}",
            {"body": body, "kind": "incomplete", "elements": elements}, at)


# --- verification: unreliable facts ----------------------------------------------------

def _fact_rule(campaign: Campaign, methodology, rule: str | None) -> str:
    if rule:
        if rule not in methodology.penalties:
            raise CampaignError(f"unknown penalty rule '{rule}'; {campaign.methodology_id} has: "
                                f"{', '.join(methodology.penalties) or 'none'}")
        return rule
    if campaign.settings.get("fact_rule"):
        return campaign.settings["fact_rule"]
    candidates = [key for key, p in methodology.penalties.items() if p.replaces_value or "unreliable" in key]
    if len(candidates) != 1:
        raise CampaignError(f"{campaign.methodology_id} has {len(candidates)} rules for unreliable facts "
                            f"({', '.join(candidates) or 'none'}); name one with --rule")
    return candidates[0]


def direction_of(compiled, input_id: str) -> list[str]:
    """The top-level nodes whose scoring reads ``input_id``."""
    directions = []
    for top in compiled.top_level:
        for node in compiled.nodes[top].node.walk():
            c = compiled.nodes[node.id]
            formulas = [c.formula, c.not_applicable, c.checklist_scale, *c.deduction_counts, *c.deduction_caps]
            names = set().union(*[f.names for f in formulas if f is not None])
            for sections in compiled.checklist_layouts.get(node.id, {}).values():
                for section in sections:
                    names.update(section.item_ids)
                    names.update((section.defects_id, section.applies_id))
            if input_id in names:
                directions.append(top)
                break
    return directions


def add_fact(session: Session, campaign: Campaign, body: str, input_id: str, verified_value: Any, document: str,
             actor: str, *, rule: str | None = None, node: str | None = None, note: str | None = None,
             at: datetime | None = None) -> Fact:
    """Record an unreliable fact: the body reported one value, the check found another."""
    _require_role(session, actor, ("evaluator",), "record an unreliable fact")
    _require_state(campaign, ("verification", "scored"), "record an unreliable fact",
                   "facts are recorded during verification, before the draft conclusions")
    member = _campaign_body(session, campaign, body)
    if not document or not document.strip():
        raise CampaignError("an unreliable fact must name the document it rests on (reconciliation act)")
    methodology = _methodology(campaign.methodology_id)
    rule_id = _fact_rule(campaign, methodology, rule)
    penalty = methodology.penalties[rule_id]
    scorer = _scorer(campaign)
    compiled = scorer.scorer(member.profile if methodology.profiles else None).compiled
    if input_id not in compiled.inputs:
        raise CampaignError(f"unknown input '{input_id}' for {campaign.methodology_id}")
    if penalty.replaces_value and verified_value is None:
        raise CampaignError(f"rule '{rule_id}' ({penalty.paragraph}) recalculates the score with the verified value; "
                            "give the verified value")
    if verified_value is not None:
        try:
            coerce(compiled.inputs[input_id], verified_value)
        except ValueError as exc:
            raise CampaignError(f"verified value for '{input_id}': {exc}") from None
    if penalty.scope == "direction":
        if node is None:
            found = direction_of(compiled, input_id)
            if len(found) != 1:
                raise CampaignError(f"rule '{rule_id}' is capped per direction and input '{input_id}' is read by "
                                    f"{', '.join(found) or 'no direction'}; name the direction with --node")
            node = found[0]
        elif node not in compiled.top_level:
            raise CampaignError(f"'{node}' is not a direction; use one of {', '.join(compiled.top_level)}")
    latest = latest_submission(session, campaign, body)
    if latest is None:
        raise CampaignError(f"body '{body}' has no submission to verify")
    reported = latest.values.get(input_id)
    # The verified value must leave a report that still passes the act's checks.
    if verified_value is not None:
        raw = {**_effective_values(session, campaign, body), input_id: jsonable(verified_value)}
        try:
            scorer.validate(_as_submission(session, campaign, member, raw))
        except InputError as exc:
            raise CampaignError(f"with the verified value the report of '{body}' fails validation: "
                                + "; ".join(p.reason for p in exc.problems)) from None
    moment = _moment(at)
    fact = Fact(campaign_id=campaign.id, body_code=body, input_id=input_id, rule=rule_id, node=node,
                submission_id=latest.id, reported_value=reported, verified_value=jsonable(verified_value),
                document=document.strip(), note=note, recorded_by=actor, recorded_at=moment)
    session.add(fact)
    _flush(session, f"fact for '{body}'")
    _record(session, campaign, actor, "fact.add", f"fact:{fact.id}", {
        "body": body, "input": input_id, "rule": rule_id, "node": node, "submission_version": latest.version,
        "reported": reported, "verified": fact.verified_value, "document": fact.document, "note": note}, at)
    return fact


def active_facts(session: Session, campaign: Campaign, body: str | None = None) -> list[Fact]:
    query = select(Fact).where(Fact.campaign_id == campaign.id, Fact.removed_by_decision_id.is_(None))
    if body is not None:
        query = query.where(Fact.body_code == body)
    return list(session.execute(query.order_by(Fact.id)).scalars())


def _effective_values(session: Session, campaign: Campaign, body: str,
                      facts: list[Fact] | None = None) -> dict:
    latest = latest_submission(session, campaign, body)
    raw = dict(latest.values)
    for fact in (facts if facts is not None else active_facts(session, campaign, body)):
        if fact.body_code == body and fact.verified_value is not None:
            raw[fact.input_id] = fact.verified_value
    return raw


# --- scoring runs ------------------------------------------------------------------------

def _penalty_rule_for(methodology, settings: dict, kind: str) -> str | None:
    configured = settings.get(f"{kind}_rule")
    if configured:
        return configured
    matches = [key for key in methodology.penalties if kind in key]
    return matches[0] if len(matches) == 1 else None


def run_scoring(session: Session, campaign: Campaign, actor: str, *, reason: str = "scoring",
                at: datetime | None = None, _internal: bool = False) -> ScoringRun:
    """Score every body from its latest submission and the active facts, and
    store the run with all its results as one immutable snapshot."""
    if not _internal:
        _require_role(session, actor, ("evaluator",), "run scoring")
        _require_state(campaign, ("verification", "scored"), "run scoring",
                       "after the draft conclusions, scores change only through a commission decision")
    methodology = _methodology(campaign.methodology_id)
    scorer = _scorer(campaign)
    facts = active_facts(session, campaign)
    missing = [m.body_code for m in campaign.bodies if latest_submission(session, campaign, m.body_code) is None]
    if missing:
        raise CampaignError(f"no report from: {', '.join(missing)}; every evaluated body needs a submission "
                            "before scoring")
    validated, versions, problems = [], {}, []
    for member in campaign.bodies:
        latest = latest_submission(session, campaign, member.body_code)
        versions[member.body_code] = {"submission_id": latest.id, "version": latest.version}
        raw = _effective_values(session, campaign, member.body_code, facts)
        try:
            validated.append(scorer.validate(_as_submission(session, campaign, member, raw)))
        except InputError as exc:
            problems += [str(p) for p in exc.problems]
    if problems:
        raise CampaignError("cannot score; input problems:\n  " + "\n  ".join(problems))
    penalties: dict[str, list[AppliedPenalty]] = {}
    for fact in facts:
        penalties.setdefault(fact.body_code, []).append(AppliedPenalty(
            rule=fact.rule, count=1, node=fact.node,
            reference=f"fact #{fact.id}: {fact.input_id} reported {fact.reported_value!s}, verified "
                      f"{fact.verified_value!s} ({fact.document})"))
    for member in campaign.bodies:
        for flag in member.flags:
            rule = _penalty_rule_for(methodology, campaign.settings, "late" if flag["kind"] == "late" else "incomplete")
            if rule:
                penalties.setdefault(member.body_code, []).append(
                    AppliedPenalty(rule=rule, count=1, reference=f"{flag['kind']}: {flag['detail']}"))
    try:
        results = scorer.score(validated, explain=True, period=campaign.period, penalties=penalties)
    except ScoringError as exc:
        raise CampaignError(f"cannot score: {exc}") from None
    number = (session.execute(select(func.max(ScoringRun.number)).where(ScoringRun.campaign_id == campaign.id))
              .scalar() or 0) + 1
    moment = _moment(at)
    run = ScoringRun(campaign_id=campaign.id, number=number, methodology_id=campaign.methodology_id,
                     content_hash=campaign.content_hash, options=campaign.options, input_versions=versions,
                     fact_ids=[fact.id for fact in facts], reason=reason, status="complete", created_by=actor,
                     created_at=moment)
    session.add(run)
    _flush(session, f"scoring run {number}")
    base = scorer.scorer(None)
    facts_by_body: dict[str, list[Fact]] = {}
    for fact in facts:
        facts_by_body.setdefault(fact.body_code, []).append(fact)
    for result in results:
        explanation = dict(result.explanation)
        explanation["verification"] = [_fact_view(fact, methodology) for fact in facts_by_body.get(result.body_id, [])]
        session.add(RunResult(run_id=run.id, body_code=result.body_id, total=format(result.total, "f"),
                              total_rounded=format(base.round(result.total), "f"), penalty=format(result.penalty, "f"),
                              scores={key: format(value, "f") for key, value in result.scores.items()},
                              explanation=jsonable(explanation)))
        for line in explanation.get("penalties", []):
            session.add(AppliedPenaltyRow(run_id=run.id, body_code=result.body_id, rule=line["rule"], node=line["node"],
                                          count=line["count"], amount=line["amount"], references=line["references"]))
        _flush(session, f"scoring run {number}")
    session.expire(run, ["results"])
    _record(session, campaign, actor, "scoring.run", f"run:{run.id}", {
        "number": number, "reason": reason, "content_hash": run.content_hash, "options": run.options,
        "input_versions": versions, "fact_ids": run.fact_ids,
        "totals": {r.body_id: format(base.round(r.total), "f") for r in results}}, at)
    if campaign.state == "verification":
        _set_state(session, campaign, "scored", actor, at, run=number)
    return run


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


def _ranked(session: Session, campaign: Campaign, run: ScoringRun):
    scorer = _scorer(campaign)
    members = {m.body_code: m for m in campaign.bodies}
    results = []
    for row in run.results:
        body = session.get(Body, row.body_code)
        score = BodyScore(body_id=row.body_code, total=Decimal(row.total), scores={}, name=body.name,
                          penalty=Decimal(row.penalty),
                          grades=row.explanation.get("grades") or {})
        score.profile = members[row.body_code].profile if _methodology(campaign.methodology_id).profiles else None
        results.append(score)
    return rank(scorer.scorer(None), results)


# --- conclusions, objections, commission ------------------------------------------------

def send_draft_conclusions(session: Session, campaign: Campaign, actor: str,
                           at: datetime | None = None) -> list[Conclusion]:
    _require_role(session, actor, ("evaluator",), "send draft conclusions")
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
    conclusions = _conclusions(session, campaign, run, "draft", moment, deadline, actor)
    act = _deadline(campaign, "conclusions")
    late = act is not None and act.due is not None and sent > act.due
    _set_state(session, campaign, "drafts_sent", actor, at, run=run.number, objection_deadline=deadline,
               conclusions=len(conclusions),
               **({"after_act_deadline": f"{act.due} ({act.paragraph})"} if late else {}))
    return conclusions


def _conclusions(session: Session, campaign: Campaign, run: ScoringRun, kind: str, moment: datetime,
                 deadline: date | None, actor: str) -> list[Conclusion]:
    ranked = {entry.result.body_id: entry for entry in _ranked(session, campaign, run)}
    methodology = _methodology(campaign.methodology_id)
    conclusions = []
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
    _flush(session, f"{kind} conclusions")
    for conclusion in conclusions:
        _record(session, campaign, actor, f"conclusion.{kind}",
                f"conclusion:{conclusion.id}", {"body": conclusion.body_code, "run": run.number,
                                                "total": conclusion.total, "rank": conclusion.rank,
                                                "objection_deadline": deadline})
    return conclusions


def file_objection(session: Session, campaign: Campaign, body: str, text: str, documents: list[str], actor: str,
                   *, contested: list[str] | None = None, at: datetime | None = None) -> Objection:
    """A body objects to its draft conclusion, with supporting documents (2012 §106)."""
    _require_role(session, actor, ("body",), "file an objection", body)
    _require_state(campaign, ("drafts_sent", "objections", "commission"), "file an objection",
                   "objections are filed against draft conclusions")
    _campaign_body(session, campaign, body)
    if not documents:
        raise CampaignError("an objection must come with supporting documents (2012 §106)")
    conclusion = session.execute(select(Conclusion).where(
        Conclusion.campaign_id == campaign.id, Conclusion.body_code == body, Conclusion.kind == "draft")
        .order_by(Conclusion.id.desc()).limit(1)).scalar_one()
    moment = _moment(at)
    if _day(moment) > conclusion.objection_deadline:
        raise CampaignError(
            f"the objection deadline for '{body}' was {conclusion.objection_deadline} "
            f"({campaign.settings.get('objection_working_days', 5)} working days after the draft was sent on "
            f"{_day(conclusion.sent_at)}); objections after it are not accepted")
    objection = Objection(campaign_id=campaign.id, body_code=body, conclusion_id=conclusion.id, text=text,
                          documents=list(documents), contested=list(contested or []), filed_by=actor,
                          filed_at=moment, deadline=conclusion.objection_deadline, status="filed")
    session.add(objection)
    _flush(session, f"objection of '{body}'")
    _record(session, campaign, actor, "objection.file", f"objection:{objection.id}", {
        "body": body, "text": text, "documents": documents, "contested": contested or [],
        "deadline": conclusion.objection_deadline}, at)
    _event(session, campaign, "event:objection_received", _day(moment), body)
    if campaign.state == "drafts_sent":
        _set_state(session, campaign, "objections", actor, at)
    return objection


def evaluated_by(session: Session, campaign: Campaign, body: str) -> dict[str, str]:
    """Users who took part in evaluating ``body``: name -> how."""
    found: dict[str, str] = {}
    for user in session.execute(select(User).join(EvaluatorAssignment, EvaluatorAssignment.user_id == User.id).where(
            EvaluatorAssignment.campaign_id == campaign.id, EvaluatorAssignment.body_code == body)).scalars():
        found[user.name] = "assigned to evaluate it"
    for fact in session.execute(select(Fact).where(Fact.campaign_id == campaign.id, Fact.body_code == body)).scalars():
        found.setdefault(fact.recorded_by, f"recorded unreliable fact #{fact.id}")
    return found


def appoint_commission(session: Session, campaign: Campaign, body: str, members: list[str], actor: str,
                       at: datetime | None = None) -> Commission:
    """Form the special commission that considers a body's objections (2012 §107)."""
    _require_role(session, actor, ("evaluator",), "appoint a commission")
    _require_state(campaign, ("objections", "commission"), "appoint a commission",
                   "a commission considers filed objections")
    _campaign_body(session, campaign, body)
    if not session.execute(select(Objection).where(Objection.campaign_id == campaign.id,
                                                   Objection.body_code == body)).first():
        raise CampaignError(f"body '{body}' has filed no objection; there is nothing for a commission to consider")
    if session.execute(select(Commission).where(Commission.campaign_id == campaign.id,
                                                Commission.body_code == body)).first():
        raise CampaignError(f"a commission for '{body}' has already been appointed")
    minimum = int(campaign.settings.get("commission_min_members", 1))
    if len(set(members)) < minimum:
        raise CampaignError(f"the commission needs at least {minimum} members; got {len(set(members))}")
    conflicted = evaluated_by(session, campaign, body)
    users = []
    for name in dict.fromkeys(members):
        user = get_user(session, name)
        if user.role not in ("commission", "evaluator"):
            raise CampaignError(f"{name} ({user.role}) cannot sit on a commission; its members are the "
                                "evaluator's staff (roles commission or evaluator)")
        if name in conflicted:
            raise CampaignError(f"{name} may not sit on the commission for '{body}': they took part in evaluating "
                                f"that body ({conflicted[name]}) — 2012 §107")
        users.append(user)
    moment = _moment(at)
    commission = Commission(campaign_id=campaign.id, body_code=body, appointed_by=actor, appointed_at=moment)
    session.add(commission)
    _flush(session, f"commission for '{body}'")
    for user in users:
        commission.members.append(CommissionMember(user_id=user.id))
    _flush(session, f"commission for '{body}'")
    _record(session, campaign, actor, "commission.appoint", f"commission:{commission.id}",
            {"body": body, "members": [u.name for u in users]}, at)
    if campaign.state == "objections":
        _set_state(session, campaign, "commission", actor, at)
    return commission


def decide_objection(session: Session, campaign: Campaign, objection_id: int, actor: str, *, outcome: str,
                     reasoning: str, remove_facts: list[int] | None = None,
                     input_changes: dict[str, Any] | None = None, at: datetime | None = None) -> Decision:
    """The commission's decision on one objection. Removing facts or changing
    inputs makes a new submission version / fact state and a new scoring run."""
    objection = session.get(Objection, objection_id)
    if objection is None or objection.campaign_id != campaign.id:
        raise CampaignError(f"no objection #{objection_id} in campaign '{campaign.name}'")
    _require_state(campaign, ("objections", "commission"), "decide an objection")
    commission = session.execute(select(Commission).where(Commission.campaign_id == campaign.id,
                                                          Commission.body_code == objection.body_code)).scalar_one_or_none()
    if commission is None:
        raise CampaignError(f"no commission has been appointed for the objections of '{objection.body_code}'; "
                            "the decision is the commission's to take (2012 §107) — appoint one first")
    user = get_user(session, actor)
    if user.id not in {m.user_id for m in commission.members}:
        raise CampaignError(f"{actor} is not a member of the commission for '{objection.body_code}'")
    if objection.status != "filed":
        raise CampaignError(f"objection #{objection_id} was already decided ({objection.status})")
    if outcome not in ("accepted", "rejected"):
        raise CampaignError(f"outcome must be 'accepted' or 'rejected', not '{outcome}'")
    remove_facts, input_changes = list(remove_facts or []), dict(input_changes or {})
    if outcome == "rejected" and (remove_facts or input_changes):
        raise CampaignError("a rejected objection changes nothing; accept it to remove facts or change inputs")
    facts = []
    for fact_id in remove_facts:
        fact = session.get(Fact, fact_id)
        if fact is None or fact.campaign_id != campaign.id or fact.body_code != objection.body_code:
            raise CampaignError(f"fact #{fact_id} is not a fact about '{objection.body_code}' in this campaign")
        if fact.removed_by_decision_id is not None:
            raise CampaignError(f"fact #{fact_id} was already removed")
        facts.append(fact)
    moment = _moment(at)
    decision = Decision(objection_id=objection.id, commission_id=commission.id, outcome=outcome, reasoning=reasoning,
                        removed_fact_ids=remove_facts, input_changes=jsonable(input_changes), decided_by=actor,
                        decided_at=moment, reverification_due=workdays.add_working_days(
                            _day(moment), int(campaign.settings.get("reverification_working_days", 5))))
    session.add(decision)
    objection.status = outcome
    _flush(session, f"decision on objection #{objection_id}")
    _record(session, campaign, actor, "objection.decide", f"decision:{decision.id}", {
        "objection": objection.id, "body": objection.body_code, "outcome": outcome, "reasoning": reasoning,
        "remove_facts": remove_facts, "input_changes": input_changes,
        "reverification_due": decision.reverification_due}, at)
    _event(session, campaign, "event:commission_meeting", _day(moment), objection.body_code)
    for fact in facts:
        fact.removed_by_decision_id = decision.id
        _flush(session, f"fact #{fact.id}")
        _record(session, campaign, actor, "fact.remove", f"fact:{fact.id}",
                {"body": fact.body_code, "input": fact.input_id, "decision": decision.id}, at)
    if input_changes:
        latest = latest_submission(session, campaign, objection.body_code)
        raw = {**latest.values, **jsonable(input_changes)}
        submit(session, campaign, objection.body_code,
               Submission(objection.body_code, None, raw, period=campaign.period, origin=f"decision #{decision.id}"),
               actor, expected_version=latest.version, reason=f"commission decision #{decision.id} on objection "
               f"#{objection.id}", at=at, _by_commission=True)
    if facts or input_changes:
        run = run_scoring(session, campaign, actor, reason=f"rescore after commission decision #{decision.id} "
                          f"(objection #{objection.id} of {objection.body_code})", at=at, _internal=True)
        decision.run_id = run.id
        _flush(session, f"decision #{decision.id}")
    return decision


def finalise(session: Session, campaign: Campaign, actor: str, at: datetime | None = None) -> list[Conclusion]:
    """Final conclusions and the rating, from the latest scoring run."""
    _require_role(session, actor, ("evaluator",), "finalise a campaign")
    _require_state(campaign, ("drafts_sent", "objections", "commission"), "finalise",
                   "send the draft conclusions first")
    undecided = list(session.execute(select(Objection).where(Objection.campaign_id == campaign.id,
                                                             Objection.status == "filed")).scalars())
    if undecided:
        raise CampaignError("objections are still undecided: " + ", ".join(
            f"#{o.id} ({o.body_code})" for o in undecided) + "; the commission must decide them first")
    window = _deadline(campaign, "objections")
    moment = _moment(at)
    if window is not None and window.due is not None and _day(moment) <= window.due:
        raise CampaignError(f"the objection window is open until {window.due}; finalise after it closes")
    run = latest_run(session, campaign)
    conclusions = _conclusions(session, campaign, run, "final", moment, None, actor)
    _event(session, campaign, "event:final", _day(moment))
    act = _deadline(campaign, "corrected_conclusions")
    late = act is not None and act.due is not None and _day(moment) > act.due
    _set_state(session, campaign, "final", actor, at, run=run.number,
               rating=[{"rank": c.rank, "body": c.body_code, "total": c.total} for c in
                       sorted(conclusions, key=lambda c: (c.rank, c.body_code))],
               **({"after_act_deadline": f"{act.due} ({act.paragraph})"} if late else {}))
    return conclusions


# --- post-audit ---------------------------------------------------------------------------

def record_improvement_plan(session: Session, campaign: Campaign, body: str, actions: list[dict], actor: str,
                            at: datetime | None = None) -> ImprovementPlan:
    """The body's plan: actions, the people responsible, deadlines (2012 §109–110)."""
    _require_role(session, actor, ("body", "evaluator"), "record an improvement plan", body)
    _require_state(campaign, ("final", "post_audit"), "record an improvement plan",
                   "the plan follows the final conclusions")
    _campaign_body(session, campaign, body)
    if not actions:
        raise CampaignError("a plan needs at least one action")
    parsed = []
    for number, item in enumerate(actions, start=1):
        missing = [key for key in ("action", "responsible", "deadline") if not item.get(key)]
        if missing:
            raise CampaignError(f"action {number}: missing {', '.join(missing)}")
        try:
            deadline = item["deadline"] if isinstance(item["deadline"], date) else \
                date.fromisoformat(str(item["deadline"]))
        except ValueError:
            raise CampaignError(f"action {number}: deadline '{item['deadline']}' is not a date (YYYY-MM-DD)") from None
        parsed.append((item["action"], item["responsible"], deadline))
    moment = _moment(at)
    plan = ImprovementPlan(campaign_id=campaign.id, body_code=body, recorded_by=actor, recorded_at=moment)
    session.add(plan)
    _flush(session, f"plan of '{body}'")
    for action, responsible, deadline in parsed:
        plan.actions.append(PlanAction(action=action, responsible=responsible, deadline=deadline, status="planned"))
    _flush(session, f"plan of '{body}'")
    _record(session, campaign, actor, "plan.record", f"plan:{plan.id}", {"body": body, "actions": actions}, at)
    if campaign.state == "final":
        _set_state(session, campaign, "post_audit", actor, at)
    return plan


def check_post_audit(session: Session, campaign: Campaign, action_id: int, status: str, note: str, actor: str,
                     at: datetime | None = None) -> PlanAction:
    """In the next campaign, record how far a plan action of the previous one was done (2012 §108, §111)."""
    _require_role(session, actor, ("evaluator",), "check a plan")
    if status not in PLAN_STATUSES[1:]:
        raise CampaignError(f"status must be one of {', '.join(PLAN_STATUSES[1:])}")
    action = session.get(PlanAction, action_id)
    if action is None:
        raise CampaignError(f"no plan action #{action_id}")
    plan = session.get(ImprovementPlan, action.plan_id)
    if campaign.previous_campaign_id != plan.campaign_id:
        raise CampaignError(f"action #{action_id} belongs to campaign {plan.campaign_id}; the post-audit checks it in "
                            f"the campaign that follows it, not in '{campaign.name}'")
    _require_state(campaign, ("created", "submissions", "verification", "scored"), "check a plan",
                   "post-audit results go into the draft conclusions")
    action.status, action.checked_in_campaign_id, action.check_note = status, campaign.id, note
    _flush(session, f"plan action #{action_id}")
    _record(session, campaign, actor, "plan.check", f"plan_action:{action_id}",
            {"body": plan.body_code, "status": status, "note": note}, at)
    return action


def post_audit_results(session: Session, campaign: Campaign, body: str) -> list[dict]:
    """The «Результаты пост-аудита» section (2012 §112): the previous campaign's plan, as checked."""
    if campaign.previous_campaign_id is None:
        return []
    plans = session.execute(select(ImprovementPlan).where(ImprovementPlan.campaign_id == campaign.previous_campaign_id,
                                                          ImprovementPlan.body_code == body)).scalars()
    return [{"action": a.action, "responsible": a.responsible, "deadline": a.deadline, "status": a.status,
             "note": a.check_note} for plan in plans for a in plan.actions]


# --- reading ------------------------------------------------------------------------------

@dataclass
class RatingRow:
    rank: int
    body: str
    name: str
    total: str
    profile: str | None
    grade: str | None


def rating(session: Session, campaign: Campaign) -> tuple[list[RatingRow], bool]:
    """The rating and whether it is final (else: provisional, from the latest run)."""
    final = list(session.execute(select(Conclusion).where(Conclusion.campaign_id == campaign.id,
                                                          Conclusion.kind == "final")).scalars())
    members = {m.body_code: m for m in campaign.bodies}
    if final:
        rows = [RatingRow(c.rank, c.body_code, session.get(Body, c.body_code).name, c.total,
                          members[c.body_code].profile, _grade_text(c.grade)) for c in final]
        return sorted(rows, key=lambda r: (r.profile or "", r.rank, r.body)), True
    run = latest_run(session, campaign)
    if run is None:
        raise CampaignError(f"campaign '{campaign.name}' has not been scored yet")
    rows = [RatingRow(e.rank, e.result.body_id, e.result.name, format(e.rounded_total, "f"), e.profile,
                      _grade_text(json.dumps(e.result.grades.get("total"), ensure_ascii=False)
                                  if e.result.grades.get("total") else None))
            for e in _ranked(session, campaign, run)]
    return rows, False


def _grade_text(grade: str | None) -> str | None:
    if not grade:
        return None
    value = json.loads(grade)
    return value.get("ru") or value.get("en") if isinstance(value, dict) else str(value)


def status(session: Session, campaign: Campaign) -> dict:
    run = latest_run(session, campaign)
    totals = {r.body_code: r.total_rounded for r in run.results} if run else {}
    bodies = []
    for member in campaign.bodies:
        latest = latest_submission(session, campaign, member.body_code)
        objections = list(session.execute(select(Objection).where(Objection.campaign_id == campaign.id,
                                                                  Objection.body_code == member.body_code)).scalars())
        bodies.append({"body": member.body_code, "profile": member.profile,
                       "version": latest.version if latest else None,
                       "submitted": _day(latest.submitted_at) if latest else None,
                       "flags": [f["kind"] for f in member.flags],
                       "facts": len(active_facts(session, campaign, member.body_code)),
                       "total": totals.get(member.body_code),
                       "objections": [f"#{o.id} {o.status}" for o in objections]})
    runs = session.execute(select(func.count()).select_from(ScoringRun)
                           .where(ScoringRun.campaign_id == campaign.id)).scalar()
    return {"id": campaign.id, "name": campaign.name, "methodology": campaign.methodology_id,
            "content_hash": campaign.content_hash, "period": campaign.period, "evaluator": campaign.evaluator_code,
            "state": campaign.state, "next": NEXT_STEP.get(campaign.state, ""),
            "deadlines": [{"key": d.key, "name": d.name, "due": d.due, "paragraph": d.paragraph,
                           "source": d.source, "after": d.after} for d in campaign.deadlines],
            "runs": runs, "latest_run": run.number if run else None, "bodies": bodies}


NEXT_STEP = {
    "created": "open submissions (advance)",
    "submissions": "bodies submit reports; then close submissions (advance)",
    "verification": "record unreliable facts (verify add-fact); then score (advance)",
    "scored": "send draft conclusions (advance)",
    "drafts_sent": "bodies may object within the window; then finalise (advance)",
    "objections": "appoint a commission per objecting body (objection commission)",
    "commission": "the commission decides each objection (objection decide); then finalise (advance)",
    "final": "bodies record improvement plans (campaign plan)",
    "post_audit": "the next campaign checks the plans (post-audit)",
}


def advance(session: Session, campaign: Campaign, actor: str, at: datetime | None = None) -> str:
    """Take the campaign's next generic step; returns the new state."""
    steps = {"created": open_submissions, "submissions": close_submissions, "verification": run_scoring,
             "scored": send_draft_conclusions, "drafts_sent": finalise, "objections": finalise,
             "commission": finalise}
    if campaign.state not in steps:
        raise CampaignError(f"campaign '{campaign.name}' is {campaign.state}; there is no further automatic step "
                            f"({NEXT_STEP.get(campaign.state, '')})")
    steps[campaign.state](session, campaign, actor, at=at)
    return campaign.state
