"""The report form's repeated-row tables (it-2012 ``app1_is``: one row per information
system, App 1 rows 3.1–3.8): rows added with plain form posts (no JavaScript), saved
with the draft, submitted, and read by the scoring (the explanation names the rows);
a bad cell's message at its row and column; the rows in the XLSX download and back
from an uploaded workbook; the version diff row by row."""

from __future__ import annotations

import io
import re
from datetime import date

from openpyxl import load_workbook

from bagalau import campaigns, store
from bagalau.campaigns import drafts
from bagalau.demo.campaign import at
from bagalau.store.models import RunResult
from support.campaign import EVALUATOR, build, step
from support.web import *  # noqa: F401,F403
from support.web_forms import form_values

TABLE = "app1_is"
# two information systems; every count of criterion 5 follows from them
FIRST = {"name": "ЕСЭДО области", "created_in_period": "yes", "no_bpo_analytics": "no",
         "commissioned_in_period": "yes", "late": "yes", "no_approved_ntd": "no", "developed_in_period": "no",
         "operation": "industrial", "industrial_since": "2011", "no_attestation": "yes", "not_registered": "no",
         "no_state_language": "no", "needs_integration": "yes", "not_integrated": "yes",
         "refusal_documented": "no"}
SECOND = {"name": "Портал акимата", "created_in_period": "no", "commissioned_in_period": "no",
          "developed_in_period": "no", "operation": "trial", "not_registered": "yes", "needs_integration": "no"}


def _open_campaign(web_app) -> int:
    campaign_id, _ = build(web_app.state.sessions, until="submissions", name="web-report-tables")
    web_app.state.today = date(2013, 2, 25)
    return campaign_id


def _cells(number: int, row: dict) -> dict:
    return {f"t.{TABLE}.{number}.{column}": value for column, value in row.items()}


def _two_rows(officer, url: str) -> dict:
    """Fill the first row, add a second by its button, fill it, empty the fields the rows give."""
    values = form_values(officer.get(url).text)
    values.update(_cells(1, FIRST))
    added = officer.post(url, data={**values, "add_row": TABLE})
    assert added.status_code == 200
    assert re.search(rf'<input type="text" id="t-{TABLE}-2-name" name="t.{TABLE}.2.name" value="" autofocus>',
                     added.text)                               # the new row's first cell has the focus
    values = form_values(added.text)
    assert values[f"t.{TABLE}.1.name"] == FIRST["name"]        # the first row came back as typed
    values.update(_cells(2, SECOND))
    cleared = officer.post(url, data={**values, "clear_given": TABLE})
    values = form_values(cleared.text)
    assert values["f_app1_r3_2"] == "" and values["f_wg_5_1_is_new"] == ""
    return values


