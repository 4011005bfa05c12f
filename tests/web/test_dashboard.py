"""The dashboard: per role, what is waiting, with deadlines in working days."""

from __future__ import annotations

from datetime import date

from bagalau import campaigns, store
from support.campaign import build, step
from support.web import *  # noqa: F401,F403


def _in_progress(web_app):
    factory = web_app.state.sessions
    campaign_id, _ = build(factory, until="submissions", name="web-2012-open",
                           settings={"submission_deadline": "2013-03-01"})
    web_app.state.today = date(2013, 2, 25)        # Monday: 4 working days before 1 March 2013
    return campaign_id


def test_public_sees_campaigns_without_counts(client):
    page = client.get("/")
    assert page.status_code == 200 and "demo-it-2012-1" in page.text
    assert "Reports submitted" not in page.text and 'href="/methodologies/it-2012"' in page.text


def test_body_officer_sees_own_tasks_and_working_day_deadline(web_app, signed_in):
    campaign_id = _in_progress(web_app)
    officer = signed_in("body", "ru")
    page = officer.get("/").text
    assert "web-2012-open" in page and "Идёт подача отчётов" in page
    assert "Акимат Акмолинской области" in page
    # the demo build submitted every report already: the task is the correction, linked to the form
    assert f'href="/campaigns/{campaign_id}/bodies/{OWN_BODY}/report"' in page
    assert "до срока 4 рабочих дня" in page              # 1 March 2013 seen on Monday 25 February
    assert "Подано отчётов</dt><dd>1<" in page.replace("\n", "").replace("  ", "")


def test_evaluator_sees_next_step_and_counts(web_app, signed_in):
    _in_progress(web_app)
    evaluator = signed_in("evaluator", "kk")
    page = evaluator.get("/").text
    assert '<html lang="kk">' in page
    assert "17 органның 17 есеп тапсырды" in page


def test_commission_member_sees_the_objection_to_decide(web_app, signed_in):
    factory = web_app.state.sessions
    with store.transaction(factory) as s:
        demo = campaigns.get_campaign(s, "demo-it-2012-1")
        assert demo.state in ("final", "post_audit")
    member = signed_in("commission", "en")
    page = member.get("/").text
    assert "What is waiting for you" in page and "demo-it-2012-1" in page
    assert "Decide objection" not in page            # the demo's objection is decided already


def test_the_cards_link_to_the_campaign_pages(web_app, signed_in):
    with store.transaction(web_app.state.sessions) as s:
        demo = campaigns.get_campaign(s, "demo-it-2012-1").id
    officer = signed_in("body", "ru").get("/").text
    base = f"/campaigns/{demo}/bodies/{OWN_BODY}"
    for href in (f"/campaigns/{demo}/rating", f"{base}/report", f"{base}/explanation", f"{base}/objections",
                 f"{base}/documents"):
        assert f'href="{href}"' in officer
    assert f'href="/campaigns/{demo}/bodies/aktobe/report"' not in officer
    evaluator = signed_in("evaluator", "ru").get("/").text
    assert f'href="/campaigns/{demo}/rating"' in evaluator and f'href="{base}/report"' not in evaluator
