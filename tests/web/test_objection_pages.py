"""Objections: the body files one with a document within the working-day window
(with its countdown); the commission member sees the evidence and the preview of
each possible decision, then decides (a rescore); finalising waits for the window."""

from __future__ import annotations

import re

from datetime import date

from bagalau import campaigns, store
from bagalau.campaigns import workdays
from bagalau.store.files import Evidence
from support.campaign import EVALUATOR, at, build, raw_inputs, step
from support.web import *  # noqa: F401,F403
from support.web_forms import form_values


def drafts_sent(web_app) -> tuple[int, int]:
    """A campaign whose draft conclusions were sent on 20 March 2013 (window: 5 working days, Nauryz between),
    with one unreliable fact about the body; the app's clock on 22 March."""
    factory = web_app.state.sessions
    campaign_id, doc = build(factory, until="verification", name="web-objections")
    assert raw_inputs(doc, OWN_BODY)["app1_r1_d1"] is True
    fact = step(factory, campaign_id, lambda s, c: campaigns.add_fact(
        s, c, OWN_BODY, "app1_r1_d1", False, "On-site act", EVALUATOR, at=at(3, 12))).id
    step(factory, campaign_id, lambda s, c: campaigns.run_scoring(s, c, EVALUATOR, at=at(3, 13)))
    step(factory, campaign_id, lambda s, c: campaigns.send_draft_conclusions(s, c, EVALUATOR, at=at(3, 20)))
    web_app.state.today = date(2013, 3, 22)
    return campaign_id, fact


def test_file_decide_and_finalise_after_the_window(web_app, signed_in):
    campaign_id, fact = drafts_sent(web_app)
    officer = signed_in("body", "ru")
    url = f"/campaigns/{campaign_id}/bodies/{OWN_BODY}/objections"
    page = officer.get(url)
    assert page.status_code == 200
    # sent on 20 March 2013; 5 working days on Kazakhstan's calendar (Nauryz between) end on 1 April
    left = workdays.working_days_left(date(2013, 3, 22), date(2013, 4, 1))
    assert left > 0 and f"осталось: {left} рабочих дн" in page.text and "до конца дня 1 апреля 2013" in page.text
    token = form_values(page.text)["csrf_token"]
    filed = officer.post(url, data={"csrf_token": token, "text": "the measure is in the plan",
                                    "contested": f"fact #{fact}"},
                         files=[("files", ("plan.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf"))])
    assert filed.status_code == 200 and "Возражение подано." in filed.text and "plan.pdf" in filed.text
    link = re.search(r'href="(/api/v1/campaigns/\d+/evidence/\d+)" download>plan.pdf', filed.text).group(1)
    download = officer.get(link)                     # the page's link: the API's download, by the session cookie
    assert download.status_code == 200 and download.content == b"%PDF-1.4\n%%EOF\n"
    assert download.headers["content-disposition"].startswith("attachment")
    with store.transaction(web_app.state.sessions) as s:
        c = campaigns.get_campaign(s, campaign_id)
        objection = s.query(store.Objection).filter_by(campaign_id=c.id).one()
        assert objection.documents == ["plan.pdf"] and objection.contested == [f"fact #{fact}"]
        assert s.query(Evidence).filter(Evidence.objection_id == objection.id).count() == 1
        objection_id = objection.id
    evaluator = signed_in("evaluator", "ru")
    evaluator_token = form_values(evaluator.get(f"/campaigns/{campaign_id}").text)["csrf_token"]
    appointed = evaluator.post(f"/campaigns/{campaign_id}/commission",
                               data={"csrf_token": evaluator_token, "body": OWN_BODY, "members": USERS["commission"]})
    assert appointed.status_code == 200 and "Комиссия назначена." in appointed.text
    member = signed_in("commission", "kk")
    page = member.get(url).text
    assert "plan.pdf" in page and f'value="accepted:{fact}"' in page and 'value="rejected:"' in page
    option = page[page.index(f'value="accepted:{fact}"'):]
    assert "→ <strong>" in option[:900]                              # the preview of that decision
    token = form_values(page)["csrf_token"]
    decided = member.post(f"{url}/{objection_id}/decide", data={"csrf_token": token, "option": f"accepted:{fact}",
                                                                 "reasoning": "the plan confirms it"})
    assert decided.status_code == 200 and "Шешім тіркелді." in decided.text
    with store.transaction(web_app.state.sessions) as s:
        c = campaigns.get_campaign(s, campaign_id)
        assert campaigns.active_facts(s, c) == [] and campaigns.latest_run(s, c).decision_id is not None
    # the window is open until 1 April: finalising is refused, then done on 2 April
    web_app.state.today = date(2013, 3, 29)
    refused = evaluator.post(f"/campaigns/{campaign_id}/step", data={"csrf_token": evaluator_token, "step": "finalise"})
    assert refused.status_code == 409 and "Срок подачи возражений открыт до 2013-04-01" in refused.text
    web_app.state.today = date(2013, 4, 2)
    done = evaluator.post(f"/campaigns/{campaign_id}/step", data={"csrf_token": evaluator_token, "step": "finalise"})
    assert done.status_code == 200 and "Рейтинг окончательный." in done.text


def test_no_objection_after_the_window(web_app, signed_in):
    campaign_id, _ = drafts_sent(web_app)
    web_app.state.today = date(2013, 4, 2)
    officer = signed_in("body", "kk")
    page = officer.get(f"/campaigns/{campaign_id}/bodies/{OWN_BODY}/objections").text
    assert "Мерзім өтті." in page and 'id="file-objection"' not in page
    token = form_values(page)["csrf_token"]
    late = officer.post(f"/campaigns/{campaign_id}/bodies/{OWN_BODY}/objections",
                        data={"csrf_token": token, "text": "late", "documents": "a letter"})
    assert late.status_code == 409
    with store.transaction(web_app.state.sessions) as s:
        assert s.query(store.Objection).count() == 1                 # the demo's own objection only


def test_the_window_rule_is_in_the_pages_language(web_app, signed_in):
    """Issue 10: how the window is counted (the campaign's default setting) is shown translated,
    not as English marked lang="en" (strict translations)."""
    campaign_id, _ = drafts_sent(web_app)
    url = f"/campaigns/{campaign_id}/bodies/{OWN_BODY}/objections"
    expected = {"kk": "науқан баптауы (2012 жылғы акт қарсылықтар мерзімін белгілемейді, spec 000 A20)",
                "ru": "настройка кампании (акт 2012 года не устанавливает срок подачи возражений, spec 000 A20)"}
    for lang, rule in expected.items():
        page = signed_in("body", lang).get(url)
        assert page.status_code == 200
        start = page.text.index('id="window-h"')
        window = page.text[start:page.text.index("</section>", start)]
        assert rule in window and 'lang="en"' not in window, (lang, window)
        assert "sets no objection deadline" not in page.text