def test_two_rows_are_saved_submitted_and_explained(web_app, signed_in):
    campaign_id = _open_campaign(web_app)
    officer = signed_in("body", "ru")
    url = f"/campaigns/{campaign_id}/bodies/{OWN_BODY}/report"
    page = officer.get(url).text
    # the table follows App 1's rows, before the working group's section, its columns in Russian
    assert page.index('id="form-app-1-h"') < page.index(f'id="t-{TABLE}-h"') < page.index('id="form-wg-h"')
    assert "Наименование информационной системы" in page
    assert f'<label for="t-{TABLE}-1-name" class="visually-hidden">Наименование информационной системы, строка 1' \
        in page

    values = _two_rows(officer, url)
    saved = officer.post(url, data={**values, "action": "save"})
    assert saved.status_code == 200 and "Черновик сохранён" in saved.text
    with store.transaction(web_app.state.sessions) as s:
        draft = drafts.get_draft(s, campaigns.get_campaign(s, campaign_id), OWN_BODY, USERS["body"])
        rows = draft.values[TABLE]
    assert [row["name"] for row in rows] == [FIRST["name"], SECOND["name"]]
    assert rows[0]["late"] is True and rows[1]["operation"] == "trial"
    shown = form_values(saved.text)
    assert shown[f"t.{TABLE}.2.name"] == SECOND["name"] and shown[f"t.{TABLE}.1.late"] == "yes"

    done = officer.post(url, data={**shown, "action": "submit"})
    assert done.status_code == 200 and "Отчёт подан." in done.text, done.text[:3000]
    factory = web_app.state.sessions
    with store.transaction(factory) as s:
        latest = campaigns.latest_submission(s, campaigns.get_campaign(s, campaign_id), OWN_BODY)
        assert latest.version == 2
        stored = latest.values[TABLE]
    assert len(stored) == 2 and stored[0]["name"] == FIRST["name"] and stored[0]["industrial_since"] == 2011
    assert "app1_r3_2" not in latest.values                     # the rows give it

    # the diff between the versions names the rows' cells
    history = officer.get(f"/campaigns/{campaign_id}/bodies/{OWN_BODY}/versions").text
    diff = history[history.index('<table class="diff">'):]
    assert f"<code>{TABLE}[2].name</code>" in diff and "строка добавлена" in diff
    assert f'"diff-added">{SECOND["name"]}<' in diff
    assert '"diff-added">да<' in diff                         # yes and no in the page's language

    # scored: the explanation lists the rows each count came from
    step(factory, campaign_id, lambda s, c: campaigns.close_submissions(s, c, EVALUATOR, at=at(3, 11)))
    step(factory, campaign_id, lambda s, c: campaigns.run_scoring(s, c, EVALUATOR, at=at(3, 13)))
    with store.transaction(factory) as s:
        result = s.query(RunResult).filter_by(body_code=OWN_BODY).order_by(RunResult.id.desc()).first()
        explained = list(_inputs(result.explanation["nodes"]))
    late = next(e for e in explained if e["aggregate"].startswith("count where commissioned_in_period and late"))
    assert late["value"] == "1" and [r["label"] for r in late["rows"]] == [FIRST["name"]]
    assert late["rows_given"] == 2
    evaluator = signed_in("evaluator", "ru")
    explanation = evaluator.get(f"/campaigns/{campaign_id}/bodies/{OWN_BODY}/explanation").text
    assert "Из строк App 1 (IS) (count where commissioned_in_period and late): 1 из 2 строк" in explanation
    assert f"строка 1: {FIRST['name']}" in explanation and f"строка 2: {SECOND['name']}" in explanation


def _inputs(nodes):
    for node in nodes:
        for entry in node.get("inputs", {}).values():
            if entry.get("table"):
                yield entry["table"]
        yield from _inputs(node.get("children", []))


def test_a_bad_cell_shows_its_message_at_its_row_and_column(web_app, signed_in):
    campaign_id = _open_campaign(web_app)
    officer = signed_in("body", "kk")
    url = f"/campaigns/{campaign_id}/bodies/{OWN_BODY}/report"
    values = _two_rows(officer, url)
    values[f"t.{TABLE}.2.late"] = "yes"                  # row 2 was not commissioned: it cannot be late
    values[f"t.{TABLE}.1.industrial_since"] = "two thousand"
    refused = officer.post(url, data={**values, "action": "submit"})
    assert refused.status_code == 422
    html = refused.text
    late = f"t-{TABLE}-2-late"
    assert f'id="{late}" name="t.{TABLE}.2.late" aria-invalid="true" aria-describedby="{late}-error"' in html
    message = html[html.index(f'id="{late}-error"'):][:600]
    assert "жолдың шарты орындалғанда ғана" in message and "commissioned_in_period" in message
    year = html[html.index(f'id="t-{TABLE}-1-industrial_since-error"'):][:400]
    assert "Бүтін сан енгізіңіз." in year or "Сан енгізіңіз." in year
    assert f'<a href="#{late}">App 1 (IS), № 2: ' in html          # the list at the top links to the cell
    assert f'id="t-{TABLE}-1-late" name="t.{TABLE}.1.late" aria-invalid' not in html   # row 1's late is fine
    with store.transaction(web_app.state.sessions) as s:
        c = campaigns.get_campaign(s, campaign_id)
        assert campaigns.latest_submission(s, c, OWN_BODY).version == 1        # nothing submitted
    assert form_values(html)[f"t.{TABLE}.1.industrial_since"] == "two thousand"   # kept as typed


