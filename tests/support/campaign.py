"""Helpers that build 2012 campaigns for the demo regions in a test store."""

from __future__ import annotations

from bagalau import campaigns
from bagalau.campaigns import drafts
from bagalau.engine import catalog
from bagalau import demo
from bagalau.demo import campaign as demo_campaign
from bagalau import store
from bagalau.demo.campaign import COMMISSION, EVALUATORS, METHODOLOGIST, at, representative  # noqa: F401  (re-exported)
from bagalau.engine.inputs import Submission

EVALUATOR = EVALUATORS[0]


def document() -> dict:
    return demo.cohort_document(catalog.load("it-2012"), 2012)


def raw_inputs(doc: dict, code: str) -> dict:
    return dict(next(b for b in doc["bodies"] if b["id"] == code)["inputs"])


def report(code: str, raw: dict, origin: str = "test") -> Submission:
    return Submission(code, None, raw, period=2012, origin=origin)


def build(factory, *, until: str = "verification", name: str = "test-2012", codes: list[str] | None = None,
          settings: dict | None = None, evaluators: dict | None = None, previous=None) -> tuple[int, dict]:
    """A campaign for the demo regions, taken up to state ``until``
    (created, submissions or verification). Returns (id, the demo document)."""
    doc = document()
    codes = codes or [b["id"] for b in doc["bodies"]]
    with store.transaction(factory) as s:
        demo_campaign.seed(s, [b["id"] for b in doc["bodies"]])
        campaign = campaigns.create_campaign(
            s, name=name, methodology_id="it-2012", period=2012, evaluator=demo_campaign.EVALUATOR_BODY,
            bodies=codes, actor=METHODOLOGIST, settings=settings or {"submission_deadline": "2013-03-01"},
            evaluators=evaluators if evaluators is not None else {code: [EVALUATOR] for code in codes},
            previous=previous, at=at(1, 15))
        campaign_id = campaign.id
    if until == "created":
        return campaign_id, doc
    step(factory, campaign_id, lambda s, c: campaigns.open_submissions(s, c, EVALUATOR, at=at(2, 1)))
    for code in codes:
        step(factory, campaign_id, lambda s, c, code=code: campaigns.submit(
            s, c, code, report(code, raw_inputs(doc, code)), representative(code), expected_version=0,
            at=at(2, 20)))
    if until == "submissions":
        return campaign_id, doc
    step(factory, campaign_id, lambda s, c: campaigns.close_submissions(s, c, EVALUATOR, at=at(3, 11)))
    return campaign_id, doc


def step(factory, campaign_id: int, action):
    """One step in its own transaction, as the CLI does it."""
    with store.transaction(factory) as s:
        return action(s, campaigns.get_campaign(s, campaign_id))


TWO = ["akmola", "aktobe"]


def _claimed(raw: dict) -> str:
    """An App 1 criterion-1 direction the body claims (true), for a fact to deny."""
    return next(f"app1_r1_d{d}" for d in range(1, 6) if raw.get(f"app1_r1_d{d}") is True)


def finished(factory, codes: list[str] = TWO, keyring=None, reconcile: bool = True) -> dict:
    """A campaign taken through every step, so that every table that holds a result or a
    decision has rows: two unreliable facts (one later removed), a report flag, a draft left unsubmitted, a
    reconciliation act whose finding is confirmed (a third fact), two scoring
    runs, draft and final conclusions (with a signed checkpoint when ``keyring`` has a key),
    an objection, its commission and decision, an improvement plan, and a next campaign that
    checked the plan. ``reconcile=False`` leaves out the reconciliation and the draft
    (their tables came after migration 0003). Returns the ids."""
    campaign_id, doc = build(factory, codes=codes)
    first, second = codes[0], codes[1]
    facts = [step(factory, campaign_id, lambda s, c, body=body: campaigns.add_fact(
        s, c, body, _claimed(raw_inputs(doc, body)), False, f"On-site visit act ({body})", EVALUATOR,
        at=at(4, 10))).id for body in (first, second)]
    step(factory, campaign_id, lambda s, c: campaigns.flag_incomplete(s, c, second, ["App 3"], EVALUATOR,
                                                                       at=at(4, 11)))
    act = finding = None
    if reconcile:
        step(factory, campaign_id, lambda s, c: drafts.save_draft(     # a correction begun, never submitted
            s, c, second, {"app2_g1": "5"}, representative(second), at=at(4, 11)))
        act = step(factory, campaign_id, lambda s, c: campaigns.open_reconciliation(
            s, c, _extracts_say_fewer(raw_inputs(doc, second), second), EVALUATOR, at=at(4, 12))).id
        finding = step(factory, campaign_id, lambda s, c: campaigns.reconciliation_acts(s, c)[0].findings[0].id)
        step(factory, campaign_id, lambda s, c: campaigns.decide_finding(s, c, finding, "confirmed", EVALUATOR,
                                                                          at=at(4, 13)))
    step(factory, campaign_id, lambda s, c: campaigns.run_scoring(s, c, EVALUATOR, at=at(5, 20)))
    step(factory, campaign_id, lambda s, c: campaigns.send_draft_conclusions(s, c, EVALUATOR, at=at(5, 31)))
    objection = step(factory, campaign_id, lambda s, c: campaigns.file_objection(
        s, c, first, "the measure is in the approved plan", ["plan (demo)"], representative(first), at=at(6, 3)))
    step(factory, campaign_id, lambda s, c: campaigns.appoint_commission(s, c, first, [COMMISSION[0]], EVALUATOR,
                                                                          at=at(6, 4)))
    decision = step(factory, campaign_id, lambda s, c: campaigns.decide_objection(
        s, c, objection.id, COMMISSION[0], outcome="accepted", reasoning="the plan confirms it",
        remove_facts=[facts[0]], at=at(6, 5)))
    step(factory, campaign_id, lambda s, c: campaigns.finalise(s, c, EVALUATOR, at=at(6, 12), keyring=keyring))
    plan = step(factory, campaign_id, lambda s, c: campaigns.record_improvement_plan(
        s, c, first, [{"action": "Register documents on the day", "responsible": "Office head",
                       "deadline": "2013-09-30"}], representative(first), at=at(7, 1)))
    next_id, _ = build(factory, codes=codes, name="next", previous=campaign_id, until="created")
    action_id = plan.actions[0].id
    step(factory, next_id, lambda s, c: campaigns.check_post_audit(s, c, action_id, "done", "seen on site",
                                                                    EVALUATOR, at=at(1, 20)))
    return {"campaign": campaign_id, "next": next_id, "facts": facts, "objection": objection.id,
            "decision": decision.id, "plan": plan.id, "action": action_id, "reconciliation": act,
            "finding": finding}


def _extracts_say_fewer(raw: dict, body: str) -> campaigns.DerivedInputs:
    """A reconciliation in which the EDMS extracts show a tenth fewer electronic-only
    documents (App 2 column 1) than ``body`` reported."""
    from decimal import Decimal
    return campaigns.DerivedInputs(
        edition="it-2012", engine="test", period="2012-01-01..2012-12-31",
        values={body: {"app2_g1": raw["app2_g1"] * 9 // 10, "app2_g2": raw["app2_g2"]}},
        tolerances={"app2_g1": (Decimal(0), Decimal("0.01")), "app2_g2": (Decimal(0), Decimal("0.01"))},
        paragraphs={"app2_g1": "§101(1)", "app2_g2": "§101(2)"}, sources={"edms_documents": []}, parameters={})
