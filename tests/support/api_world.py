"""A campaign with every kind of API resource in it, and a token for every role,
for the access matrix and the schemathesis run."""

from __future__ import annotations

from bagalau import campaigns
from bagalau.campaigns import evidence
from support.api import ensure_user, token_for
from support.campaign import COMMISSION, EVALUATOR, METHODOLOGIST, TWO, _claimed, at, build, raw_inputs, \
    representative, step

ROLES = ("administrator", "methodologist", "evaluator", "outsider", "commission", "body", "observer", "public")
OWN, OTHER = TWO
PDF = b"%PDF-1.4\n%%EOF\n"


def users(factory) -> dict[str, dict[str, str]]:
    """Bearer headers per role ({} for the public): the campaign's evaluator, an evaluator of
    no campaign here (outsider), the member of OWN's commission, OWN's officer..."""
    ensure_user(factory, "admin", "administrator")
    ensure_user(factory, "outsider", "evaluator")
    ensure_user(factory, "observer", "observer")
    names = {"administrator": "admin", "methodologist": METHODOLOGIST, "evaluator": EVALUATOR,
             "outsider": "outsider", "commission": COMMISSION[0], "body": representative(OWN),
             "observer": "observer"}
    headers = {role: {"Authorization": f"Bearer {token_for(factory, name)}"} for role, name in names.items()}
    headers["public"] = {}
    return headers


def open_campaign(factory) -> dict:
    """Two bodies, a fact on each (OWN's with an evidence file), scored, drafts sent, both objected,
    OWN's commission appointed (OTHER's not yet): the campaign is in state 'commission'."""
    campaign_id, doc = build(factory, codes=TWO)
    facts = [step(factory, campaign_id, lambda s, c, body=body: campaigns.add_fact(
        s, c, body, _claimed(raw_inputs(doc, body)), False, "act", EVALUATOR, at=at(4, 10))).id for body in TWO]
    file_id = step(factory, campaign_id, lambda s, c: evidence.attach(
        s, c, PDF, "application/pdf", "act.pdf", EVALUATOR, fact_id=facts[0], at=at(4, 11))).id
    step(factory, campaign_id, lambda s, c: campaigns.run_scoring(s, c, EVALUATOR, at=at(5, 20)))
    step(factory, campaign_id, lambda s, c: campaigns.send_draft_conclusions(s, c, EVALUATOR, at=at(5, 31)))
    objection = step(factory, campaign_id, lambda s, c: campaigns.file_objection(
        s, c, OWN, "objection", ["plan"], representative(OWN), at=at(6, 3))).id
    theirs = step(factory, campaign_id, lambda s, c: campaigns.file_objection(
        s, c, OTHER, "objection", ["plan"], representative(OTHER), at=at(6, 3))).id
    step(factory, campaign_id, lambda s, c: campaigns.appoint_commission(s, c, OWN, [COMMISSION[0]], EVALUATOR,
                                                                          at=at(6, 4)))
    return {"c": campaign_id, "o": objection, "o_other": theirs, "f": facts[0], "e": file_id, "a": 0}
