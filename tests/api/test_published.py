"""A final campaign's explanations are served to the public from memory after the
first reading (``bagalau.api.published``), with a strong ETag; nothing else is."""

from __future__ import annotations

from fastapi.testclient import TestClient

import time

from bagalau import store
from bagalau.api import published
from bagalau.api.published import Answer, PublishedAnswers
from bagalau.campaigns import accounts
from bagalau.store.accounts import ApiToken
from bagalau.store.models import Body, RunResult
from support.api import V1, bearer, ensure_user, make_app
from support.api_world import OTHER, OWN, open_campaign, users
from support.campaign import finished, representative
from support.store import *  # noqa: F401,F403


def _explanation(client, campaign, body, headers=None):
    return client.get(f"{V1}/campaigns/{campaign}/bodies/{body}/explanation", headers=headers or {})


def test_a_final_explanation_is_kept_and_revalidated_by_its_etag(factory, db_url, tmp_path):
    made = finished(factory)
    with TestClient(make_app(db_url, tmp_path)) as client:
        first = _explanation(client, made["campaign"], OWN)
        assert first.status_code == 200 and first.json()["body"] == OWN
        assert first.headers["cache-control"] == "public, max-age=300"
        etag = first.headers["etag"]
        answers = client.app.state.published
        assert answers.get(("explanation", str(made["campaign"]), None, OWN)) is not None

        again = _explanation(client, made["campaign"], OWN)
        assert again.content == first.content and again.headers["etag"] == etag
        unchanged = _explanation(client, made["campaign"], OWN, {"If-None-Match": etag})
        assert unchanged.status_code == 304 and unchanged.content == b""
        other_body = _explanation(client, made["campaign"], OTHER, {"If-None-Match": etag})
        assert other_body.status_code == 200 and other_body.headers["etag"] != etag


def test_the_kept_answer_is_what_the_store_holds(factory, db_url, tmp_path):
    """The memory holds the stored explanation byte for byte; a reader with a token, who always goes to
    the store, gets the same bytes."""
    made = finished(factory)
    ensure_user(factory, "admin", "administrator")
    with TestClient(make_app(db_url, tmp_path)) as client:
        public = _explanation(client, made["campaign"], OWN)
        staff = _explanation(client, made["campaign"], OWN, bearer(factory, "admin"))
        assert staff.status_code == 200 and staff.content == public.content
    with store.transaction(factory) as s:
        stored = s.query(RunResult).filter_by(body_code=OWN).order_by(RunResult.id.desc()).first()
        assert public.json()["explanation"] == stored.explanation


def test_a_revoked_token_is_refused_even_when_the_answer_is_kept(factory, db_url, tmp_path):
    made = finished(factory)
    headers = bearer(factory, representative(OWN))
    with TestClient(make_app(db_url, tmp_path)) as client:
        assert _explanation(client, made["campaign"], OWN).status_code == 200        # kept now
        assert _explanation(client, made["campaign"], OWN, headers).status_code == 200
        with store.transaction(factory) as s:
            for row in s.query(ApiToken).filter(ApiToken.revoked_at.is_(None)).all():
                accounts.revoke_token(s, row, "admin")
        assert _explanation(client, made["campaign"], OWN, headers).status_code == 401


def test_a_campaign_not_yet_final_is_never_kept(factory, db_url, tmp_path):
    ids = open_campaign(factory)
    headers = users(factory)
    with TestClient(make_app(db_url, tmp_path)) as client:
        own = _explanation(client, ids["c"], OWN, headers["body"])
        assert own.status_code == 200 and own.headers["cache-control"] == "private, no-cache"
        assert _explanation(client, ids["c"], OWN).status_code == 401          # the public: sign in
        assert _explanation(client, ids["c"], OTHER, headers["body"]).status_code == 404
        assert client.app.state.published.used == 0


def test_the_memory_keeps_within_its_budget_dropping_the_least_recently_read():
    answers = PublishedAnswers(budget_bytes=250)
    for key in "abc":
        answers.keep((key,), Answer.of(key.encode() * 100, final=True))
    assert answers.get(("a",)) is None and answers.get(("b",)) is not None and answers.used == 200
    answers.keep(("d",), Answer.of(b"d" * 100, final=True))       # drops c: b was read more recently
    assert answers.get(("c",)) is None and answers.get(("b",)) is not None
    answers.keep(("e",), Answer.of(b"e" * 1000, final=True))      # larger than the budget: not kept
    answers.keep(("f",), Answer.of(b"f", final=False))            # not final: not kept
    assert answers.get(("e",)) is None and answers.get(("f",)) is None and answers.used <= 250


def test_a_final_rating_is_kept_for_half_a_minute_and_a_renaming_shows_after(factory, db_url, tmp_path,
                                                                             monkeypatch):
    made = finished(factory)
    path = f"{V1}/campaigns/{made['campaign']}/rating"
    with TestClient(make_app(db_url, tmp_path)) as client:
        first = client.get(path)
        assert first.status_code == 200 and first.json()["final"] is True
        assert first.headers["cache-control"] == "public, max-age=30"
        assert client.get(path, headers={"If-None-Match": first.headers["etag"]}).status_code == 304
        with store.transaction(factory) as s:
            s.get(Body, OWN).name_ru = "Переименованный акимат"
        assert client.get(path).content == first.content                  # kept: within its 30 seconds
        later = time.monotonic() + published.RATING_SECONDS + 1
        monkeypatch.setattr(published.time, "monotonic", lambda: later)
        renamed = client.get(path).json()
        assert {row["name_ru"] for row in renamed["rating"] if row["body"] == OWN} == {"Переименованный акимат"}
        assert renamed["rating"] == [
            {**row, **({"name": "Переименованный акимат", "name_ru": "Переименованный акимат"}
                       if row["body"] == OWN else {})} for row in first.json()["rating"]]


def test_a_provisional_rating_is_for_staff_and_never_kept(factory, db_url, tmp_path):
    ids = open_campaign(factory)
    headers = users(factory)
    path = f"{V1}/campaigns/{ids['c']}/rating"
    with TestClient(make_app(db_url, tmp_path)) as client:
        staff = client.get(path, headers=headers["evaluator"])
        assert staff.status_code == 200 and staff.json()["final"] is False
        assert staff.headers["cache-control"] == "private, no-cache"
        assert client.get(path).status_code == 401 and client.app.state.published.used == 0
