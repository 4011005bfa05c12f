"""The synthetic demo campaign: the 2012 IT methodology for the 17 demo
regions, run end to end in the store. Every reported figure is made up
(``demo.SYNTHETIC_NOTE``); the dates are a plausible 2013 timetable.

Steps: registry and users → create → open → 17 reports (one late, one
corrected by a resubmission) → close (late report flagged) → two
unreliable facts → score → draft conclusions → an objection → a
commission (one refused under §107 first) → a decision removing one fact
→ rescore → final rating → an improvement plan.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from decimal import Decimal
from typing import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bagalau.store import audit
from bagalau import campaigns
from bagalau.engine import catalog
from bagalau import demo
from bagalau.campaigns import registry
from bagalau.demo.regions import REGION_NAMES_KK, REGIONS_2012
from bagalau.engine.cohort import CohortScorer
from bagalau.engine.inputs import Submission
from bagalau.store import Campaign, transaction

METHODOLOGY = "it-2012"
PERIOD = 2012
EVALUATOR_BODY = "demo-working-group"
EVALUATORS = ("Aigerim Sadykova (demo evaluator)", "Daniyar Omarov (demo evaluator)")
COMMISSION = ("Commission member 1 (demo)", "Commission member 2 (demo)", "Commission member 3 (demo)")
METHODOLOGIST = "Methodologist (demo)"
CITY_AKIMATS = {"astana", "almaty", "shymkent"}


def at(month: int, day: int, hour: int = 10) -> datetime:
    return datetime(PERIOD + 1, month, day, hour, 0, tzinfo=timezone.utc)


def representative(body: str) -> str:
    return f"Representative of {body} (demo)"


def registry_records() -> list[dict[str, str]]:
    rows = [{"code": EVALUATOR_BODY, "kind": "central_body", "parent": "",
             "name_ru": "Рабочая группа по оценке применения ИТ (демо, синтетическая)",
             "name_kk": "АТ қолдануды бағалау жөніндегі жұмыс тобы (демо, синтетикалық)",
             "name_en": "Working group on the IT-application evaluation (demo, synthetic)", "synthetic": "yes"}]
    for code, name_ru, name_en in REGIONS_2012:
        rows.append({"code": code, "kind": "city_akimat" if code in CITY_AKIMATS else "oblast_akimat",
                     "parent": "", "name_ru": name_ru, "name_kk": REGION_NAMES_KK[code], "name_en": name_en,
                     "synthetic": ""})
    return rows


def seed(session: Session, codes: list[str]) -> dict[str, int]:
    """The demo registry and users (idempotent)."""
    summary = registry.import_records(session, registry_records(), "system", "demo registry")
    campaigns.add_user(session, METHODOLOGIST, "methodologist")
    for name in EVALUATORS:
        campaigns.add_user(session, name, "evaluator", EVALUATOR_BODY)
    for name in COMMISSION:
        campaigns.add_user(session, name, "commission")
    for code in codes:
        campaigns.add_user(session, representative(code), "body", code)
    return summary


@dataclass
class Candidate:
    body: str
    input_id: str
    verified: object
    before: Decimal
    after: Decimal


@dataclass
class DemoResult:
    campaign_id: int
    name: str
    late_body: str
    corrected_body: str
    fact_ids: list[int]
    target: str                     # the body whose fact the commission removes
    other: str                      # the body whose fact stays
    objection_id: int
    run_totals: list[dict[str, str]] = field(default_factory=list)
    refusals: list[str] = field(default_factory=list)


def _candidates(raw: dict) -> list[tuple[str, object]]:
    """Facts a working group could plausibly find: a claimed criterion-1
    direction not confirmed on site (§17), fewer documents registered on
    time than reported (§29, App 2 column 6)."""
    found = [(f"app1_r1_d{d}", False) for d in range(1, 6) if raw.get(f"app1_r1_d{d}") is True]
    if raw.get("app2_g6"):
        found.append(("app2_g6", int(raw["app2_g6"]) // 3))
    return found


def choose_facts(document: dict) -> tuple[Candidate, Candidate]:
    """Two facts on two bodies. The first (the one the commission will
    remove) moves its body below at least one other body, so that removing
    it changes the rating order; the second changes its body's total."""
    scorer = CohortScorer(METHODOLOGY)
    raws = {entry["id"]: entry["inputs"] for entry in document["bodies"]}

    def totals(changed: dict[str, dict]) -> dict[str, Decimal]:
        subs = [scorer.validate(Submission(code, None, changed.get(code, raw), period=PERIOD))
                for code, raw in raws.items()]
        return {r.body_id: r.total for r in scorer.score(subs, period=PERIOD)}

    base = totals({})
    target = other = None
    for code in sorted(raws, key=lambda c: -base[c]):
        for input_id, verified in _candidates(raws[code]):
            new_total = totals({code: {**raws[code], input_id: verified}})[code]
            if target is None and any(new_total < base[o] < base[code] for o in raws if o != code):
                target = Candidate(code, input_id, verified, base[code], new_total)
                break
            if other is None and target is not None and code != target.body and new_total != base[code]:
                other = Candidate(code, input_id, verified, base[code], new_total)
                break
        if target is not None and other is not None:
            return target, other
    raise RuntimeError("the demo cohort offers no fact that changes the rating order")


