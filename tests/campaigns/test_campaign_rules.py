"""Forbidden transitions and role rules are refused with a clear message;
the deadlines, penalties and post-audit follow the acts."""

from __future__ import annotations

from datetime import date, datetime, timezone
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import text, select

from bagalau.store import audit
from bagalau import campaigns
from bagalau import store
from bagalau.demo.campaign import EVALUATORS
from bagalau.engine.inputs import Submission
from support.campaign import (COMMISSION, EVALUATOR, METHODOLOGIST, at, build, raw_inputs, report, representative,
                              step)
from support.store import *  # noqa: F401,F403

TWO = ["akmola", "aktobe"]
OTHER_EVALUATOR = EVALUATORS[1]
MINI = str(Path(__file__).parent.parent / "data" / "mini-2020.yaml")


def to_drafts(factory, codes=TWO, **kw):
    campaign_id, doc = build(factory, codes=codes, **kw)
    step(factory, campaign_id, lambda s, c: campaigns.run_scoring(s, c, EVALUATOR, at=at(5, 20)))
    step(factory, campaign_id, lambda s, c: campaigns.send_draft_conclusions(s, c, EVALUATOR, at=at(5, 31)))
    return campaign_id, doc


def object_(factory, campaign_id, body="akmola", when=at(6, 3)):
    return step(factory, campaign_id, lambda s, c: campaigns.file_objection(
        s, c, body, "we disagree", ["letter No. 1"], representative(body), at=when))


def test_editing_a_submission_after_final_is_refused(factory):
    campaign_id, doc = to_drafts(factory)
    step(factory, campaign_id, lambda s, c: campaigns.finalise(s, c, EVALUATOR, at=at(6, 10)))
    changed = {**raw_inputs(doc, "akmola"), "app2_g1": 0}
    with pytest.raises(campaigns.CampaignError, match="is final — its conclusions and rating are published and can "
                                                      "no longer change"):
        step(factory, campaign_id, lambda s, c: campaigns.submit(s, c, "akmola", report("akmola", changed),
                                                                 representative("akmola"), expected_version=1))
    for forbidden in (lambda s, c: campaigns.add_fact(s, c, "akmola", "app2_g1", 0, "doc", EVALUATOR),
                      lambda s, c: campaigns.run_scoring(s, c, EVALUATOR),
                      lambda s, c: campaigns.send_draft_conclusions(s, c, EVALUATOR)):
        with pytest.raises(campaigns.CampaignError, match="is final"):
            step(factory, campaign_id, forbidden)
    with store.transaction(factory) as s:
        assert campaigns.latest_submission(s, campaigns.get_campaign(s, campaign_id), "akmola").version == 1


def test_deciding_without_a_commission_is_refused(factory):
    """Those who may see the objection (the evaluator) are told why; a commission member who sits on no
    commission for the body may not see it, and is told what a number that exists nowhere is told."""
    campaign_id, _ = to_drafts(factory)
    objection = object_(factory, campaign_id)
    with pytest.raises(campaigns.CampaignError, match="no commission has been appointed for the objections of "
                                                      "'akmola'.*appoint one first"):
        step(factory, campaign_id, lambda s, c: campaigns.decide_objection(
            s, c, objection.id, EVALUATOR, outcome="rejected", reasoning="-"))
    for number in (objection.id, 10**6):
        with pytest.raises(campaigns.NotFound, match=f"^no objection #{number} in campaign 'test-2012'$"):
            step(factory, campaign_id, lambda s, c, number=number: campaigns.decide_objection(
                s, c, number, COMMISSION[0], outcome="rejected", reasoning="-"))
    with store.transaction(factory) as s:
        assert s.get(store.Objection, objection.id).status == "filed"
        assert "objection.decide" not in [e.action for e in audit.entries(s)]


