"""Campaign state: the states, default settings, errors, and the helpers every step uses
to record an audit entry and change state."""

from __future__ import annotations

from datetime import date, datetime, timezone
from decimal import Decimal
from typing import Any, Callable, Iterable

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from bagalau.i18n import N_
from bagalau.store import audit
from bagalau.store.models import Campaign, utcnow

STATES = ("created", "submissions", "verification", "scored", "drafts_sent", "objections", "commission",
          "final", "post_audit")
DEFAULT_SETTINGS: dict[str, Any] = {
    "objection_working_days": 5,
    # shown translated where it is still this default (a campaign may set its own words)
    "objection_rule": N_("campaign setting (2012 sets no objection deadline, spec 000 A20); 5 working days as in "
                         "001 ¶106 and 002 ¶115"),
    "commission_min_members": 1,           # 001 ¶108 and 002 ¶118 say at least 5
    "submission_deadline": None,           # ISO date; 2012 leaves it to the Akim's schedule (§5, A21)
}
# Windows the act itself sets are not settings: they come from the definition's schedule
# (the 2012 §104 re-verification window is it-2012's schedule entry ``reverification``).
FROM_THE_ACT = {"reverification_working_days": "the re-verification window is the act's (2012 §104): it comes "
                                               "from the edition's schedule entry 'reverification'"}
PLAN_STATUSES = ("planned", "done", "partly", "not_done")


class CampaignError(ValueError):
    """A step that is not allowed now, or not by this actor; the message says why."""


class NotFound(CampaignError):
    """The campaign, body, objection... named does not exist (here)."""


class ConflictError(CampaignError):
    """Someone else changed the same thing first; nothing of this step was written."""


# A step over many bodies reports its progress, if asked, through ``progress(stage, total)``,
# which returns the function to call once per body done. Stages: "checking" (reports
# validated), "scoring" (bodies scored), "storing" (results stored), "draft" and "final"
# (conclusions). The command line draws a bar from it; nothing else needs it.
Progress = Callable[[str, int], Callable[[], None]]


def _ticker(progress: Progress | None, stage: str, total: int) -> Callable[[], None]:
    """The per-body callback of ``stage``, or one that does nothing."""
    return progress(stage, total) if progress is not None else (lambda: None)


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
    if isinstance(value, Decimal):    # exact either way; 'f' only where it cannot run to a billion digits
        return format(value, "f") if not value.is_finite() or -64 < value.as_tuple().exponent < 64 else str(value)
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