def run(factory: sessionmaker[Session], say: Callable[[str], None] = print) -> DemoResult:
    compiled = catalog.load(METHODOLOGY)
    document = demo.cohort_document(compiled, PERIOD)
    codes = [entry["id"] for entry in document["bodies"]]
    lead = EVALUATORS[0]

    with transaction(factory) as s:
        summary = seed(s, codes)
        say(f"registry: {summary['created']} bodies created, {summary['updated']} updated")
        taken = set(s.execute(select(Campaign.name)).scalars())
    name = next(f"demo-it-2012-{n}" for n in range(1, 10_000) if f"demo-it-2012-{n}" not in taken)

    target, other = choose_facts(document)
    half = len(codes) // 2
    assignments = {code: [EVALUATORS[0] if i < half else EVALUATORS[1]] for i, code in enumerate(codes)}
    assignments[target.body] = [lead]
    assignments[other.body] = [lead]
    late_body = next(c for c in codes if c not in (target.body, other.body))
    corrected_body = next(c for c in reversed(codes) if c not in (target.body, other.body, late_body))

    with transaction(factory) as s:
        campaign = campaigns.create_campaign(
            s, name=name, methodology_id=METHODOLOGY, period=PERIOD, evaluator=EVALUATOR_BODY, bodies=codes,
            actor=METHODOLOGIST, settings={"submission_deadline": f"{PERIOD + 1}-03-01"},
            evaluators=assignments, at=at(1, 15))
        campaign_id = campaign.id
        say(f"campaign {name} (#{campaign_id}) created: {METHODOLOGY}, period {PERIOD}, {len(codes)} bodies; "
            "deadlines " + ", ".join(f"{d.key} {d.due}" for d in campaign.deadlines))

    def step(action):
        with transaction(factory) as s:
            return action(s, campaigns.get_campaign(s, campaign_id))

    step(lambda s, c: campaigns.open_submissions(s, c, lead, at=at(2, 1)))
    for i, entry in enumerate(document["bodies"]):
        when = at(3, 5) if entry["id"] == late_body else at(2, 11 + i % 15)
        step(lambda s, c, e=entry, w=when: campaigns.submit(
            s, c, e["id"], Submission(e["id"], e["name"], e["inputs"], period=PERIOD, origin="demo"),
            representative(e["id"]), expected_version=0, at=w))
    corrected = dict(next(e for e in document["bodies"] if e["id"] == corrected_body)["inputs"])
    corrected["app1_r2_2_1"] = not corrected.get("app1_r2_2_1", False)
    step(lambda s, c: campaigns.submit(s, c, corrected_body, Submission(corrected_body, None, corrected, period=PERIOD,
                                                                       origin="demo correction"),
                                       representative(corrected_body), expected_version=1,
                                       reason="corrected App 1 row 2.2.1 (electronic inventory)", at=at(2, 27)))
    say(f"17 reports submitted; {corrected_body} sent a corrected version 2; {late_body} reported after the deadline")
    flags = step(lambda s, c: campaigns.close_submissions(s, c, lead, at=at(3, 11)))
    say("submissions closed; flagged: " + (", ".join(f"{f['body']} ({f['kind']})" for f in flags) or "none"))

    fact_ids = []
    for number, candidate in enumerate((target, other), start=1):
        document_ref = (f"On-site visit act No. {number} (§17, demo)" if candidate.input_id.startswith("app1_r1")
                        else f"EDMS statistics extract No. {number}, 2012 (§29, demo)")
        fact = step(lambda s, c, cand=candidate, ref=document_ref: campaigns.add_fact(
            s, c, cand.body, cand.input_id, cand.verified, ref, lead, at=at(4, 10)))
        fact_ids.append(fact.id)
        say(f"unreliable fact #{fact.id}: {candidate.body} {candidate.input_id} verified as {candidate.verified!r} "
            f"({document_ref}); §105: recalculated with the verified value")

    step(lambda s, c: campaigns.run_scoring(s, c, lead, reason="initial scoring", at=at(5, 20)))
    step(lambda s, c: campaigns.send_draft_conclusions(s, c, lead, at=at(5, 31)))
    objection = step(lambda s, c: campaigns.file_objection(
        s, c, target.body, f"The measure under {target.input_id} is in the approved plan; the on-site visit missed it.",
        ["Plan of IT measures approved by the akim, 2012 (demo)", "Minutes of the working meeting (demo)"],
        representative(target.body), contested=[f"fact #{fact_ids[0]}"], at=at(6, 4)))
    say(f"draft conclusions sent 2013-05-31; {target.body} objected (#{objection.id}), deadline {objection.deadline}")

    refusals = []
    # the evaluator may see the objection, so is told why not; a commission member who sits on no commission
    # for the body may not even see it (policy.visible)
    for attempt in (lambda s, c: campaigns.decide_objection(s, c, objection.id, lead, outcome="accepted",
                                                            reasoning="-", remove_facts=[fact_ids[0]], at=at(6, 5)),
                    lambda s, c: campaigns.appoint_commission(s, c, target.body, [COMMISSION[0], lead], lead,
                                                              at=at(6, 5))):
        try:
            step(attempt)
        except campaigns.CampaignError as exc:
            refusals.append(str(exc))
            say(f"refused, as it must be: {exc}")
    step(lambda s, c: campaigns.appoint_commission(s, c, target.body, list(COMMISSION), lead, at=at(6, 5)))
    decision = step(lambda s, c: campaigns.decide_objection(
        s, c, objection.id, COMMISSION[0], outcome="accepted",
        reasoning="The approved plan confirms the measure; the fact is removed.", remove_facts=[fact_ids[0]],
        at=at(6, 7)))
    say(f"commission decision #{decision.id}: fact #{fact_ids[0]} removed; rescored; re-verification due "
        f"{decision.reverification_due} (§104)")
    step(lambda s, c: campaigns.finalise(s, c, lead, at=at(6, 12)))
    step(lambda s, c: campaigns.record_improvement_plan(s, c, target.body, [
        {"action": "Publish the Kazakh version of every section of the official website", "responsible":
         "Head of the IT department (demo)", "deadline": f"{PERIOD + 1}-12-01"},
        {"action": "Register all incoming documents in the EDMS on the day of receipt", "responsible":
         "Head of the office (demo)", "deadline": f"{PERIOD + 1}-09-30"}], representative(target.body), at=at(7, 1)))

    with transaction(factory) as s:
        campaign = campaigns.get_campaign(s, campaign_id)
        from bagalau.store import ScoringRun
        runs = list(s.execute(select(ScoringRun).where(ScoringRun.campaign_id == campaign_id)
                              .order_by(ScoringRun.number)).scalars())
        run_totals = [{r.body_code: r.total_rounded for r in run.results} for run in runs]
    return DemoResult(campaign_id=campaign_id, name=name, late_body=late_body, corrected_body=corrected_body,
                      fact_ids=fact_ids, target=target.body, other=other.body, objection_id=objection.id,
                      run_totals=run_totals, refusals=refusals)


def verify(factory: sessionmaker[Session]) -> audit.ChainReport:
    with transaction(factory) as s:
        return audit.verify_chain(s)
