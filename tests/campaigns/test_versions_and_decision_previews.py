"""What the campaign pages show: a report's version history and the diff between
versions, the working-day countdown of the objection window, and the what-if
preview of each decision the commission can take on an objection."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from bagalau import campaigns, store
from bagalau.campaigns import objections, versions, whatif
from bagalau.campaigns.workdays import working_days_left
from bagalau.engine import catalog
from bagalau.store.models import Decision, ScoringRun
from support.campaign import COMMISSION, EVALUATOR, at, build, raw_inputs, report, representative, step
from support.store import *  # noqa: F401,F403
from test_campaign_e2e import expected_totals

THREE = ["akmola", "aktobe", "astana"]


def test_the_diff_is_in_the_forms_order_and_compares_values_as_the_scorer_reads_them():
    compiled = catalog.load("it-2012")
    order = list(compiled.inputs)
    first, later = order[0], order[-1]
    before = {first: True, later: "1.50", "app2_g1": 4}
    after = {later: "7", "app2_g1": "4", first: False, "stray": 1}
    changes = versions.diff(compiled, before, after)
    assert [c.input_id for c in changes] == [first, later, "stray"]          # forms' order, unknown last
    assert [c.kind for c in changes] == ["changed", "changed", "added"]
    assert "app2_g1" not in {c.input_id for c in changes}                     # 4 and "4" are one value
    assert changes[0].form == compiled.inputs[first].source.form and changes[0].name.ru
    assert changes[2].name is None and changes[2].form is None
    assert versions.diff(compiled, {"app2_g1": "1.0"}, {"app2_g1": "1"}) == []
    assert [c.kind for c in versions.diff(compiled, {"app2_g1": 3}, {})] == ["removed"]


def test_version_history_and_diff_follow_the_policy(factory):
    campaign_id, doc = build(factory, codes=THREE, until="submissions")
    body = "akmola"
    raw = raw_inputs(doc, body)
    step(factory, campaign_id, lambda s, c: campaigns.submit(
        s, c, body, report(body, {**raw, "app2_g1": raw["app2_g1"] + 3}), representative(body), expected_version=1,
        reason="App 2 recounted", at=at(2, 25)))
    with store.transaction(factory) as s:
        c = campaigns.get_campaign(s, campaign_id)
        history = versions.history(s, c, body, representative(body))
        assert [v.version for v in history] == [1, 2] and history[1].reason == "App 2 recounted"
        changes = versions.version_diff(s, c, body, 1, 2, EVALUATOR)
        assert [(ch.input_id, ch.before, ch.after) for ch in changes] == [
            ("app2_g1", raw["app2_g1"], raw["app2_g1"] + 3)]
        assert len(versions.version_diff(s, c, body, 0, 1, EVALUATOR)) == len(raw)
        with pytest.raises(campaigns.NotFound, match="no version 3"):
            versions.version_diff(s, c, body, 1, 3, EVALUATOR)
        with pytest.raises(campaigns.AccessDenied) as refused:
            versions.history(s, c, body, representative("aktobe"))
        assert refused.value.hidden


@pytest.mark.parametrize("today, due, left", [
    (date(2013, 5, 31), date(2013, 6, 7), 5),      # sent Friday; Mon 3 – Fri 7 June
    (date(2013, 6, 1), date(2013, 6, 7), 5),       # Saturday: still five
    (date(2013, 6, 6), date(2013, 6, 7), 1),
    (date(2013, 6, 7), date(2013, 6, 7), 0),       # the last day is on time
    (date(2013, 6, 9), date(2013, 6, 7), -1),      # the Sunday after: past, though no working day has gone
    (date(2013, 6, 10), date(2013, 6, 7), -1),
    (date(2013, 6, 11), date(2013, 6, 7), -2),
    (date(2024, 3, 20), date(2024, 3, 26), 1),     # Nauryz 21–23 March and the moved day off 25 March
])
def test_working_days_left(today, due, left):
    assert working_days_left(today, due) == left


def _objection_campaign(factory):
    """Three bodies; two unreliable facts about aktobe, one about akmola; scored, drafts
    sent 31 May 2013; aktobe objects to its first fact on 3 June."""
    campaign_id, doc = build(factory, codes=THREE)
    claimed = {body: [f"app1_r1_d{d}" for d in range(1, 6) if raw_inputs(doc, body).get(f"app1_r1_d{d}") is True]
               for body in ("aktobe", "akmola")}
    assert len(claimed["aktobe"]) >= 2 and claimed["akmola"]
    facts = [step(factory, campaign_id, lambda s, c, b=b, i=i: campaigns.add_fact(
        s, c, b, i, False, f"site visit ({b})", EVALUATOR, at=at(4, 10))).id
        for b, i in (("aktobe", claimed["aktobe"][0]), ("aktobe", claimed["aktobe"][1]), ("akmola", claimed["akmola"][0]))]
    step(factory, campaign_id, lambda s, c: campaigns.run_scoring(s, c, EVALUATOR, at=at(5, 20)))
    step(factory, campaign_id, lambda s, c: campaigns.send_draft_conclusions(s, c, EVALUATOR, at=at(5, 31)))
    with store.transaction(factory) as s:
        c = campaigns.get_campaign(s, campaign_id)
        window = objections.objection_window(s, c, "aktobe", date(2013, 6, 3))
        assert window["deadline"] == date(2013, 6, 7) and window["left"] == 4 and window["open"]
        assert window["sent"] == date(2013, 5, 31) and window["working_days"] == 5
        assert not objections.objection_window(s, c, "aktobe", date(2013, 6, 10))["open"]
    objection = step(factory, campaign_id, lambda s, c: campaigns.file_objection(
        s, c, "aktobe", "the plan shows it", ["plan"], representative("aktobe"), contested=[f"fact #{facts[1]}"],
        at=at(6, 3))).id
    step(factory, campaign_id, lambda s, c: campaigns.appoint_commission(s, c, "aktobe", [COMMISSION[0]], EVALUATOR,
                                                                          at=at(6, 4)))
    inputs = {facts[0]: ("aktobe", claimed["aktobe"][0]), facts[1]: ("aktobe", claimed["aktobe"][1]),
              facts[2]: ("akmola", claimed["akmola"][0])}
    return campaign_id, doc, facts, inputs, objection


def test_each_possible_decision_is_previewed_and_the_preview_is_what_deciding_gives(factory):
    campaign_id, doc, facts, inputs, objection = _objection_campaign(factory)
    with store.transaction(factory) as s:
        c = campaigns.get_campaign(s, campaign_id)
        options = whatif.decision_options(s, c, objection, COMMISSION[0])
        assert s.execute(select(Decision)).first() is None                    # nothing written
    assert [(o["outcome"], o["remove_facts"]) for o in options] == [
        ("rejected", []), ("accepted", [facts[1]]), ("accepted", [facts[0]]), ("accepted", [facts[1], facts[0]])]
    assert [o["contested"] for o in options] == [False, True, False, True]   # the contested fact first
    rejected, *accepted = options
    assert rejected["changed"] == [] and rejected["nodes"] == []
    cohort = {"bodies": [b for b in doc["bodies"] if b["id"] in THREE]}
    for option in options:          # each preview is the engine's score with the facts still in force
        in_force = {}
        for fact_id, (body, input_id) in inputs.items():
            if fact_id not in option["remove_facts"]:
                in_force.setdefault(body, {})[input_id] = False
        expected = expected_totals(cohort, in_force)
        assert {r["body"]: Decimal(r["total_after"]) for r in option["bodies"]} == expected
    totals = {tuple(o["remove_facts"]): Decimal(next(r for r in o["bodies"] if r["body"] == "aktobe")["total_after"])
              for o in options}
    assert totals[(facts[1], facts[0])] > totals[()]              # removing both facts changes the total
    assert "aktobe" in options[-1]["changed"] and options[-1]["nodes"]
    # akmola's fact is no option: the objection is aktobe's
    assert facts[2] not in {f for o in options for f in o["remove_facts"]}
    with store.transaction(factory) as s:
        c = campaigns.get_campaign(s, campaign_id)
        with pytest.raises(campaigns.CampaignError, match="not a fact about 'aktobe'"):
            whatif.preview_decision(s, c, objection, COMMISSION[0], remove_facts=[facts[2]])
        with pytest.raises(campaigns.CampaignError, match="changes nothing"):
            whatif.preview_decision(s, c, objection, COMMISSION[0], outcome="rejected", remove_facts=[facts[0]])
        with pytest.raises(campaigns.AccessDenied):
            whatif.decision_options(s, c, objection, representative("aktobe"))
        changed = whatif.preview_decision(s, c, objection, COMMISSION[0], input_changes={"app2_g1": 0})
        assert changed["input_changes"] == {"app2_g1": 0} and changed["remove_facts"] == []
    # deciding as previewed gives the total the preview showed
    decision = step(factory, campaign_id, lambda s, c: campaigns.decide_objection(
        s, c, objection, COMMISSION[0], outcome="accepted", reasoning="the plan shows it", remove_facts=[facts[1]],
        at=at(6, 5)))
    with store.transaction(factory) as s:
        run = s.execute(select(ScoringRun).where(ScoringRun.decision_id == decision.id)).scalar_one()
        rescored = {r.body_code: Decimal(r.total_rounded) for r in run.results}
    assert rescored == {r["body"]: Decimal(r["total_after"]) for r in options[1]["bodies"]}
    with store.transaction(factory) as s:
        c = campaigns.get_campaign(s, campaign_id)
        with pytest.raises(campaigns.CampaignError, match="already decided"):
            whatif.decision_options(s, c, objection, COMMISSION[0])
