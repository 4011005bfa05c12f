"""it-2012 §104: "Проведение Акиматом перепроверочных мероприятий в исполнительных органах
осуществляется в течении пяти рабочих дней после рассмотрения обжалования исполнительного
органа". The window has one source, the edition's schedule entry ``reverification``: a
campaign's deadline for the body and the decision's ``reverification_due`` both come from
it, and there is no campaign setting that could say otherwise."""

from __future__ import annotations

import shutil
from datetime import date

import pytest

from bagalau import campaigns
from bagalau.campaigns import workdays
from bagalau.engine import catalog
from support.campaign import COMMISSION, EVALUATOR, at, build, representative, step
from support.store import *  # noqa: F401,F403

TWO = ["akmola", "aktobe"]


def _decide(factory, name: str):
    """A campaign up to the commission's decision on akmola's objection (Fri 7 June 2013)."""
    campaign_id, _ = build(factory, codes=TWO, name=name)
    step(factory, campaign_id, lambda s, c: campaigns.run_scoring(s, c, EVALUATOR, at=at(5, 20)))
    step(factory, campaign_id, lambda s, c: campaigns.send_draft_conclusions(s, c, EVALUATOR, at=at(5, 31)))
    objection = step(factory, campaign_id, lambda s, c: campaigns.file_objection(
        s, c, "akmola", "we disagree", ["letter No. 1"], representative("akmola"), at=at(6, 3)))
    step(factory, campaign_id, lambda s, c: campaigns.appoint_commission(s, c, "akmola", [COMMISSION[0]], EVALUATOR,
                                                                          at=at(6, 4)))
    decision = step(factory, campaign_id, lambda s, c: campaigns.decide_objection(
        s, c, objection.id, COMMISSION[0], outcome="rejected", reasoning="the data stand", at=at(6, 7)))
    deadline = step(factory, campaign_id, lambda s, c: next(
        (d.due, d.working_days, d.paragraph) for d in c.deadlines
        if d.key == "reverification" and d.body_code == "akmola"))
    return decision.reverification_due, deadline


@pytest.fixture
def edited_definitions(tmp_path, monkeypatch):
    """The shipped definitions, copied, with it-2012's §104 window edited to ``days``."""
    def edit(days: int):
        folder = tmp_path / "methodologies"
        shutil.copytree(catalog.METHODOLOGY_DIR, folder)
        path = folder / "it-2012.yaml"
        text = path.read_text(encoding="utf-8")
        entry = text.index("  reverification:\n")
        old = text.index("    working_days: 5\n", entry)
        path.write_text(text[:old] + f"    working_days: {days}\n" + text[old + len("    working_days: 5\n"):],
                        encoding="utf-8")
        monkeypatch.setattr(catalog, "METHODOLOGY_DIR", folder)
    return edit


def test_the_window_is_the_act_s_five_working_days(factory):
    rule = catalog.methodology("it-2012").schedule["reverification"]
    assert (rule.after, rule.working_days, rule.paragraph) == ("event:commission_meeting", 5, "§104")
    assert "пяти рабочих дней после рассмотрения обжалования" in rule.note
    due, deadline = _decide(factory, "act")
    assert due == date(2013, 6, 14) == deadline[0]          # Fri 7 June + 5 working days
    assert deadline[1:] == (5, "§104")


def test_changing_the_definition_changes_the_campaign_s_window(factory, edited_definitions):
    edited_definitions(8)
    due, deadline = _decide(factory, "edited")
    assert due == workdays.add_working_days(date(2013, 6, 7), 8) == deadline[0] == date(2013, 6, 19)
    assert deadline[1] == 8


def test_the_window_is_not_a_campaign_setting(factory):
    with pytest.raises(campaigns.CampaignError, match="'reverification_working_days' is not a campaign setting: "
                                                      r"the re-verification window is the act's \(2012 §104\)"):
        build(factory, codes=TWO, settings={"reverification_working_days": 7}, until="created")
    assert "reverification_working_days" not in campaigns.DEFAULT_SETTINGS
