"""Types the API's documents share.

``Moment``: a point in time, always with its offset (RFC 3339 ``date-time``).
The embedded SQLite store gives times back without one; they are UTC, and the
API says so, as PostgreSQL's answers do."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Annotated

from pydantic import AfterValidator


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=timezone.utc)


Moment = Annotated[datetime, AfterValidator(_aware)]
