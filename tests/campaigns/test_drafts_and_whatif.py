"""Report drafts (saved without submitting, audited, never lost on a failed
submission) and the what-if preview of an unreliable fact, on SQLite and
PostgreSQL."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select, text

from bagalau import campaigns, store
from bagalau.campaigns import drafts, whatif
from bagalau.campaigns.integrity import verify_store
from bagalau.engine.inputs import InputError
from bagalau.store.models import AuditEntry, Fact
from support.campaign import EVALUATOR, at, build, raw_inputs, representative, step
from support.store import *  # noqa: F401,F403
from test_campaign_e2e import expected_totals

THREE = ["akmola", "aktobe", "astana"]


def _as_typed(raw: dict) -> dict:
    """The demo's values as a form sends them: text."""
    def text_of(value):
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, list):
            return ", ".join("not found" if v is None else str(v) for v in value)
        return str(value)
    return {key: text_of(value) for key, value in raw.items()}


def test_a_draft_is_saved_audited_and_submitted_as_the_next_version(factory):
    campaign_id, doc = build(factory, codes=THREE, until="submissions")
    body, officer = "akmola", representative("akmola")
    typed = _as_typed(raw_inputs(doc, body))
    typed["app2_g1"] = "-3"                                # a count cannot be negative
    saved = step(factory, campaign_id, lambda s, c: drafts.save_draft(s, c, body, typed, officer, at=at(3, 1)))
    assert (saved.revision, saved.based_on_version) == (1, 1)
    # a failed submission names the field and keeps the draft as it was
    with pytest.raises(InputError) as failure:
        step(factory, campaign_id, lambda s, c: drafts.submit_draft(s, c, body, officer, expected_revision=1))
    assert [p.field for p in failure.value.problems] == ["app2_g1"]
    assert "below the minimum 0" in failure.value.problems[0].reason
    with store.transaction(factory) as s:
        c = campaigns.get_campaign(s, campaign_id)
        assert drafts.get_draft(s, c, body, officer).values["app2_g1"] == "-3"
        assert campaigns.latest_submission(s, c, body).version == 1
    # another tab saved meanwhile: the stale save is refused, not lost silently
    step(factory, campaign_id, lambda s, c: drafts.save_draft(s, c, body, {**typed, "app2_g1": "4"}, officer,
                                                               expected_revision=1, at=at(3, 2)))
    with pytest.raises(campaigns.ConflictError, match="saved elsewhere"):
        step(factory, campaign_id, lambda s, c: drafts.save_draft(s, c, body, typed, officer, expected_revision=1))
    version = step(factory, campaign_id, lambda s, c: drafts.submit_draft(s, c, body, officer, expected_revision=2,
                                                                          reason="corrected App 2", at=at(3, 3)))
    assert version.version == 2
    assert version.change_summary == [{"field": "app2_g1", "from": raw_inputs(doc, body)["app2_g1"], "to": 4}]
    with store.transaction(factory) as s:
        c = campaigns.get_campaign(s, campaign_id)
        assert drafts.get_draft(s, c, body, officer) is None
        actions = [e.action for e in s.execute(select(AuditEntry).where(
            AuditEntry.entity == f"draft:{campaign_id}:{body}").order_by(AuditEntry.seq)).scalars()]
        assert actions == ["draft.save", "draft.save", "draft.submit"]
        assert verify_store(s).ok


def test_drafts_follow_the_policy_and_the_campaign_state(factory):
    campaign_id, doc = build(factory, codes=THREE, until="submissions")
    typed = _as_typed(raw_inputs(doc, "aktobe"))
    with pytest.raises(campaigns.AccessDenied):
        step(factory, campaign_id, lambda s, c: drafts.save_draft(s, c, "aktobe", typed, representative("akmola")))
    with pytest.raises(campaigns.CampaignError, match="not a field"):
        step(factory, campaign_id, lambda s, c: drafts.save_draft(s, c, "aktobe", {"no_such": "1"},
                                                                   representative("aktobe")))
    campaign_id, _ = build(factory, codes=THREE, name="created", until="created")
    with pytest.raises(campaigns.CampaignError, match="has not been opened"):
        step(factory, campaign_id, lambda s, c: drafts.save_draft(s, c, "aktobe", typed, representative("aktobe")))


