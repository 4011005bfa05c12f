"""Evidence files: the documents an unreliable fact or an objection rests on.

The file itself is stored content-addressed (``store.BlobStore``, by its
SHA-256); here are the rows that say which body's fact or objection it backs,
and the audit entry that puts its hash into the chain. ``attach`` checks the
policy and the campaign's state and writes the rows in the caller's session;
the caller writes the bytes (``BlobStore.put``) and commits, so a refused
attachment leaves no row and no file a row would name.

Who may attach:

* to a fact: whoever may record facts (the campaign's evaluators), while facts
  may be recorded (verification, scored);
* to an objection: the body that filed it, while objections are open
  (drafts_sent, objections, commission).

Who may read: ``evidence.read`` for the body (staff of the campaign, the body
itself, its commission); another body's file is "not found".
"""

from __future__ import annotations

import hashlib
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bagalau.store.files import Evidence, EvidenceFile
from bagalau.store.models import Campaign, Fact

from . import policy
from .state import CampaignError, NotFound, _flush, _moment, _record, _require_state
from .objections import visible_objection
from .submissions import _campaign_body

FACT_STATES = ("verification", "scored")
OBJECTION_STATES = ("drafts_sent", "objections", "commission")


def digest(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def attach(session: Session, campaign: Campaign, content: bytes, media_type: str, filename: str, actor, *,
           fact_id: int | None = None, objection_id: int | None = None, at: datetime | None = None) -> Evidence:
    """Attach a file (its bytes; stored by the caller) to one fact or one objection of the campaign."""
    if (fact_id is None) == (objection_id is None):
        raise CampaignError("evidence is attached to one fact or to one objection")
    if fact_id is not None:
        fact = session.get(Fact, fact_id)
        if fact is None or fact.campaign_id != campaign.id:
            policy.check(session, actor, "fact.write", campaign=campaign)
            raise NotFound(f"no fact #{fact_id} in campaign '{campaign.name}'")
        body = fact.body_code
        policy.check(session, actor, "fact.write", campaign=campaign, body=body)
        _require_state(campaign, FACT_STATES, "attach evidence to a fact",
                       "evidence of a fact is attached during verification")
    else:
        body = visible_objection(session, campaign, objection_id, actor).body_code
        policy.check(session, actor, "objection.file", campaign=campaign, body=body)
        _require_state(campaign, OBJECTION_STATES, "attach a document to an objection",
                       "documents come with the objection, before the campaign is final")
    _campaign_body(session, campaign, body)
    name = who(actor)
    sha256 = digest(content)
    stored = session.get(EvidenceFile, sha256)
    if stored is None:
        session.add(EvidenceFile(sha256=sha256, size=len(content), media_type=media_type, stored_at=_moment(at)))
        _flush(session, f"evidence file {sha256[:12]}")
    row = Evidence(sha256=sha256, campaign_id=campaign.id, body_code=body, fact_id=fact_id,
                   objection_id=objection_id, filename=filename, uploaded_by=name, uploaded_at=_moment(at))
    session.add(row)
    _flush(session, f"evidence for '{body}'")
    _record(session, campaign, name, "evidence.attach", f"evidence:{row.id}", {
        "body": body, "sha256": sha256, "size": len(content), "media_type": media_type, "filename": filename,
        "fact": fact_id, "objection": objection_id}, at)
    return row


def who(actor) -> str:
    return actor if isinstance(actor, str) else actor.name


def get(session: Session, campaign: Campaign, evidence_id: int, actor) -> Evidence:
    """One attached file's row, for whoever may read the body's evidence (another body's: not found)."""
    row = session.get(Evidence, evidence_id)
    if row is None or row.campaign_id != campaign.id:
        policy.check(session, actor, "evidence.read", campaign=campaign)
        raise NotFound(f"no evidence #{evidence_id} in campaign '{campaign.name}'")
    policy.check(session, actor, "evidence.read", campaign=campaign, body=row.body_code)
    return row


def listing(session: Session, campaign: Campaign, actor, *, fact_id: int | None = None,
            objection_id: int | None = None, body: str | None = None) -> list[Evidence]:
    """The attached files the actor may see, of one fact, one objection, one body or the campaign."""
    query = select(Evidence).where(Evidence.campaign_id == campaign.id).order_by(Evidence.id)
    if fact_id is not None:
        query = query.where(Evidence.fact_id == fact_id)
    if objection_id is not None:
        query = query.where(Evidence.objection_id == objection_id)
    if body is not None:
        policy.check(session, actor, "evidence.read", campaign=campaign, body=body)
        query = query.where(Evidence.body_code == body)
    visible = policy.visible_bodies(session, actor, "evidence.read", campaign)
    rows = list(session.execute(query).scalars())
    return rows if visible is None else [row for row in rows if row.body_code in visible]


def media_type(session: Session, sha256: str) -> str:
    stored = session.get(EvidenceFile, sha256)
    return stored.media_type if stored is not None else "application/octet-stream"
