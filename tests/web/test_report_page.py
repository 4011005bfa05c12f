"""The report form: generated from the methodology's inputs and grouped like the
act's forms, a validation error next to its field (the draft keeps the values),
the correction submitted as a new version, the diff between versions, and the
same form downloaded and uploaded back as XLSX."""

from __future__ import annotations

import io
from datetime import date

import pytest
from openpyxl import load_workbook

from bagalau import campaigns, store
from bagalau.campaigns import drafts
from bagalau.demo.campaign import EVALUATOR_BODY
from support.campaign import EVALUATOR, METHODOLOGIST, build
from support.web import *  # noqa: F401,F403
from support.web_forms import form_values


def _open_campaign(web_app) -> int:
    campaign_id, _ = build(web_app.state.sessions, until="submissions", name="web-report")
    web_app.state.today = date(2013, 2, 25)
    return campaign_id


def test_the_form_follows_the_act_and_shows_the_reported_values(web_app, signed_in):
    campaign_id = _open_campaign(web_app)
    officer = signed_in("body", "ru")
    page = officer.get(f"/campaigns/{campaign_id}/bodies/{OWN_BODY}/report")
    assert page.status_code == 200
    html = page.text
    # the forms in the act's order: App 1 by rows, the working group, App 2 by its columns, App 6
    order = [html.index(f'id="form-{name}-h"') for name in ("app-1", "wg", "app-2", "wg-app6-kk", "wg-app6-ru")]
    assert order == sorted(order)
    assert '<label for="f_app2_g1">' in html and "Графа" in html
    assert "WG APP6 kk: проверка рабочей группы по App 6, версия сайта на казахском языке" in html
    values = form_values(html)
    with store.transaction(web_app.state.sessions) as s:
        latest = campaigns.latest_submission(s, campaigns.get_campaign(s, campaign_id), OWN_BODY)
        assert values["f_app2_g1"] == str(latest.values["app2_g1"])
        assert values["f_app1_r1_d1"] == ("yes" if latest.values["app1_r1_d1"] else "no")


def test_an_error_stays_at_its_field_and_the_correction_is_a_new_version(web_app, signed_in):
    campaign_id = _open_campaign(web_app)
    officer = signed_in("body", "kk")
    url = f"/campaigns/{campaign_id}/bodies/{OWN_BODY}/report"
    values = form_values(officer.get(url).text)
    reported = int(values["f_app2_g1"])
    values["f_app2_g1"] = str(int(values["f_app2_g2"]) + 5)            # column 1 may not exceed column 2
    refused = officer.post(url, data={**values, "action": "submit"})
    assert refused.status_code == 422
    html = refused.text
    assert 'id="f_app2_g1" name="f_app2_g1" value="%s"' % values["f_app2_g1"] in html   # kept as typed
    error = html[html.index('id="f_app2_g1-error"'):]
    assert "Графа 1 не может превышать графу 2" in error[:400]     # the act's wording of the check (no Kazakh)
    assert 'aria-invalid="true" aria-describedby="f_app2_g1-error"' in html
    with store.transaction(web_app.state.sessions) as s:
        c = campaigns.get_campaign(s, campaign_id)
        assert campaigns.latest_submission(s, c, OWN_BODY).version == 1        # nothing submitted
    values = form_values(html)
    assert values["revision"] == "1"                                      # the draft kept the values
    values["f_app2_g1"] = str(reported - 7)
    done = officer.post(url, data={**values, "action": "submit", "reason": "corrected"})
    assert done.status_code == 200 and "Есеп тапсырылды." in done.text
    with store.transaction(web_app.state.sessions) as s:
        latest = campaigns.latest_submission(s, campaigns.get_campaign(s, campaign_id), OWN_BODY)
        assert latest.version == 2 and latest.values["app2_g1"] == reported - 7
    history = officer.get(f"/campaigns/{campaign_id}/bodies/{OWN_BODY}/versions").text
    diff = history[history.index('<table class="diff">'):]
    assert "<code>app2_g1</code>" in diff and f'"diff-removed">{reported}<' in diff and \
        f'"diff-added">{reported - 7}<' in diff
    assert diff.count("<tr>") == 2                    # the header and the one changed field


