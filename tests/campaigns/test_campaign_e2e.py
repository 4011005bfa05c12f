"""Issue 4, "Done means": a 2012 campaign for the demo oblasts, end to end,
on SQLite and PostgreSQL. Every step shows in the audit log, and the chain
verifies; changing one audit row makes verification fail."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import openpyxl
from sqlalchemy import select, text

from bagalau.store import audit
from bagalau import campaigns
from bagalau.engine import catalog
from bagalau import store
from bagalau.engine import forms as templates
from bagalau.engine.cohort import CohortScorer
from bagalau.demo.campaign import choose_facts
from bagalau.engine.inputs import Submission
from support.campaign import COMMISSION, EVALUATOR, at, build, raw_inputs, report, representative, step
from support.store import *  # noqa: F401,F403


def fill_template(path, body: str, raw: dict) -> None:
    """Fill the XLSX template generated from the definition, as a body would."""
    templates.write(catalog.load("it-2012"), path, "xlsx")
    workbook = openpyxl.load_workbook(path)
    for name, defined in workbook.defined_names.items():
        [(sheet, cell)] = list(defined.destinations)
        cell = cell.replace("$", "")
        if name == "body_id":
            workbook[sheet][cell] = body
        elif name == "period":
            workbook[sheet][cell] = 2012
        elif name.startswith("in_") and name[3:] in raw:
            value = raw[name[3:]]
            workbook[sheet][cell] = ", ".join("" if v is None else str(v) for v in value) \
                if isinstance(value, list) else value
    workbook.save(path)


def expected_totals(doc: dict, changes: dict[str, dict]) -> dict[str, Decimal]:
    """Totals computed straight from the engine, outside the store."""
    scorer = CohortScorer("it-2012")
    subs = [scorer.validate(Submission(b["id"], None, {**b["inputs"], **changes.get(b["id"], {})}, period=2012))
            for b in doc["bodies"]]
    base = scorer.scorer(None)
    return {r.body_id: base.round(r.total) for r in scorer.score(subs, period=2012)}


def order(totals: dict) -> list[str]:
    return sorted(totals, key=lambda code: (-Decimal(totals[code]), code))


def test_campaign_2012_end_to_end(engine, factory, tmp_path):
    # 1. create: the schedule comes from the act (§9–§11) and the campaign's submission deadline
    campaign_id, doc = build(factory, until="created")
    codes = [b["id"] for b in doc["bodies"]]
    assert len(codes) == 17
    with store.transaction(factory) as s:
        c = campaigns.get_campaign(s, campaign_id)
        assert c.state == "created" and c.content_hash == catalog.methodology("it-2012").content_hash()
        assert {d.key: (d.due, d.paragraph) for d in c.deadlines} == {
            "submission": (date(2013, 3, 1), "campaign setting (2012 §5–6, A21)"),
            "conclusions": (date(2013, 6, 1), "§9"), "corrected_conclusions": (date(2013, 6, 15), "§10"),
            "akim_report": (date(2013, 7, 25), "§11"),
            "reverification": (None, "§104")}  # five working days after the appeal is considered

    # 2. submissions: 15 as JSON-shaped reports, one through the XLSX template, one late; then a correction
    target, other = choose_facts(doc)
    late, via_xlsx = "kyzylorda", "pavlodar"
    assert {late, via_xlsx}.isdisjoint({target.body, other.body})
    corrected = next(c for c in reversed(codes) if c not in (target.body, other.body, late, via_xlsx))
    step(factory, campaign_id, lambda s, c: campaigns.open_submissions(s, c, EVALUATOR, at=at(2, 1)))
    for code in codes:
        if code == via_xlsx:
            path = tmp_path / f"{code}.xlsx"
            fill_template(path, code, raw_inputs(doc, code))
            step(factory, campaign_id, lambda s, c: campaigns.submit(s, c, via_xlsx, str(path),
                                                                     representative(via_xlsx), at=at(2, 18)))
        else:
            step(factory, campaign_id, lambda s, c, code=code: campaigns.submit(
                s, c, code, report(code, raw_inputs(doc, code)), representative(code), expected_version=0,
                at=at(3, 5) if code == late else at(2, 20)))
    fixed = {**raw_inputs(doc, corrected), "app1_r2_2_1": not raw_inputs(doc, corrected)["app1_r2_2_1"]}
    version = step(factory, campaign_id, lambda s, c: campaigns.submit(
        s, c, corrected, report(corrected, fixed), representative(corrected), expected_version=1,
        reason="corrected row 2.2.1", at=at(2, 27)))
    assert version.version == 2 and version.submitted_by == representative(corrected)
    assert version.change_summary == [{"field": "app1_r2_2_1", "from": not fixed["app1_r2_2_1"],
                                       "to": fixed["app1_r2_2_1"]}]
    flags = step(factory, campaign_id, lambda s, c: campaigns.close_submissions(s, c, EVALUATOR, at=at(3, 11)))
    assert flags == [{"body": late, "kind": "late",
                      "detail": "first report 2013-03-05, deadline 2013-03-01 (campaign setting (2012 §5–6, A21))"}]

    # 3. two unreliable facts (§105: recalculated with the verified value)
    facts = []
    for candidate in (target, other):
        fact = step(factory, campaign_id, lambda s, c, cand=candidate: campaigns.add_fact(
            s, c, cand.body, cand.input_id, cand.verified, f"verification act for {cand.body}", EVALUATOR,
            at=at(4, 10)))
        assert fact.reported_value == raw_inputs(doc, candidate.body)[candidate.input_id]
        assert fact.rule == "unreliable_fact"
        facts.append(fact.id)

    # 4. score: one immutable snapshot with the input versions, facts and content hash
    run1 = step(factory, campaign_id, lambda s, c: campaigns.run_scoring(s, c, EVALUATOR, at=at(5, 20)))
    changes = {corrected: {"app1_r2_2_1": fixed["app1_r2_2_1"]},
               target.body: {target.input_id: target.verified}, other.body: {other.input_id: other.verified}}
    with store.transaction(factory) as s:
        run = s.get(store.ScoringRun, run1.id)
        assert run.status == "complete" and run.fact_ids == facts
        assert run.content_hash == catalog.methodology("it-2012").content_hash()
        assert run.input_versions[corrected]["version"] == 2 and run.input_versions[late]["version"] == 1
        first = {r.body_code: r.total_rounded for r in run.results}
        assert {k: Decimal(v) for k, v in first.items()} == expected_totals(doc, changes)
        explanation = next(r.explanation for r in run.results if r.body_code == target.body)
        [line] = explanation["penalties"]
        assert line["rule"] == "unreliable_fact" and line["paragraph"] == "§105" and line["amount"] == "0"
        assert f"fact #{facts[0]}" in line["references"][0]
        assert explanation["verification"][0]["verified"] == target.verified
        assert s.execute(select(store.AppliedPenaltyRow).where(store.AppliedPenaltyRow.run_id == run.id)).scalars() \
            .all()[0].rule == "unreliable_fact"
        assert campaigns.get_campaign(s, campaign_id).state == "scored"

    # 5. draft conclusions; the objection window is 5 working days (Mon 3 – Fri 7 June 2013)
    drafts = step(factory, campaign_id, lambda s, c: campaigns.send_draft_conclusions(s, c, EVALUATOR, at=at(5, 31)))
    assert len(drafts) == 17 and {d.objection_deadline for d in drafts} == {date(2013, 6, 7)}

    # 6. the target body objects, with documents
    objection = step(factory, campaign_id, lambda s, c: campaigns.file_objection(
        s, c, target.body, "The measure was in the approved plan", ["approved plan", "minutes"],
        representative(target.body), contested=[f"fact #{facts[0]}"], at=at(6, 4)))

    # 7. the commission removes the first fact: a new run changes exactly that body's total and the order
    step(factory, campaign_id, lambda s, c: campaigns.appoint_commission(s, c, target.body, list(COMMISSION),
                                                                         EVALUATOR, at=at(6, 5)))
    decision = step(factory, campaign_id, lambda s, c: campaigns.decide_objection(
        s, c, objection.id, COMMISSION[1], outcome="accepted", reasoning="confirmed by the plan",
        remove_facts=[facts[0]], at=at(6, 7)))
    assert decision.reverification_due == date(2013, 6, 14)          # §104: five working days after 7 June
    with store.transaction(factory) as s:
        run2 = s.get(store.ScoringRun, decision.run_id)
        assert run2.number == 2 and run2.fact_ids == [facts[1]]
        second = {r.body_code: r.total_rounded for r in run2.results}
        # the first run is untouched
        assert {r.body_code: r.total_rounded for r in s.get(store.ScoringRun, run1.id).results} == first
    assert [code for code in codes if first[code] != second[code]] == [target.body]
    assert Decimal(second[target.body]) > Decimal(first[target.body])
    del changes[target.body]
    assert {k: Decimal(v) for k, v in second.items()} == expected_totals(doc, changes)
    assert order(first) != order(second)
    assert order(second).index(target.body) < order(first).index(target.body)

    # 8. finalise: the rating, with ranks, from the last run
    final = step(factory, campaign_id, lambda s, c: campaigns.finalise(s, c, EVALUATOR, at=at(6, 12)))
    assert len(final) == 17
    with store.transaction(factory) as s:
        rows, is_final = campaigns.rating(s, campaigns.get_campaign(s, campaign_id))
    assert is_final and [r.body for r in rows] == order(second) and [r.rank for r in rows][:3] == [1, 2, 3]
    assert {r.body: r.total for r in rows} == second

    # 9. the post-audit plan
    plan = step(factory, campaign_id, lambda s, c: campaigns.record_improvement_plan(
        s, c, target.body, [{"action": "Put every IT measure in the approved plan", "responsible": "IT head",
                             "deadline": "2013-12-01"}], representative(target.body), at=at(7, 1)))
    assert [a.status for a in plan.actions] == ["planned"]

    # every step is in the audit log, and the chain holds
    with store.transaction(factory) as s:
        entries = audit.entries(s, campaign_id)
        actions = [e.action for e in entries]
        transitions = [(p["from"], p["to"]) for p in (__import__("json").loads(e.payload) for e in entries
                                                      if e.action == "campaign.state")]
        report_ = audit.verify_chain(s)
    assert transitions == [("created", "submissions"), ("submissions", "verification"), ("verification", "scored"),
                           ("scored", "drafts_sent"), ("drafts_sent", "objections"), ("objections", "commission"),
                           ("commission", "final"), ("final", "post_audit")]
    for action, count in (("campaign.create", 1), ("submission.add", 18), ("report.flag", 1), ("fact.add", 2),
                          ("scoring.run", 2), ("conclusion.draft", 17), ("objection.file", 1),
                          ("commission.appoint", 1), ("objection.decide", 1), ("fact.remove", 1),
                          ("conclusion.final", 17), ("plan.record", 1)):
        assert actions.count(action) == count, action
    assert report_.ok, report_

    # tampering with one audit row (as a database administrator could) is detected
    seq = next(e.seq for e in entries if e.action == "fact.remove")
    with engine.begin() as connection:
        store.drop_triggers(connection, ("audit_log",), function=False)
        connection.execute(text("UPDATE audit_log SET actor = 'someone else' WHERE seq = :seq"), {"seq": seq})
    with store.transaction(factory) as s:
        broken = audit.verify_chain(s)
    assert not broken.ok and broken.broken_seq == seq
