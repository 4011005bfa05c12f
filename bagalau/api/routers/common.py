"""What the campaign routers share: path parameters, the campaign and body they
name, effective dates and file downloads."""

from __future__ import annotations

from datetime import date, datetime, timezone
from urllib.parse import quote

from fastapi import Path as PathParam, Query
from fastapi.responses import Response
from sqlalchemy.orm import Session

from bagalau import campaigns
from bagalau.store.models import Campaign

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


def effective(day: date | None) -> datetime | None:
    """A step's effective date (noon UTC), or None for now."""
    return None if day is None else datetime(day.year, day.month, day.day, 12, 0, tzinfo=timezone.utc)


def attachment(content: bytes, media_type: str, filename: str) -> Response:
    """A download that a browser saves and never renders (no HTML served inline, no sniffing)."""
    name = safe_name(filename)
    ascii_name = name.encode("ascii", "replace").decode().replace("?", "_").replace('"', "_")
    return Response(content, media_type=media_type, headers={
        "Content-Disposition": f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}",
        "X-Content-Type-Options": "nosniff", "Content-Security-Policy": "default-src 'none'; sandbox",
        "Cache-Control": "private, no-store"})
