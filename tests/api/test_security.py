"""Security of the campaign API: uploads (a `../` name, HTML however it is
labelled, oversize: refused or defused, nothing stored), downloads that a
browser never renders, CSRF on cookie-authenticated unsafe requests (JSON and
multipart), a revoked token on the new resources, and login rate limits and
session fixation on the same application (see also test_auth.py)."""

from __future__ import annotations

import hashlib

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from bagalau import store
from bagalau.campaigns import accounts
from bagalau.store.files import Evidence, EvidenceFile
from support.api import PASSWORD, V1, ensure_user, login, make_app, token_for
from support.campaign import EVALUATOR, TWO, build
from support.store import *  # noqa: F401,F403

PDF = b"%PDF-1.4\n%%EOF\n"
MARKUP = [
    ("report.pdf", b"<!DOCTYPE html><html><script>alert(1)</script></html>", "application/pdf"),
    ("notes.txt", b"hello\n<script>alert(document.cookie)</script>\n", "text/plain"),
    ("image.png", b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>", "image/png"),
    ("page.html", b"<html><body>hi</body></html>", "text/html"),
]


@pytest.fixture
def api(factory, db_url, tmp_path):
    campaign_id, _ = build(factory, codes=TWO)           # in verification: facts may be recorded
    with store.transaction(factory) as s:
        from bagalau import campaigns
        from support.campaign import _claimed, raw_inputs, document
        c = campaigns.get_campaign(s, campaign_id)
        fact = campaigns.add_fact(s, c, "akmola", _claimed(raw_inputs(document(), "akmola")), False, "act",
                                  EVALUATOR)
        fact_id = fact.id
    with store.transaction(factory) as s:            # the demo evaluator signs in with a password too
        accounts.set_password(s, s.execute(select(store.User).where(store.User.name == EVALUATOR)).scalar_one(),
                              PASSWORD, "test")
    app = make_app(db_url, tmp_path, max_upload_bytes=4096)
    with TestClient(app) as client:
        client.evidence_dir = tmp_path / "evidence"
        client.url = f"{V1}/campaigns/{campaign_id}/facts/{fact_id}/evidence"
        client.campaign_id = campaign_id
        yield client


def stored(factory) -> tuple[int, int]:
    with store.transaction(factory) as s:
        return (s.execute(select(func.count()).select_from(Evidence)).scalar(),
                s.execute(select(func.count()).select_from(EvidenceFile)).scalar())


def files_on_disk(folder) -> list:
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


def test_a_traversal_name_is_only_ever_shown(api, factory):
    headers = {"Authorization": f"Bearer {token_for(factory, EVALUATOR)}"}
    for name in ("../../../etc/cron.d/evil.pdf", "..\\..\\windows\\evil.pdf", "/etc/passwd", "..", "a\x00b.pdf"):
        answer = api.post(api.url, headers=headers, files={"file": (name, PDF, "application/pdf")})
        assert answer.status_code == 201, (name, answer.text)
        shown = answer.json()["filename"]
        assert "/" not in shown and "\\" not in shown and "\x00" not in shown and shown not in ("", "..", ".")
        download = api.get(f"{V1}/campaigns/{api.campaign_id}/evidence/{answer.json()['id']}", headers=headers)
        disposition = download.headers["content-disposition"]
        assert disposition.startswith("attachment;") and "/" not in disposition.split("filename*")[0]
    sha = hashlib.sha256(PDF).hexdigest()
    assert files_on_disk(api.evidence_dir) == [api.evidence_dir / sha[:2] / sha]    # one file, by its hash
    assert stored(factory) == (5, 1)


@pytest.mark.parametrize("name, content, claimed", MARKUP)
def test_html_is_refused_however_it_is_labelled(api, factory, name, content, claimed):
    headers = {"Authorization": f"Bearer {token_for(factory, EVALUATOR)}"}
    answer = api.post(api.url, headers=headers, files={"file": (name, content, claimed)})
    assert answer.status_code == 415 and answer.headers["content-type"] == "application/problem+json"
    assert stored(factory) == (0, 0) and files_on_disk(api.evidence_dir) == []


def test_oversize_is_refused_before_anything_is_stored(api, factory):
    headers = {"Authorization": f"Bearer {token_for(factory, EVALUATOR)}"}
    answer = api.post(api.url, headers=headers, files={"file": ("big.pdf", PDF + b"0" * 5000, "application/pdf")})
    assert answer.status_code == 413 and "larger than" in answer.json()["detail"]
    assert stored(factory) == (0, 0) and files_on_disk(api.evidence_dir) == []


def test_downloads_are_never_rendered(api, factory):
    headers = {"Authorization": f"Bearer {token_for(factory, EVALUATOR)}"}
    text = b"plain evidence, no markup\n"
    made = api.post(api.url, headers=headers, files={"file": ("note.txt", text, "text/html")}).json()
    assert made["media_type"] == "text/plain"               # from the content, not from the client's word
    download = api.get(f"{V1}/campaigns/{api.campaign_id}/evidence/{made['id']}", headers=headers)
    assert download.content == text
    assert download.headers["content-disposition"].startswith("attachment")
    assert download.headers["x-content-type-options"] == "nosniff"
    assert "sandbox" in download.headers["content-security-policy"]
    assert download.headers["content-type"].startswith("text/plain")


def test_cookie_requests_need_the_csrf_token_json_and_multipart(api, factory):
    info = login(api, EVALUATOR)
    body = {"body": "aktobe", "input": "app2_g1", "verified": 1, "document": "act"}
    assert api.post(f"{V1}/campaigns/{api.campaign_id}/facts/preview", json=body).status_code == 403
    assert api.post(api.url, files={"file": ("a.pdf", PDF, "application/pdf")}).status_code == 403
    assert stored(factory) == (0, 0)
    # the token in the form field (plain HTML forms) or the header
    ok = api.post(api.url, files={"file": ("a.pdf", PDF, "application/pdf")}, data={"csrf_token": info["csrf_token"]})
    assert ok.status_code == 201
    assert api.post(f"{V1}/campaigns/{api.campaign_id}/facts/preview", json=body,
                    headers={"X-CSRF-Token": info["csrf_token"]}).status_code == 200


def test_a_revoked_token_reads_nothing_more(api, factory):
    secret = token_for(factory, EVALUATOR)
    headers = {"Authorization": f"Bearer {secret}"}
    url = f"{V1}/campaigns/{api.campaign_id}/bodies/akmola/submissions"
    assert api.get(url, headers=headers).status_code == 200
    with store.transaction(factory) as s:
        row = s.execute(select(store.ApiToken).where(store.ApiToken.token_hash == accounts.digest(secret))).scalar_one()
        accounts.revoke_token(s, row, "test")
    refused = api.get(url, headers=headers)
    assert refused.status_code == 401 and "revoked" in refused.json()["detail"]


def test_login_is_rate_limited_and_every_login_is_a_new_session(factory, db_url, tmp_path):
    ensure_user(factory, "someone", "observer", password=PASSWORD)
    app = make_app(db_url, tmp_path, login_limits_per_client=("5/minute",), login_limits_per_name=("100/minute",))
    with TestClient(app) as client:
        client.cookies.set("bagalau_session", "fixed-by-an-attacker")
        keys = []
        for _ in range(2):
            answer = client.post(f"{V1}/auth/login", json={"name": "someone", "password": PASSWORD})
            assert answer.status_code == 200
            keys.append(answer.cookies["bagalau_session"])
        assert "fixed-by-an-attacker" not in keys and keys[0] != keys[1]
        codes = [client.post(f"{V1}/auth/login", json={"name": "someone", "password": "wrong"}).status_code
                 for _ in range(4)]
        assert codes[:3] == [401, 401, 401] and codes[3] == 429
