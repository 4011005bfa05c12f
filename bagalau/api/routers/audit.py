"""The audit log: its entries, filtered, and the verification `bagalau audit
verify` makes (hash chain, every campaign row against its entry, the ratings
recomputed, the stored checkpoints). Administrators and methodologists read
all of it; an evaluator the entries of the campaigns they evaluate."""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from bagalau.campaigns import integrity, policy
from bagalau.store import anchoring
from bagalau.store.models import AuditEntry

from ..auth import Authentication, signed_in
from ..problems import ProblemError
from ..state import store_session
from .common import CAMPAIGN_REF, load

router = APIRouter(prefix="/audit", tags=["audit"])
TEXT = r"^[^\x00]*$"


class Entry(BaseModel):
    seq: int
    timestamp: str
    actor: str
    action: str
    entity: str
    campaign: int | None
    payload: dict[str, Any]
    hash: str
    prev_hash: str


class Page(BaseModel):
    entries: list[Entry]
    next_after: int | None = Field(description="pass as `after` for the next page; null at the end")


class ChainInfo(BaseModel):
    ok: bool
    entries: int
    broken_at: int | None
    reason: str


class ChangedRow(BaseModel):
    table: str
    key: Any
    what: str
    fields: list[str]
    audit_entry: int | None


class Verification(BaseModel):
    ok: bool
    chain: ChainInfo
    rows_checked: int
    runs_recomputed: int
    conclusions_checked: int
    stored_checkpoints: int
    changed_rows: list[ChangedRow]
    findings: list[str]
    warnings: list[str]


@router.get("", response_model=Page)
def entries(campaign: str | None = Query(None, pattern=CAMPAIGN_REF, description="one campaign's entries "
                                                                                 "(required for evaluators)"),
            action: str | None = Query(None, max_length=64, pattern=TEXT, description="e.g. objection.decide, "
                                                                                      "or a prefix: objection."),
            actor: str | None = Query(None, max_length=128, pattern=TEXT),
            entity: str | None = Query(None, max_length=128, pattern=TEXT, description="e.g. fact:12"),
            after: int = Query(0, ge=0, le=2**62, description="entries after this sequence number"),
            limit: int = Query(100, ge=1, le=1000),
            auth: Authentication = Depends(signed_in), session: Session = Depends(store_session)):
    """Entries in order, filtered, a page at a time."""
    c = load(session, campaign) if campaign is not None else None
    policy.check(session, auth.actor, "audit.read", campaign=c)
    query = select(AuditEntry).where(AuditEntry.seq > after).order_by(AuditEntry.seq).limit(limit + 1)
    if c is not None:
        query = query.where(AuditEntry.campaign_id == c.id)
    if action:
        query = query.where(AuditEntry.action.startswith(action, autoescape=True) if action.endswith(".")
                            else AuditEntry.action == action)
    if actor:
        query = query.where(AuditEntry.actor == actor)
    if entity:
        query = query.where(AuditEntry.entity == entity)
    rows = list(session.execute(query).scalars())
    more = len(rows) > limit
    rows = rows[:limit]
    return {"entries": [dict(seq=e.seq, timestamp=e.timestamp, actor=e.actor, action=e.action, entity=e.entity,
                             campaign=e.campaign_id, payload=json.loads(e.payload), hash=e.hash,
                             prev_hash=e.prev_hash) for e in rows],
            "next_after": rows[-1].seq if more and rows else None}


@router.get("/verify", response_model=Verification)
def verify(auth: Authentication = Depends(signed_in), session: Session = Depends(store_session)):
    """Is the store what the application wrote? (`ok` false names what changed.)"""
    policy.check(session, auth.actor, "audit.read")
    try:
        ring = anchoring.Keyring.from_environment()
    except anchoring.AnchorError as exc:
        raise ProblemError(503, f"the anchor keys cannot be read: {exc}", "unavailable") from None
    report = integrity.verify_store(session, [], ring)
    return {"ok": report.ok, "chain": {"ok": report.chain.ok, "entries": report.chain.checked,
                                       "broken_at": report.chain.broken_seq, "reason": report.chain.reason},
            "rows_checked": report.rows_checked, "runs_recomputed": report.runs_recomputed,
            "conclusions_checked": report.conclusions_checked, "stored_checkpoints": report.stored_anchors,
            "changed_rows": [{"table": f.table, "key": f.key, "what": f.what, "fields": list(f.fields),
                              "audit_entry": f.seq} for f in report.row_findings],
            "findings": report.findings, "warnings": report.warnings}