def test_a_member_who_evaluated_the_body_may_not_sit_on_its_commission(factory):
    campaign_id, _ = build(factory, codes=TWO, evaluators={"akmola": [EVALUATOR], "aktobe": [EVALUATOR]})
    # the other evaluator is not assigned to akmola, but records a fact about it
    fact = step(factory, campaign_id, lambda s, c: campaigns.add_fact(
        s, c, "akmola", "app2_g6", 0, "EDMS extract", OTHER_EVALUATOR))
    step(factory, campaign_id, lambda s, c: campaigns.run_scoring(s, c, EVALUATOR, at=at(5, 20)))
    step(factory, campaign_id, lambda s, c: campaigns.send_draft_conclusions(s, c, EVALUATOR, at=at(5, 31)))
    object_(factory, campaign_id)
    for member, how in ((EVALUATOR, "assigned to evaluate it"), (OTHER_EVALUATOR, f"recorded unreliable fact #{fact.id}")):
        with pytest.raises(campaigns.CampaignError) as caught:
            step(factory, campaign_id, lambda s, c, m=member: campaigns.appoint_commission(
                s, c, "akmola", [COMMISSION[0], m], EVALUATOR))
        assert str(caught.value) == (f"{member} may not sit on the commission for 'akmola': they took part in "
                                     f"evaluating that body ({how}) — 2012 §107")
    with store.transaction(factory) as s:
        assert s.execute(select(store.Commission)).first() is None
    # staff who did not evaluate it may sit
    commission = step(factory, campaign_id, lambda s, c: campaigns.appoint_commission(
        s, c, "akmola", [COMMISSION[0], COMMISSION[1]], EVALUATOR))
    assert len(commission.members) == 2


def test_objection_deadline_counts_working_days_across_nauryz(factory):
    """Period 2024: drafts sent Wed 19 March 2025. Five working days: Thu 20,
    then (21–25 March are Nauryz days off) Wed 26, Thu 27, Fri 28, Mon 31 March."""
    campaign_id, doc = build(factory, codes=TWO)
    with store.transaction(factory) as s:   # the same bodies, a 2024 campaign
        c = campaigns.create_campaign(s, name="nauryz", methodology_id="it-2012", period=2024,
                                      evaluator="demo-working-group", bodies=TWO, actor=METHODOLOGIST)
        nauryz = c.id
    when = lambda m, d: datetime(2025, m, d, 10, tzinfo=timezone.utc)  # noqa: E731
    step(factory, nauryz, lambda s, c: campaigns.open_submissions(s, c, EVALUATOR, at=when(2, 3)))
    for code in TWO:
        step(factory, nauryz, lambda s, c, code=code: campaigns.submit(
            s, c, code, Submission(code, None, raw_inputs(doc, code), period=2024), representative(code),
            at=when(2, 20)))
    step(factory, nauryz, lambda s, c: campaigns.close_submissions(s, c, EVALUATOR, at=when(3, 3)))
    step(factory, nauryz, lambda s, c: campaigns.run_scoring(s, c, EVALUATOR, at=when(3, 10)))
    drafts = step(factory, nauryz, lambda s, c: campaigns.send_draft_conclusions(s, c, EVALUATOR, at=when(3, 19)))
    assert {d.objection_deadline for d in drafts} == {date(2025, 3, 31)}
    with pytest.raises(campaigns.CampaignError, match=r"deadline for 'aktobe' was 2025-03-31 .*not accepted"):
        step(factory, nauryz, lambda s, c: campaigns.file_objection(
            s, c, "aktobe", "late", ["doc"], representative("aktobe"), at=when(4, 1)))
    objection = step(factory, nauryz, lambda s, c: campaigns.file_objection(
        s, c, "akmola", "on the last day", ["doc"], representative("akmola"), at=when(3, 31)))
    assert objection.deadline == date(2025, 3, 31)
    # finalising is refused while the window is open
    step(factory, nauryz, lambda s, c: campaigns.appoint_commission(s, c, "akmola", [COMMISSION[0]], EVALUATOR))
    step(factory, nauryz, lambda s, c: campaigns.decide_objection(s, c, objection.id, COMMISSION[0],
                                                                  outcome="rejected", reasoning="no grounds",
                                                                  at=when(3, 31)))
    with pytest.raises(campaigns.CampaignError, match="objection window is open until 2025-03-31"):
        step(factory, nauryz, lambda s, c: campaigns.finalise(s, c, EVALUATOR, at=when(3, 31)))
    step(factory, nauryz, lambda s, c: campaigns.finalise(s, c, EVALUATOR, at=when(4, 1)))


