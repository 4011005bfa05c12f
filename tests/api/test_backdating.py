"""No backdating through the API: the server's clock dates every step (its time of record, and so
the day every deadline is checked against). A client's `on` may only repeat the server's today: a
date inside a window that has closed, or past one still open, is refused (422, naming the field)
and nothing is written; the audit chain stamps the real time of writing whatever day is recorded."""

from __future__ import annotations

import json
from datetime import date, datetime, timezone

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from bagalau import store
from bagalau.store.models import AuditEntry, Objection
from support.api import V1, make_app
from support.api_world import OWN, PDF, open_campaign, users
from support.store import *  # noqa: F401,F403

# open_campaign sends the draft conclusions on 2013-05-31: OWN may object until 2013-06-07 (5 working days)


def objections(factory) -> int:
    with store.transaction(factory) as s:
        return s.execute(select(func.count()).select_from(Objection)).scalar()


def test_a_late_objection_cannot_be_dated_back_into_the_window(factory, db_url, tmp_path):
    ids = open_campaign(factory)
    officer = users(factory)["body"]
    url = f"{V1}/campaigns/{ids['c']}/bodies/{OWN}/objections"
    files = [("files", ("plan.pdf", PDF, "application/pdf"))]
    before = objections(factory)
    with TestClient(make_app(db_url, tmp_path)) as client:
        client.app.state.today = date(2013, 6, 20)                   # the window closed on 7 June
        backdated = client.post(url, data={"text": "late", "on": "2013-06-03"}, files=files, headers=officer)
        assert backdated.status_code == 422, backdated.text
        problem = backdated.json()
        assert problem["errors"][0]["field"] == "on"
        assert "2013-06-03 is not today (2013-06-20)" in problem["detail"]
        assert objections(factory) == before                          # nothing was written
        late = client.post(url, data={"text": "late"}, files=files, headers=officer)
        assert late.status_code == 422 and "deadline" in late.json()["detail"]      # the server's day decides
        assert "2013-06-07" in late.json()["detail"] and late.json().get("errors") is None
        assert objections(factory) == before


def test_no_step_can_be_dated_ahead_or_back(factory, db_url, tmp_path):
    ids = open_campaign(factory)
    headers = users(factory)
    c = f"{V1}/campaigns/{ids['c']}"
    with TestClient(make_app(db_url, tmp_path)) as client:
        client.app.state.today = date(2013, 6, 5)                    # inside the objection window
        attempts = [
            ("evaluator", f"{c}/finalise", {"on": "2013-06-12"}),    # ahead, past the window still open
            ("evaluator", f"{c}/advance", {"on": "2013-06-12"}),
            ("commission", f"{c}/objections/{ids['o']}/decision",
             {"outcome": "rejected", "reasoning": "x", "on": "2013-06-04"}),
            ("evaluator", f"{c}/facts", {"body": OWN, "input": "app2_g1", "verified": 1, "document": "act",
                                         "on": "2013-04-10"}),
            ("evaluator", f"{c}/bodies/{OWN}/commission", {"members": ["x"], "on": "2013-06-01"}),
            ("body", f"{c}/bodies/{OWN}/plan", {"actions": [{"action": "a", "responsible": "r", "deadline": "2013-09-30"}],
                                                 "on": "2014-01-01"}),
            ("evaluator", f"{c}/conclusions/drafts", {"on": "2013-05-01"}),
        ]
        for role, url, body in attempts:
            response = client.post(url, json=body, headers=headers[role])
            assert response.status_code == 422, f"{url}: {response.status_code} {response.text}"
            assert response.json()["errors"][0]["field"] == "on", url
        today = client.post(f"{c}/objections/{ids['o']}/decision", headers=headers["commission"],
                            json={"outcome": "rejected", "reasoning": "x", "on": "2013-06-05"})
        assert today.status_code == 201, today.text                  # repeating the server's day is fine
        assert today.json()["decision"]["decided_at"].startswith("2013-06-05")


def test_the_audit_chain_stamps_the_real_time_of_writing(factory, db_url, tmp_path):
    ids = open_campaign(factory)
    headers = users(factory)
    started = datetime.now(timezone.utc)
    with TestClient(make_app(db_url, tmp_path)) as client:
        client.app.state.today = date(2013, 6, 5)
        decided = client.post(f"{V1}/campaigns/{ids['c']}/objections/{ids['o']}/decision",
                              headers=headers["commission"], json={"outcome": "rejected", "reasoning": "x"})
        assert decided.status_code == 201, decided.text
    with store.transaction(factory) as s:
        entry = s.execute(select(AuditEntry).where(AuditEntry.action == "objection.decide")).scalar_one()
        stamped = datetime.fromisoformat(entry.timestamp)
        assert started <= stamped <= datetime.now(timezone.utc)       # when it was written, not the day recorded
        assert json.loads(entry.payload)["effective"].startswith("2013-06-05")
