"""Verification by the evaluator: a what-if preview of an unreliable fact (nothing
written), then the fact recorded with its evidence file, then a scoring run."""

from __future__ import annotations

import re
from datetime import date

from bagalau import campaigns, store
from bagalau.store.files import Evidence
from support.campaign import build
from support.web import *  # noqa: F401,F403
from support.web_forms import form_values


def _verifying(web_app) -> int:
    campaign_id, _ = build(web_app.state.sessions, until="verification", name="web-verify")
    web_app.state.today = date(2013, 3, 12)
    return campaign_id


def test_preview_then_record_with_evidence_then_score(web_app, signed_in):
    campaign_id = _verifying(web_app)
    evaluator = signed_in("evaluator", "ru")
    base = f"/campaigns/{campaign_id}/bodies/{OWN_BODY}/verification"
    page = evaluator.get(base)
    assert page.status_code == 200 and 'hx-post="%s/preview" hx-trigger="change"' % base in page.text
    token = form_values(page.text)["csrf_token"]
    with store.transaction(web_app.state.sessions) as s:
        c = campaigns.get_campaign(s, campaign_id)
        reported = campaigns.latest_submission(s, c, OWN_BODY).values["app1_r1_d1"]
        assert reported is True
    preview = evaluator.post(f"{base}/preview", data={"csrf_token": token, "input": "app1_r1_d1", "verified": "нет"},
                             headers={"HX-Request": "true"})
    assert preview.status_code == 200 and "<html" not in preview.text          # a fragment for htmx
    before, after = re.search(r'Итоговый балл: <strong>([\d,]+)</strong> → <strong class="after">([\d,]+)</strong>',
                              preview.text).groups()
    assert float(before.replace(",", ".")) - float(after.replace(",", ".")) == 1.0     # 1.1 weighs 1 point
    assert "1.1 " in preview.text
    with store.transaction(web_app.state.sessions) as s:
        assert campaigns.active_facts(s, campaigns.get_campaign(s, campaign_id)) == []     # nothing written
    done = evaluator.post(base, data={"csrf_token": token, "input": "app1_r1_d1", "verified": "нет",
                                      "document": "Акт проверки № 5"},
                          files={"file": ("act.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF\n", "application/pdf")})
    assert done.status_code == 200 and "Факт записан." in done.text and "act.pdf" in done.text
    with store.transaction(web_app.state.sessions) as s:
        facts = campaigns.active_facts(s, campaigns.get_campaign(s, campaign_id))
        assert [(f.input_id, f.verified_value) for f in facts] == [("app1_r1_d1", False)]
        assert s.query(Evidence).filter(Evidence.fact_id == facts[0].id).count() == 1
    scored = evaluator.post(f"/campaigns/{campaign_id}/step", data={"csrf_token": token, "step": "score"})
    assert scored.status_code == 200
    with store.transaction(web_app.state.sessions) as s:
        c = campaigns.get_campaign(s, campaign_id)
        run = campaigns.latest_run(s, c)
        assert c.state == "scored" and next(r.total_rounded for r in run.results if r.body_code == OWN_BODY) == \
            after.replace(",", ".")


def test_a_refused_fact_is_said_and_nothing_is_stored(web_app, signed_in):
    campaign_id = _verifying(web_app)
    evaluator = signed_in("evaluator", "kk")
    base = f"/campaigns/{campaign_id}/bodies/{OWN_BODY}/verification"
    token = form_values(evaluator.get(base).text)["csrf_token"]
    refused = evaluator.post(base, data={"csrf_token": token, "input": "app1_r1_d1", "verified": "жоқ",
                                         "document": " "})
    assert refused.status_code == 409 and "Қадам орындалмады: Факт негізделген құжатты көрсетіңіз." in refused.text
    html_file = evaluator.post(base, data={"csrf_token": token, "input": "app1_r1_d1", "verified": "жоқ",
                                           "document": "act"},
                               files={"file": ("x.pdf", b"<html><script>alert(1)</script></html>", "application/pdf")})
    assert html_file.status_code == 422
    with store.transaction(web_app.state.sessions) as s:
        assert campaigns.active_facts(s, campaigns.get_campaign(s, campaign_id)) == []


def test_a_body_officer_cannot_record_facts(web_app, signed_in):
    campaign_id = _verifying(web_app)
    officer = signed_in("body", "ru")
    page = officer.get(f"/campaigns/{campaign_id}/bodies/{OWN_BODY}/verification")
    assert page.status_code == 200 and 'id="fact-form"' not in page.text
    token = form_values(page.text)["csrf_token"]
    refused = officer.post(f"/campaigns/{campaign_id}/bodies/{OWN_BODY}/verification",
                           data={"csrf_token": token, "input": "app1_r1_d1", "verified": "no", "document": "x"})
    assert refused.status_code in (403, 404)