def test_steps_out_of_order_are_refused(factory):
    campaign_id, doc = build(factory, codes=TWO, until="created")
    raw = raw_inputs(doc, "akmola")
    with pytest.raises(campaigns.CampaignError, match="state 'created'.*open submissions first"):
        step(factory, campaign_id, lambda s, c: campaigns.submit(s, c, "akmola", report("akmola", raw),
                                                                 representative("akmola")))
    with pytest.raises(campaigns.CampaignError, match="cannot send draft conclusions while .* 'created'"):
        step(factory, campaign_id, lambda s, c: campaigns.send_draft_conclusions(s, c, EVALUATOR))
    with pytest.raises(campaigns.CampaignError, match="cannot finalise"):
        step(factory, campaign_id, lambda s, c: campaigns.finalise(s, c, EVALUATOR))
    step(factory, campaign_id, lambda s, c: campaigns.open_submissions(s, c, EVALUATOR))
    step(factory, campaign_id, lambda s, c: campaigns.submit(s, c, "akmola", report("akmola", raw),
                                                             representative("akmola")))
    step(factory, campaign_id, lambda s, c: campaigns.close_submissions(s, c, EVALUATOR))
    with pytest.raises(campaigns.CampaignError, match="no report from: aktobe"):
        step(factory, campaign_id, lambda s, c: campaigns.run_scoring(s, c, EVALUATOR))
    with store.transaction(factory) as s:
        member = s.get(store.CampaignBody, (campaign_id, "aktobe"))
        assert member.incomplete and member.flags[0]["kind"] == "missing"


def test_finalise_waits_for_every_objection(factory):
    campaign_id, _ = to_drafts(factory)
    objection = object_(factory, campaign_id)
    with pytest.raises(campaigns.CampaignError, match=f"still undecided: #{objection.id} \\(akmola\\)"):
        step(factory, campaign_id, lambda s, c: campaigns.finalise(s, c, EVALUATOR, at=at(6, 10)))


@pytest.mark.parametrize("actor, action, message", [
    (lambda: representative("aktobe"), "submit", "speaks for body 'aktobe' and may not submit a report for 'akmola'"),
    (lambda: representative("akmola"), "score", "(body) may not run scoring; only: evaluator"),
    (lambda: COMMISSION[0], "fact", "(commission) may not record an unreliable fact"),
    (lambda: "nobody", "score", "unknown user 'nobody'"),
])
def test_roles(factory, actor, action, message):
    campaign_id, doc = build(factory, codes=TWO, until="submissions")
    actions = {
        "submit": lambda s, c: campaigns.submit(s, c, "akmola", report("akmola", {**raw_inputs(doc, "akmola"),
                                                                                  "app2_g1": 0}),
                                                actor(), expected_version=1),
        "score": lambda s, c: campaigns.run_scoring(s, c, actor()),
        "fact": lambda s, c: campaigns.add_fact(s, c, "akmola", "app2_g1", 0, "doc", actor()),
    }
    with pytest.raises(campaigns.CampaignError, match=message.replace("(", r"\(").replace(")", r"\)")):
        step(factory, campaign_id, actions[action])


def test_bad_facts_are_refused(factory):
    campaign_id, doc = build(factory, codes=TWO)
    reported = raw_inputs(doc, "akmola")["app2_g5"]
    cases = [("akmola", "no_such_input", 1, "doc", "unknown input 'no_such_input'"),
             ("akmola", "app2_g1", 1, " ", "must name the document"),
             ("akmola", "app2_g1", None, "doc", "recalculates the score with the verified value"),
             ("akmola", "app2_g1", "many", "doc", "verified value for 'app2_g1': expected a whole number"),
             # the verified value would break the act's check G6 <= G5
             ("akmola", "app2_g6", reported + 1, "doc", "fails validation: column 6"),
             ("astana", "app2_g1", 1, "doc", "not evaluated in campaign")]
    for body, input_id, value, document, message in cases:
        with pytest.raises(campaigns.CampaignError, match=message):
            step(factory, campaign_id, lambda s, c: campaigns.add_fact(s, c, body, input_id, value, document,
                                                                       EVALUATOR))
    with store.transaction(factory) as s:
        assert s.execute(select(store.Fact)).first() is None


