"""The rating page: provisional for the staff, final for everyone; sortable; grade
bands named; charts as server-drawn SVG (with the change against the previous
campaign); downloads as CSV, XLSX and JSON; and each body's official documents."""

from __future__ import annotations

import csv
import io
import json
import re

from openpyxl import load_workbook

from bagalau import campaigns, store
from support.campaign import EVALUATOR, at, build, step
from support.web import *  # noqa: F401,F403


def _demo_id(web_app) -> int:
    with store.transaction(web_app.state.sessions) as s:
        return campaigns.get_campaign(s, "demo-it-2012-1").id


def _totals(html: str) -> list[str]:
    return re.findall(r'<td class="num total"><strong>([^<]+)</strong>', html)


def test_final_rating_is_public_sortable_with_bands_and_charts(client, web_app):
    campaign_id = _demo_id(web_app)
    page = client.get(f"/campaigns/{campaign_id}/rating")
    assert page.status_code == 200 and "Түпкілікті рейтинг" in page.text       # Kazakh by default
    html = page.text
    assert html.count('<tr class="band-') == 17 and 'aria-sort="ascending"' in html
    assert "ең жоғары балдың" in html                       # 2012 has no grade scale: bands by share, said so
    for chart in ("chart-totals", "chart-breakdown"):
        figure = html[html.index(f'id="{chart}"'):]
        assert figure.index('<svg role="img" aria-label="') < figure.index("</figure>")
    by_rank = _totals(html)
    by_total = _totals(client.get(f"/campaigns/{campaign_id}/rating?sort=total&order=asc").text)
    assert sorted(by_rank, key=lambda t: float(t.replace(",", ".").replace("\xa0", ""))) == by_total
    assert by_rank != by_total


def test_downloads_match_the_table(client, web_app):
    campaign_id = _demo_id(web_app)
    shown = _totals(client.get(f"/campaigns/{campaign_id}/rating", headers={"Accept-Language": "en"}).text)
    rows = list(csv.DictReader(io.StringIO(client.get(f"/campaigns/{campaign_id}/rating.csv").text)))
    assert [row["total"] for row in rows] == shown
    document = json.loads(client.get(f"/campaigns/{campaign_id}/rating.json").content)
    assert document["final"] is True and [r["total"] for r in document["rows"]] == shown
    workbook = client.get(f"/campaigns/{campaign_id}/rating.xlsx")
    assert workbook.headers["content-disposition"].startswith("attachment")
    assert load_workbook(io.BytesIO(workbook.content)).sheetnames[0] == "Рейтинг"


def test_provisional_rating_for_the_staff_only_and_the_change_chart(web_app, signed_in, client):
    previous = _demo_id(web_app)
    factory = web_app.state.sessions
    campaign_id, _ = build(factory, until="verification", name="web-rating-next", previous=previous)
    step(factory, campaign_id, lambda s, c: campaigns.run_scoring(s, c, EVALUATOR, at=at(3, 13)))
    anonymous = client.get(f"/campaigns/{campaign_id}/rating", follow_redirects=False)
    assert anonymous.status_code == 303 and anonymous.headers["location"].startswith("/login")
    page = signed_in("evaluator", "ru").get(f"/campaigns/{campaign_id}/rating")
    assert page.status_code == 200 and "Предварительный рейтинг" in page.text
    assert 'id="chart-change"' in page.text and "demo-it-2012-1" in page.text
    assert signed_in("body", "ru").get(f"/campaigns/{campaign_id}/rating").status_code in (403, 404)


def test_a_body_finds_its_conclusion_in_kazakh_and_russian(web_app, signed_in):
    campaign_id = _demo_id(web_app)
    officer = signed_in("body", "kk")
    page = officer.get(f"/campaigns/{campaign_id}/bodies/{OWN_BODY}/documents")
    assert page.status_code == 200 and "Қорытынды түпкілікті." in page.text
    base = f"/campaigns/{campaign_id}/bodies/{OWN_BODY}/documents/conclusion"
    for lang in ("kk", "ru"):
        assert f'href="{base}.{lang}.pdf"' in page.text and f'href="{base}.{lang}.docx"' in page.text
    pdf = officer.get(f"{base}.kk.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF") and \
        pdf.headers["content-disposition"].startswith("attachment")
    docx = officer.get(f"{base}.ru.docx")
    assert docx.status_code == 200 and docx.content.startswith(b"PK")
    assert officer.get(f"/campaigns/{campaign_id}/bodies/aktobe/documents").status_code == 404
