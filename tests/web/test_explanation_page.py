"""The score explanation: an expandable tree with, per node, the formula, the
values and their form cells, the notes, the paragraph and the act's sentence;
provisional nodes marked; the act without Kazakh text said so; who may read it."""

from __future__ import annotations

import re

from bagalau import campaigns, store
from support.web import *  # noqa: F401,F403


def _demo(web_app) -> tuple[int, str]:
    with store.transaction(web_app.state.sessions) as s:
        c = campaigns.get_campaign(s, "demo-it-2012-1")
        run = campaigns.latest_run(s, c)
        total = next(r.total_rounded for r in run.results if r.body_code == OWN_BODY)
        return c.id, total


def test_the_tree_shows_formula_values_cells_paragraph_and_sentence(web_app, signed_in):
    campaign_id, total = _demo(web_app)
    page = signed_in("body", "ru").get(f"/campaigns/{campaign_id}/bodies/{OWN_BODY}/explanation")
    assert page.status_code == 200
    html = page.text
    assert html.count("<details") > 30 and 'id="node-3.1"' in html
    assert total.replace(".", ",") in html                                    # the total, as stored
    node = html[html.index('id="node-1.1"'):html.index('id="node-1.2"')]
    assert "<code>weight * app1_r1_d1</code>" in node                           # the formula
    assert "App 1, строка 1, графа 3" in node                                   # the value's form cell
    assert "§15, §18, прил. 5, пункт 1" in node                                 # the paragraph, in Russian
    first = html[html.index('id="node-1"'):html.index('id="node-1.1"')]
    assert '<blockquote lang="ru">' in first                                    # the act's sentence
    # a reconstructed node is marked provisional, and its note is said in Russian
    assert re.search(r'badge provenance-reconstructed">предварительно \(восстановлено\)', html)
    assert "Предварительно: формула восстановлена" in html


def test_kazakh_page_says_the_act_is_shown_in_russian(web_app, signed_in):
    campaign_id, _ = _demo(web_app)
    page = signed_in("body", "kk").get(f"/campaigns/{campaign_id}/bodies/{OWN_BODY}/explanation").text
    assert '<html lang="kk">' in page and "Bagalau машиналық аударманы ешқашан акт мәтіні ретінде" in page


def test_published_to_everyone_once_final_and_every_run_can_be_chosen(client, web_app):
    campaign_id, _ = _demo(web_app)
    with store.transaction(web_app.state.sessions) as s:
        runs = s.execute(store.ScoringRun.__table__.select().where(
            store.ScoringRun.campaign_id == campaign_id)).all()
    page = client.get(f"/campaigns/{campaign_id}/bodies/aktobe/explanation?run=1")
    assert page.status_code == 200 and "<details" in page.text
    assert len(runs) > 1                           # the demo rescored after the commission's decision
    assert '<option value="1" selected>' in page.text