def test_a_commission_decision_can_correct_an_input(factory):
    campaign_id, doc = to_drafts(factory)
    objection = object_(factory, campaign_id)
    step(factory, campaign_id, lambda s, c: campaigns.appoint_commission(s, c, "akmola", [COMMISSION[0]], EVALUATOR))
    with pytest.raises(campaigns.CampaignError, match="a rejected objection changes nothing"):
        step(factory, campaign_id, lambda s, c: campaigns.decide_objection(
            s, c, objection.id, COMMISSION[0], outcome="rejected", reasoning="-", input_changes={"app2_g1": 0}))
    with pytest.raises(campaigns.CampaignError, match="not a member of the commission"):   # sees it: told why
        step(factory, campaign_id, lambda s, c: campaigns.decide_objection(
            s, c, objection.id, EVALUATOR, outcome="accepted", reasoning="-", input_changes={"app2_g1": 0}))
    with pytest.raises(campaigns.NotFound, match=f"no objection #{objection.id} "):    # on no commission for it
        step(factory, campaign_id, lambda s, c: campaigns.decide_objection(
            s, c, objection.id, COMMISSION[1], outcome="accepted", reasoning="-", input_changes={"app2_g1": 0}))
    decision = step(factory, campaign_id, lambda s, c: campaigns.decide_objection(
        s, c, objection.id, COMMISSION[0], outcome="accepted", reasoning="the EDMS shows none",
        input_changes={"app2_g1": 0}, at=at(6, 6)))
    with store.transaction(factory) as s:
        c = campaigns.get_campaign(s, campaign_id)
        latest = campaigns.latest_submission(s, c, "akmola")
        assert (latest.version, latest.values["app2_g1"], latest.submitted_by) == (2, 0, COMMISSION[0])
        assert f"decision #{decision.id}" in latest.reason
        run = s.get(store.ScoringRun, decision.run_id)
        assert run.number == 2 and run.input_versions["akmola"]["version"] == 2
        totals = {r.body_code: Decimal(r.total) for r in run.results}
        previous = {r.body_code: Decimal(r.total) for r in campaigns.latest_run(s, c).results}
        assert totals == previous
        first = s.execute(select(store.ScoringRun).where(store.ScoringRun.number == 1)).scalar_one()
        before = {r.body_code: Decimal(r.total) for r in first.results}
        assert totals["aktobe"] == before["aktobe"] and totals["akmola"] < before["akmola"]
    with pytest.raises(campaigns.CampaignError, match="already decided"):
        step(factory, campaign_id, lambda s, c: campaigns.decide_objection(
            s, c, objection.id, COMMISSION[0], outcome="rejected", reasoning="-"))


def test_post_audit_results_go_into_the_next_campaigns_conclusions(factory):
    campaign_id, doc = to_drafts(factory)
    step(factory, campaign_id, lambda s, c: campaigns.finalise(s, c, EVALUATOR, at=at(6, 10)))
    plan = step(factory, campaign_id, lambda s, c: campaigns.record_improvement_plan(
        s, c, "akmola", [{"action": "Register documents on the day", "responsible": "Office head",
                          "deadline": "2013-09-30"},
                         {"action": "Publish the Kazakh site", "responsible": "IT head", "deadline": "2013-12-01"}],
        representative("akmola")))
    first, second = [a.id for a in plan.actions]
    with store.transaction(factory) as s:
        assert campaigns.get_campaign(s, campaign_id).state == "post_audit"
    next_id, _ = build(factory, codes=TWO, name="next", previous=campaign_id)
    with pytest.raises(campaigns.CampaignError, match="status must be one of"):
        step(factory, next_id, lambda s, c: campaigns.check_post_audit(s, c, first, "finished", "", EVALUATOR))
    with pytest.raises(campaigns.CampaignError, match="checks it in the campaign that follows it"):
        step(factory, campaign_id, lambda s, c: campaigns.check_post_audit(s, c, first, "done", "", EVALUATOR))
    step(factory, next_id, lambda s, c: campaigns.check_post_audit(s, c, first, "done", "verified on site", EVALUATOR))
    step(factory, next_id, lambda s, c: campaigns.check_post_audit(s, c, second, "partly", "Kazakh site 60%",
                                                                   EVALUATOR))
    step(factory, next_id, lambda s, c: campaigns.run_scoring(s, c, EVALUATOR))
    drafts = step(factory, next_id, lambda s, c: campaigns.send_draft_conclusions(s, c, EVALUATOR))
    akmola = next(d for d in drafts if d.body_code == "akmola")
    assert [(r["action"], r["status"], r["note"]) for r in akmola.content["post_audit_results"]] == [
        ("Register documents on the day", "done", "verified on site"),
        ("Publish the Kazakh site", "partly", "Kazakh site 60%")]
    assert next(d for d in drafts if d.body_code == "aktobe").content["post_audit_results"] == []


def test_a_changed_definition_stops_scoring(factory):
    campaign_id, _ = build(factory, codes=TWO)
    with store.transaction(factory) as s:    # as if the edition had changed (raw SQL: the store records every change)
        s.execute(text("UPDATE campaigns SET content_hash = :h WHERE id = :id"), {"h": "0" * 64, "id": campaign_id})
    with pytest.raises(campaigns.CampaignError, match="has changed since campaign 'test-2012' was created"):
        step(factory, campaign_id, lambda s, c: campaigns.run_scoring(s, c, EVALUATOR))