def test_saving_a_draft_does_not_submit(web_app, signed_in):
    campaign_id = _open_campaign(web_app)
    officer = signed_in("body", "ru")
    url = f"/campaigns/{campaign_id}/bodies/{OWN_BODY}/report"
    values = form_values(officer.get(url).text)
    values["f_app2_g3"] = "12"
    saved = officer.post(url, data={**values, "action": "save"})
    assert "Черновик сохранён. Он ещё не подан." in saved.text
    assert 'value="12"' in saved.text
    with store.transaction(web_app.state.sessions) as s:
        c = campaigns.get_campaign(s, campaign_id)
        assert campaigns.latest_submission(s, c, OWN_BODY).version == 1
    stale = officer.post(url, data={**values, "action": "save"})         # revision 0 again: another tab's save
    assert stale.status_code == 409


def test_the_form_downloads_and_uploads_as_xlsx(web_app, signed_in):
    campaign_id = _open_campaign(web_app)
    officer = signed_in("body", "ru")
    base = f"/campaigns/{campaign_id}/bodies/{OWN_BODY}"
    workbook = officer.get(f"{base}/report.xlsx")
    assert workbook.status_code == 200 and workbook.headers["content-disposition"].startswith("attachment")
    book = load_workbook(io.BytesIO(workbook.content))
    sheet, cell = next(iter(book.defined_names["in_app2_g1"].destinations))
    book[sheet][cell.replace("$", "")].value = 5
    buffer = io.BytesIO()
    book.save(buffer)
    values = form_values(officer.get(f"{base}/report").text)
    page = officer.post(f"{base}/report/upload", data={"csrf_token": values["csrf_token"], "revision": "0"},
                        files={"file": ("filled.xlsx", buffer.getvalue(), "application/octet-stream")})
    assert page.status_code == 200 and "Черновик сохранён и проверен." in page.text
    assert form_values(page.text)["f_app2_g1"] == "5"
    not_a_form = officer.post(f"{base}/report/upload", data={"csrf_token": values["csrf_token"]},
                              files={"file": ("page.html", b"<html><body>x</body></html>", "text/html")})
    assert not_a_form.status_code == 422 and "notice error" in not_a_form.text


def test_another_body_s_report_is_not_found(web_app, signed_in):
    campaign_id = _open_campaign(web_app)
    officer = signed_in("body", "ru")
    assert officer.get(f"/campaigns/{campaign_id}/bodies/aktobe/report").status_code == 404


@pytest.mark.parametrize("edition, period", [("ict-2015", 2014), ("citizens-2017", 2016), ("orgdev-2023", 2022),
                                             ("openness-2025", 2024)])
def test_the_form_of_every_edition(web_app, signed_in, edition, period):
    """Each edition's form renders, in Kazakh, and an empty check names every required field."""
    with store.transaction(web_app.state.sessions) as s:
        c = campaigns.create_campaign(s, name=f"web-form-{edition}", methodology_id=edition, period=period,
                                      evaluator=EVALUATOR_BODY, bodies=[OWN_BODY], actor=METHODOLOGIST,
                                      evaluators={OWN_BODY: [EVALUATOR]})
        campaigns.open_submissions(s, c, EVALUATOR)
        campaign_id = c.id
        required = [key for key, item in drafts.body_forms(s, c, OWN_BODY).inputs.items()
                    if item.required and item.default is None]
    officer = signed_in("body", "kk")
    page = officer.get(f"/campaigns/{campaign_id}/bodies/{OWN_BODY}/report")
    assert page.status_code == 200 and '<html lang="kk">' in page.text
    token = form_values(page.text)["csrf_token"]
    checked = officer.post(f"/campaigns/{campaign_id}/bodies/{OWN_BODY}/report",
                           data={"csrf_token": token, "action": "check", "revision": "0"})
    assert checked.status_code == 200
    assert required and all(f'id="f_{key}-error"' in checked.text for key in required)
    assert "Бұл өрісті толтырыңыз: акт оны талап етеді." in checked.text
