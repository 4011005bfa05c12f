"""Report drafts: what a body has typed into its report forms and not yet
submitted.

A draft is a working copy, one per body per campaign, saved as often as the
body likes and never scored. It is not a submission version: submitting
validates it and writes a new version, and the draft is then gone. It is
mutable, but every save and every discard is an audit entry that commits to
the row as written (``records.MUTABLE``), so a draft changed behind the
application's back is found by ``bagalau audit verify``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from .models import Base, utcnow


class ReportDraft(Base):
    """The unsubmitted values of one body's report in one campaign (raw, as typed)."""

    __tablename__ = "report_drafts"

    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"), primary_key=True)
    body_code: Mapped[str] = mapped_column(ForeignKey("bodies.code"), primary_key=True)
    values: Mapped[dict[str, Any]] = mapped_column(JSON)
    based_on_version: Mapped[int] = mapped_column(Integer, default=0)    # the version the draft corrects (0: none)
    origin: Mapped[str | None] = mapped_column(String(256))              # "form", or the uploaded file's name
    saved_by: Mapped[str] = mapped_column(String(128))
    saved_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    revision: Mapped[int] = mapped_column(Integer, nullable=False)

    # two tabs saving the same draft: the second save is refused, not lost silently
    __mapper_args__ = {"version_id_col": revision}