def test_a_draft_changed_behind_the_applications_back_is_found(factory):
    campaign_id, doc = build(factory, codes=THREE, until="submissions")
    step(factory, campaign_id, lambda s, c: drafts.save_draft(s, c, "astana", {"app2_g1": "5"},
                                                               representative("astana")))
    with store.transaction(factory) as s:
        s.execute(text("UPDATE report_drafts SET saved_by = 'someone else'"))
    with store.transaction(factory) as s:
        report = verify_store(s)
    assert not report.ok and "report_drafts" in str(report) and "saved_by" in str(report)


def test_typed_values_read_like_a_report_file():
    compiled = catalog_it_2012()
    typed = drafts.typed_values(compiled, {"app2_g1": "12", "app1_r1_d1": "да", "wg_2_1_positions": "3, not found",
                                           "app2_g2": "twelve"})
    assert typed == {"app2_g1": 12, "app1_r1_d1": True, "wg_2_1_positions": [3, None], "app2_g2": "twelve"}


def catalog_it_2012():
    from bagalau.engine import catalog
    return catalog.load("it-2012")


def test_preview_of_a_fact_is_what_recording_it_and_scoring_gives(factory):
    campaign_id, doc = build(factory, codes=THREE)
    body = "aktobe"
    claimed = next(f"app1_r1_d{d}" for d in range(1, 6) if raw_inputs(doc, body).get(f"app1_r1_d{d}") is True)
    with store.transaction(factory) as s:
        c = campaigns.get_campaign(s, campaign_id)
        preview = whatif.preview_fact(s, c, body, claimed, False, EVALUATOR)
        assert s.execute(select(Fact)).first() is None             # nothing written
    expected = expected_totals({"bodies": [b for b in doc["bodies"] if b["id"] in THREE]}, {body: {claimed: False}})
    before = expected_totals({"bodies": [b for b in doc["bodies"] if b["id"] in THREE]}, {})
    row = next(r for r in preview["bodies"] if r["body"] == body)
    assert Decimal(row["total_before"]) == before[body] and Decimal(row["total_after"]) == expected[body]
    assert row["total_after"] != row["total_before"] and body in preview["changed"]
    assert preview["nodes"] and all(n["before"] != n["after"] for n in preview["nodes"])
    assert "1" in {n["id"] for n in preview["nodes"]}            # criterion 1 reads App 1 row 1
    # the same fact, recorded and scored, gives the total the preview showed
    step(factory, campaign_id, lambda s, c: campaigns.add_fact(s, c, body, claimed, False, "site visit", EVALUATOR,
                                                                at=at(4, 1)))
    run = step(factory, campaign_id, lambda s, c: campaigns.run_scoring(s, c, EVALUATOR, at=at(4, 2)))
    with store.transaction(factory) as s:
        c = campaigns.get_campaign(s, campaign_id)
        totals = {r.body_code: r.total_rounded for r in campaigns.latest_run(s, c).results}
    assert run.number == 1 and totals[body] == row["total_after"]


def test_preview_refuses_what_recording_would_refuse(factory):
    campaign_id, _ = build(factory, codes=THREE)
    with store.transaction(factory) as s:
        c = campaigns.get_campaign(s, campaign_id)
        with pytest.raises(campaigns.CampaignError, match="unknown input"):
            whatif.preview_fact(s, c, "akmola", "nope", 1, EVALUATOR)
        with pytest.raises(campaigns.CampaignError, match="below the minimum"):
            whatif.preview_fact(s, c, "akmola", "app2_g1", -1, EVALUATOR)
        with pytest.raises(campaigns.AccessDenied):
            whatif.preview_fact(s, c, "akmola", "app2_g1", 1, representative("akmola"))
