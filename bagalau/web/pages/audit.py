"""The audit log: the hash-chained entries, newest first, filtered by campaign,
actor, action and entity; and the result of verifying the store (the chain,
every campaign row against its entry, the ratings recomputed, the stored
checkpoints: ``campaigns.integrity.verify_store``, as ``bagalau audit verify``).

Who: the policy's ``audit.read`` — administrators and methodologists every
entry, an evaluator the entries of the campaigns they evaluate; verifying the
whole store needs the first two."""

from __future__ import annotations

import json

from fastapi import Depends, Request
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bagalau.api.auth import Authentication
from bagalau.api.state import store_session
from bagalau.campaigns import integrity, policy
from bagalau.i18n import N_
from bagalau.store import anchoring
from bagalau.store.models import AuditEntry, Campaign

from ..rendering import render
from ..routing import nav, page_router
from ..session import signed_in_viewer

router = page_router()
nav("/audit", N_("Audit log"), permission="audit.read", order=80)
PAGE = 100


def _campaigns(session: Session, auth: Authentication) -> tuple[list[Campaign], bool]:
    """The campaigns whose entries the reader may see, and whether they may see all entries."""
    everything = policy.allowed(session, auth.actor, "audit.read")
    campaigns = list(session.execute(select(Campaign).order_by(Campaign.id)).scalars())
    if not everything:
        campaigns = [c for c in campaigns if policy.allowed(session, auth.actor, "audit.read", campaign=c)]
        if not campaigns:
            policy.check(session, auth.actor, "audit.read")          # refused, with the reason
    return campaigns, everything


@router.get("/audit")
def audit_log(request: Request, campaign: str = "", actor: str = "", action: str = "", entity: str = "",
              page: int = 1, auth: Authentication = Depends(signed_in_viewer),
              session: Session = Depends(store_session)):
    campaigns, everything = _campaigns(session, auth)
    query = select(AuditEntry)
    visible_ids = [c.id for c in campaigns]
    if campaign.isdigit() and int(campaign) in visible_ids:
        query = query.where(AuditEntry.campaign_id == int(campaign))
    elif not everything:
        query = query.where(AuditEntry.campaign_id.in_(visible_ids))
    if actor.strip():
        query = query.where(AuditEntry.actor.contains(actor.strip()[:128]))
    if action.strip():
        query = query.where(AuditEntry.action.startswith(action.strip()[:64]))
    if entity.strip():
        query = query.where(AuditEntry.entity.contains(entity.strip()[:128]))
    total = session.execute(select(func.count()).select_from(query.subquery())).scalar() or 0
    page = max(1, min(page, max(1, (total + PAGE - 1) // PAGE)))
    rows = list(session.execute(query.order_by(AuditEntry.seq.desc()).offset((page - 1) * PAGE).limit(PAGE))
                .scalars())
    actions = sorted(a for (a,) in session.execute(select(AuditEntry.action).distinct()))
    entries = [{"seq": e.seq, "timestamp": e.timestamp, "actor": e.actor, "action": e.action, "entity": e.entity,
                "campaign_id": e.campaign_id, "hash": e.hash,
                "payload": json.dumps(json.loads(e.payload), ensure_ascii=False, indent=1, sort_keys=True)}
               for e in rows]
    filters = {"campaign": campaign, "actor": actor, "action": action, "entity": entity}
    return render(request, "audit.html", {"entries": entries, "total": total, "page": page,
                                          "pages": max(1, (total + PAGE - 1) // PAGE), "campaigns": campaigns,
                                          "actions": actions, "filters": filters, "can_verify": everything,
                                          "campaign_names": {c.id: c.name for c in campaigns}})


@router.get("/audit/verify")
def verify(request: Request, auth: Authentication = Depends(signed_in_viewer),
           session: Session = Depends(store_session)):
    policy.check(session, auth.actor, "audit.read")
    problem = None
    try:
        keyring = anchoring.Keyring.from_environment()
    except anchoring.AnchorError as exc:
        keyring, problem = anchoring.Keyring(), exc.args[0]     # an i18n.Message: the page translates it
    report = integrity.verify_store(session, [], keyring)
    return render(request, "audit_verify.html", {"report": report, "keyring_problem": problem})
