"""What the campaign routers share: path parameters, the campaign and body they
name, the server's clock and file downloads."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from urllib.parse import quote

from fastapi import Path as PathParam, Query, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from bagalau import campaigns
from bagalau.store.models import Campaign

from ..problems import ProblemError
from ..uploads import safe_name

CAMPAIGN_REF = r"^[^\x00-\x1f\x7f/]{1,128}$"
BODY_CODE = r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_ID = 2**31 - 1


def campaign_param():
    return PathParam(pattern=CAMPAIGN_REF, description="the campaign's id or name")


def body_param():
    return PathParam(pattern=BODY_CODE, description="the body's code in the registry")


def id_param(what: str):
    return PathParam(ge=1, le=MAX_ID, description=f"the {what}'s number")


def body_query():
    return Query(None, pattern=BODY_CODE, description="only this body")


def load(session: Session, ref: str) -> Campaign:
    return campaigns.get_campaign(session, ref)


ASTANA = timezone(timedelta(hours=5))


class Clock:
    """The server's clock, which dates every step taken through the API: the time of record of a
    submission, a fact, an objection, a decision, a plan and every lifecycle step, and so the day
    every deadline is checked against. A deployment may pin the day (``app.state.today``: demos
    and tests, as the web pages do); a client never chooses it. A client's ``on`` is checked, not
    obeyed: it may only repeat the server's today, so that no step can be backdated into a window
    that has closed or dated ahead past one still open. The audit chain's timestamps are the real
    time of writing in any case (``store.audit.record``)."""

    def __init__(self, request: Request):
        self.pinned = getattr(request.app.state, "today", None)

    def today(self) -> date:
        if self.pinned is not None:
            return self.pinned() if callable(self.pinned) else self.pinned
        return datetime.now(ASTANA).date()

    def at(self, on: date | None, field: str = "on") -> datetime | None:
        """When the step happens: None (the real now), or noon in Astana of the pinned day; refuses an
        ``on`` that is not the server's today (422, naming the field)."""
        today = self.today()
        if on is not None and on != today:
            reason = (f"{on} is not today ({today}): the server's clock dates every step, and a step "
                      "cannot be dated earlier or later than the day it is taken")
            raise ProblemError(422, f"{field}: {reason}", "date-not-today", [{"field": field, "reason": reason}])
        return None if self.pinned is None else datetime.combine(today, time(12, 0), tzinfo=ASTANA)


def server_clock(request: Request) -> Clock:
    """The dependency that gives a router the server's clock."""
    return Clock(request)


def attachment(content: bytes, media_type: str, filename: str) -> Response:
    """A download that a browser saves and never renders (no HTML served inline, no sniffing)."""
    name = safe_name(filename)
    ascii_name = name.encode("ascii", "replace").decode().replace("?", "_").replace('"', "_")
    return Response(content, media_type=media_type, headers={
        "Content-Disposition": f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}",
        "X-Content-Type-Options": "nosniff", "Content-Security-Policy": "default-src 'none'; sandbox",
        "Cache-Control": "private, no-store"})
