"""The campaign in real headless Chromium, once in Kazakh and once in Russian:

1. a body officer fills the report form with one validation error, sees it at the
   field, corrects it and submits (a new version, its diff);
2. the evaluator closes the submissions, records an unreliable fact with an
   evidence file, sees the what-if preview change before saving, and scores;
   then sends the draft conclusions;
3. the body files an objection with a file, within the working-day window;
4. the evaluator appoints the commission, whose member sees the evidence and the
   preview of each decision, and accepts the objection (a rescore);
5. finalising is refused while the objection window is open and done the day
   after it closes (the application's clock, ``app.state.today``: the campaign
   rule is kept, the days pass);
6. the final rating page shows the body's changed total and the charts.

axe-core finds 0 violations on every page; each key page is kept as a screenshot."""

from __future__ import annotations

import re
from datetime import date

import pytest

from bagalau import campaigns, store
from support.campaign import build
from support.web import *  # noqa: F401,F403

NO = {"kk": "жоқ", "ru": "нет"}
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _sign_in(page, live_url, role, lang):
    page.context.clear_cookies()
    browser_login(page, live_url, USERS[role], lang=lang)


def _number(text: str) -> float:
    return float(text.replace("\xa0", "").replace(" ", "").replace(",", "."))


def _check(page, what: str, shot: str) -> None:
    check_axe(page, what)
    screenshot(page, shot)


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_campaign_flow(page, live_url, web_app, lang):
    factory = web_app.state.sessions
    with store.transaction(factory) as s:
        previous = campaigns.get_campaign(s, "demo-it-2012-1").id
    campaign_id, _ = build(factory, until="submissions", name=f"browser-flow-{lang}", previous=previous)
    base = f"{live_url}/campaigns/{campaign_id}"
    body = f"{base}/bodies/{OWN_BODY}"
    web_app.state.today = date(2013, 2, 25)

    # 1. the report: one validation error at its field, corrected, submitted
    _sign_in(page, live_url, "body", lang)
    page.goto(f"{body}/report")
    assert page.get_attribute("html", "lang") == lang
    reported = int(page.input_value("#f_app2_g1"))
    denominator = int(page.input_value("#f_app2_g2"))
    page.fill("#f_app2_g1", str(denominator + 5))
    page.click("#submit-report")
    page.wait_for_selector("#f_app2_g1-error")
    assert page.get_attribute("#f_app2_g1", "aria-invalid") == "true"
    assert page.input_value("#f_app2_g1") == str(denominator + 5)        # the value is kept
    page.locator("#f_app2_g1").scroll_into_view_if_needed()
    _check(page, f"report with an error ({lang})", f"flow-report-error-{lang}")
    screenshot(page, f"flow-report-error-{lang}-field", full_page=False)
    corrected = reported - 100
    page.focus("#f_app2_g1")                        # corrected and submitted by keyboard alone
    page.keyboard.press("Control+A")
    page.keyboard.type(str(corrected))
    page.keyboard.press("Enter")                    # Enter in a field saves the draft, never submits it
    page.wait_for_url(re.compile(r".*saved=draft"))
    page.focus("#submit-report")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*saved=submitted"))
    page.goto(f"{body}/versions")
    assert page.locator("table.diff td.diff-added").first.inner_text() == str(corrected)
    _check(page, f"versions ({lang})", f"flow-versions-{lang}")

    # 2. verification: a fact with its evidence, the preview before saving, then scoring
    web_app.state.today = date(2013, 3, 12)
    _sign_in(page, live_url, "evaluator", lang)
    page.goto(base)
    page.click("#step-close")
    page.wait_for_url(re.compile(r".*done=close"))
    _check(page, f"campaign page ({lang})", f"flow-campaign-{lang}")
    page.goto(f"{body}/verification")
    page.select_option("#fact-input", "app1_r1_d1")
    page.fill("#fact-verified", NO[lang])
    page.wait_for_selector("#preview-total strong.after")
    before = _number(page.locator("#preview-total strong").first.inner_text())
    after = _number(page.locator("#preview-total strong.after").inner_text())
    assert before - after == 1.0                     # direction 1.1 weighs one point
    page.fill("#fact-document", "Акт № 5")
    page.set_input_files("#fact-file", {"name": "act.pdf", "mimeType": "application/pdf", "buffer": PDF})
    _check(page, f"verification with a preview ({lang})", f"flow-verification-preview-{lang}")
    page.click("#record-fact")
    page.wait_for_url(re.compile(r".*saved=1"))
    assert page.locator("table.facts-table a[download]").inner_text() == "act.pdf"
    page.click("#score")
    page.wait_for_url(re.compile(r".*done=score"))
    page.goto(f"{base}/rating")
    assert page.locator("h1").inner_text().startswith({"kk": "Алдын ала", "ru": "Предварительный"}[lang])
    _check(page, f"provisional rating ({lang})", f"flow-rating-provisional-{lang}")
    page.goto(base)
    web_app.state.today = date(2013, 3, 20)
    page.click("#step-drafts")
    page.wait_for_url(re.compile(r".*done=drafts"))

    # 3. the body objects, with a file, within the window
    web_app.state.today = date(2013, 3, 22)
    _sign_in(page, live_url, "body", lang)
    page.goto(f"{body}/explanation")
    assert _number(page.locator(".facts strong.total").inner_text()) == after
    _check(page, f"explanation ({lang})", f"flow-explanation-{lang}")
    closed = page.locator('[id="node-1.1"] > .node-body')
    assert not closed.is_visible()
    page.emulate_media(media="print")                  # printing shows every node, opened or not
    assert closed.is_visible() and not page.locator("header.site-header").is_visible()
    page.emulate_media(media="screen")
    page.goto(f"{body}/objections")
    assert page.locator("#countdown").is_visible()
    page.fill("#objection-text", "Мероприятие есть в утверждённом плане.")
    page.check("input[name=contested]")
    page.set_input_files("#objection-files", {"name": "plan.pdf", "mimeType": "application/pdf", "buffer": PDF})
    _check(page, f"objection form ({lang})", f"flow-objection-form-{lang}")
    page.click("#file-objection")
    page.wait_for_url(re.compile(r".*done=filed"))
    assert page.locator("section.objection a[download]").inner_text() == "plan.pdf"

    # 4. the commission: appointed, sees the evidence and each decision's preview, decides
    _sign_in(page, live_url, "evaluator", lang)
    page.goto(base)
    page.check(f'input[name=members][value="{USERS["commission"]}"]')
    page.click("#appoint-h ~ form button[type=submit]")
    page.wait_for_url(re.compile(r".*done=commission"))
    _sign_in(page, live_url, "commission", lang)
    page.goto(f"{body}/objections")
    option = page.locator("input[name=option][value^='accepted:']")
    preview = option.locator("xpath=ancestor::div[@class='option']").locator(".option-preview strong")
    assert _number(preview.inner_text()) == before                      # removing the fact gives the point back
    _check(page, f"objection for the commission ({lang})", f"flow-commission-{lang}")
    option.check()
    page.fill("textarea[name=reasoning]", "План подтверждает мероприятие.")
    page.click("section.objection button[type=submit]")
    page.wait_for_url(re.compile(r".*done=decided"))

    # 5. finalising waits for the window to close
    web_app.state.today = date(2013, 3, 29)
    _sign_in(page, live_url, "evaluator", lang)
    page.goto(base)
    page.click("#step-finalise")
    page.wait_for_selector(".notice.error")
    assert "2013-04-01" in page.locator(".notice.error").inner_text()
    web_app.state.today = date(2013, 4, 2)
    page.click("#step-finalise")
    page.wait_for_url(re.compile(r".*done=finalise"))

    # 6. the final rating: the changed total and its charts, open to everyone
    page.context.clear_cookies()
    page.goto(f"{live_url}/lang/{lang}?next=/campaigns/{campaign_id}/rating")
    with store.transaction(factory) as s:
        final, _ = campaigns.rating(s, campaigns.get_campaign(s, campaign_id))
        old, _ = campaigns.rating(s, campaigns.get_campaign(s, previous))
    mine = next(r for r in final if r.body == OWN_BODY)
    earlier = next(r for r in old if r.body == OWN_BODY)
    assert mine.total != earlier.total                                    # the corrected report changed it
    row = page.locator("table.rating tbody tr", has=page.locator(f'a[href$="/bodies/{OWN_BODY}/explanation"]'))
    assert _number(row.locator("td.total").inner_text()) == float(mine.total)
    assert _number(row.locator("td.total").inner_text()) == before       # the fact was removed by the decision
    assert page.locator("#chart-totals svg").count() == 1 and page.locator("#chart-change svg").count() == 1
    assert mine.total in page.locator("#chart-totals svg").inner_html()
    _check(page, f"final rating ({lang})", f"flow-rating-final-{lang}")
    _sign_in(page, live_url, "body", lang)
    page.goto(f"{body}/documents")
    _check(page, f"documents ({lang})", f"flow-documents-{lang}")