def test_the_rows_go_to_the_workbook_and_come_back(web_app, signed_in):
    campaign_id = _open_campaign(web_app)
    officer = signed_in("body", "ru")
    base = f"/campaigns/{campaign_id}/bodies/{OWN_BODY}"
    values = _two_rows(officer, f"{base}/report")
    officer.post(f"{base}/report", data={**values, "action": "save"})
    book = load_workbook(io.BytesIO(officer.get(f"{base}/report.xlsx").content))
    sheet_name, reference = next(iter(book.defined_names[f"table_{TABLE}"].destinations))
    sheet = book[sheet_name]
    first_row = int(re.search(r"\$(\d+):", reference).group(1))
    ids = {sheet.cell(row=first_row - 1, column=c).value: c for c in range(2, sheet.max_column + 1)}
    assert sheet.cell(row=first_row, column=ids["name"]).value == FIRST["name"]
    assert sheet.cell(row=first_row + 1, column=ids["name"]).value == SECOND["name"]
    assert sheet.cell(row=first_row, column=ids["late"]).value == "да"
    # a third system written in the workbook comes back into the form
    sheet.cell(row=first_row + 2, column=ids["name"]).value = "Склад данных"
    for column, value in {"created_in_period": "нет", "commissioned_in_period": "нет", "developed_in_period": "нет",
                          "operation": "none", "needs_integration": "нет"}.items():
        sheet.cell(row=first_row + 2, column=ids[column]).value = value
    sheet.cell(row=first_row, column=ids["name"]).value = "ЕСЭДО (исправлено)"
    buffer = io.BytesIO()
    book.save(buffer)
    page = officer.post(f"{base}/report/upload", data={"csrf_token": values["csrf_token"], "revision": "1"},
                        files={"file": ("filled.xlsx", buffer.getvalue(), "application/octet-stream")})
    assert page.status_code == 200 and "Черновик сохранён и проверен." in page.text, page.text[:3000]
    shown = form_values(page.text)
    assert [shown.get(f"t.{TABLE}.{n}.name") for n in (1, 2, 3)] == \
        ["ЕСЭДО (исправлено)", SECOND["name"], "Склад данных"]
    assert shown[f"t.{TABLE}.3.operation"] == "none" and shown[f"t.{TABLE}.1.late"] == "yes"


def test_a_row_is_removed_by_its_button(web_app, signed_in):
    campaign_id = _open_campaign(web_app)
    officer = signed_in("body", "ru")
    url = f"/campaigns/{campaign_id}/bodies/{OWN_BODY}/report"
    values = _two_rows(officer, url)
    removed = officer.post(url, data={**values, "remove_row": f"{TABLE}.1"})
    shown = form_values(removed.text)
    assert shown[f"t.{TABLE}.1.name"] == SECOND["name"] and f"t.{TABLE}.2.name" not in shown
    with store.transaction(web_app.state.sessions) as s:        # nothing saved by the row buttons
        assert drafts.get_draft(s, campaigns.get_campaign(s, campaign_id), OWN_BODY, USERS["body"]) is None


def test_ict_2015_table_follows_its_form_and_says_its_language():
    """App 1 Table 1 of ict-2015 follows the App 1 T1 section; the act has it in Kazakh only,
    so the Russian page shows the Kazakh names and says so."""
    from bagalau.engine import catalog
    from bagalau.web import report_tables
    compiled = catalog.load("ict-2015", "central")
    sections = [{"id": f"form-{n}", "form": form} for n, form in enumerate(["App 4", "WG", "App 1 T1", "App 1 T2"])]
    table = next(t for t in report_tables.view(compiled, sections, {}, "ru") if t["id"] == "app1_t1")
    assert table["after"] == "form-2" and table["other_language"] == "kk"
    assert table["rows"] == [{}] and not table["given"]         # one empty row to start with
    assert next(t for t in report_tables.view(compiled, sections, {}, "kk") if t["id"] == "app1_t1")[
        "other_language"] is None


def test_the_methodologist_sees_the_rows_without_row_buttons(web_app, signed_in):
    campaign_id = _open_campaign(web_app)
    officer = signed_in("body", "ru")
    url = f"/campaigns/{campaign_id}/bodies/{OWN_BODY}/report"
    values = _two_rows(officer, url)
    assert officer.post(url, data={**values, "action": "submit"}).status_code == 200
    page = signed_in("methodologist", "ru").get(url).text      # may read the report, not write it
    assert f'value="{SECOND["name"]}" readonly' in page and f'id="add-row-{TABLE}"' not in page