def test_point_penalties_profiles_and_grades(factory):
    """An edition whose rules take points per fact (capped per direction) and
    for a late report, with central and local profiles and grade bands
    (tests/data/mini-2020.yaml, a synthetic edition)."""
    with store.transaction(factory) as s:
        from bagalau.campaigns import registry
        registry.import_records(s, [
            {"code": "wg", "kind": "central_body", "name_ru": "Evaluator"},
            {"code": "min-a", "kind": "central_body", "name_ru": "Ministry A"},
            {"code": "min-b", "kind": "central_body", "name_ru": "Ministry B"},
            {"code": "obl-a", "kind": "oblast_akimat", "name_ru": "Oblast A"}], "t", "test")
        campaigns.add_user(s, "ev", "evaluator", "wg")  # an evaluator of the evaluating body
        for code in ("min-a", "min-b", "obl-a"):
            campaigns.add_user(s, f"rep-{code}", "body", code)
        c = campaigns.create_campaign(s, name="mini", methodology_id=MINI, period=2021, evaluator="wg",
                                      bodies=["min-a", "min-b", "obl-a"], actor="ev",
                                      settings={"submission_deadline": "2022-03-01"})
        campaign_id = c.id
        assert {m.body_code: m.profile for m in c.bodies} == {"min-a": "central", "min-b": "central",
                                                              "obl-a": "local"}
    base = {"done": 9, "due": 10, "raw": 15, "bonus": 0, "budget_share": "0.5", "entered_2_2": 10,
            "entered_2_2_comment": "points entered by the working group"}
    step(factory, campaign_id, lambda s, c: campaigns.open_submissions(s, c, "ev"))
    for code, extra, day in (("min-a", {}, 20), ("min-b", {"done": 10}, 20), ("obl-a", {"local_only": 20}, 20)):
        step(factory, campaign_id, lambda s, c, code=code, extra=extra, day=day: campaigns.submit(
            s, c, code, Submission(code, None, {**base, **extra}, period=2021), f"rep-{code}",
            at=date(2022, 2 if code != "min-a" else 3, day)))
    flags = step(factory, campaign_id, lambda s, c: campaigns.close_submissions(s, c, "ev"))
    assert [f["body"] for f in flags] == ["min-a"]
    step(factory, campaign_id, lambda s, c: campaigns.run_scoring(s, c, "ev", reason="before facts"))
    for _ in range(6):   # 6 × 0.2 = 1.2, capped at 1 for the direction
        step(factory, campaign_id, lambda s, c: campaigns.add_fact(s, c, "min-b", "raw", None, "act", "ev"))
    with pytest.raises(campaigns.CampaignError, match="unknown penalty rule 'nope'"):
        step(factory, campaign_id, lambda s, c: campaigns.add_fact(s, c, "min-b", "raw", None, "act", "ev",
                                                                   rule="nope"))
    step(factory, campaign_id, lambda s, c: campaigns.run_scoring(s, c, "ev", reason="after facts"))
    with store.transaction(factory) as s:
        c = campaigns.get_campaign(s, campaign_id)
        facts = campaigns.active_facts(s, c)
        assert {f.node for f in facts} == {"1"}       # the direction that reads input 'raw'
        runs = s.execute(select(store.ScoringRun).order_by(store.ScoringRun.number)).scalars().all()
        before = {r.body_code: Decimal(r.total) for r in runs[0].results}
        after = {r.body_code: Decimal(r.total) for r in runs[1].results}
        assert before["min-b"] - after["min-b"] == Decimal(1)          # capped
        assert after["min-a"] == before["min-a"] and after["obl-a"] == before["obl-a"]
        rows = {r.rule: r for r in s.execute(select(store.AppliedPenaltyRow)
                                             .where(store.AppliedPenaltyRow.run_id == runs[1].id)).scalars()}
        assert Decimal(rows["late"].amount) == Decimal("1.5") and rows["unreliable_fact"].count == 6
        rating, final = campaigns.rating(s, c)
        assert not final
        assert {(r.body, r.profile, r.rank) for r in rating} >= {("obl-a", "local", 1)}
        assert sorted(r.rank for r in rating if r.profile == "central") == [1, 2]
        assert all(r.grade for r in rating)
