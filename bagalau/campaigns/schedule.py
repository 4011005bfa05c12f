"""Creating a campaign and its schedule: deadlines from the definition, in working days
on the Kazakhstan calendar, fixed or relative to events."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bagalau.campaigns import workdays
from bagalau.engine import catalog
from bagalau.engine.cohort import CohortScorer
from bagalau.engine.compiled import DefinitionError
from bagalau.store.models import (
    Body,
    Campaign,
    CampaignBody,
    Deadline,
    EvaluatorAssignment,
)

from .state import (
    DEFAULT_SETTINGS,
    FROM_THE_ACT,
    CampaignError,
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
from .users import get_user

# --- campaigns ---------------------------------------------------------------------------

def get_campaign(session: Session, ref: int | str | None = None) -> Campaign:
    """By id or name; None gives the most recently created campaign."""
    if ref is None:
        campaign = session.execute(select(Campaign).order_by(Campaign.id.desc()).limit(1)).scalar_one_or_none()
        if campaign is None:
            raise NotFound("there is no campaign yet; create one with `bagalau campaign create`")
        return campaign
    numeric = str(ref).isascii() and str(ref).isdigit()      # not '²', which isdigit() also accepts
    if numeric and len(str(ref)) > 9:
        raise NotFound(f"unknown campaign '{str(ref)[:40]}'")
    query = select(Campaign).where(Campaign.id == int(ref)) if numeric else \
        select(Campaign).where(Campaign.name == str(ref))
    campaign = session.execute(query).scalar_one_or_none()
    if campaign is None:
        raise NotFound(f"unknown campaign '{ref}'")
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
    policy.check(session, actor, "campaign.create")
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
    fixed = sorted(set(settings or {}) & set(FROM_THE_ACT))
    if fixed:
        raise CampaignError(f"'{fixed[0]}' is not a campaign setting: {FROM_THE_ACT[fixed[0]]}")
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


REVERIFICATION = "reverification"


def reverification_due(resolved: list[Deadline]) -> date | None:
    """The due day of the act's re-verification after the commission's decision, among the
    deadlines a decision resolved; None where the act sets none. The window is the
    definition's schedule entry ``reverification`` (it-2012: five working days, §104),
    copied into the campaign's deadlines when it was created: there is no setting for it."""
    return next((d.due for d in resolved if d.key == REVERIFICATION), None)


def _deadline(campaign: Campaign, key: str) -> Deadline | None:
    return next((d for d in campaign.deadlines if d.key == key and d.body_code is None), None)


def open_submissions(session: Session, campaign: Campaign, actor: str, at: datetime | None = None) -> None:
    policy.check(session, actor, "campaign.open", campaign=campaign)
    _require_state(campaign, ("created",), "open submissions")
    _event(session, campaign, "event:submissions_opened", _day(_moment(at)))
    _set_state(session, campaign, "submissions", actor, at)
