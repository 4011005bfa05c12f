"""Helpers that build 2012 campaigns for the demo regions in a test store."""

from __future__ import annotations

from bagalau import campaigns
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
