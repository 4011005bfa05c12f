"""Problem details in the request's language (issue 10): ``detail`` and ``title`` follow
Accept-Language (kk, ru, en); without the header the API answers in English, as before; the
machine-readable ``type`` and ``status`` never change with the language."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from support.api import V1, make_app
from support.store import *  # noqa: F401,F403

UNKNOWN_TOKEN = {"Authorization": "Bearer not-a-token"}


@pytest.fixture
def client(db_url, tmp_path):
    with TestClient(make_app(db_url, tmp_path)) as client:
        yield client


@pytest.mark.parametrize("accept, lang, detail, title", [
    (None, "en", "the API token is unknown, expired or revoked", "Authentication required"),
    ("kk-KZ,kk;q=0.9,ru;q=0.8", "kk", "API токені белгісіз, мерзімі өткен немесе кері қайтарылған",
     "Аутентификация қажет"),
    ("ru", "ru", "токен API неизвестен, истёк или отозван", "Требуется аутентификация"),
    ("de, ru;q=0.5", "ru", "токен API неизвестен, истёк или отозван", "Требуется аутентификация"),
    ("de", "en", "the API token is unknown, expired or revoked", "Authentication required"),
])
def test_an_unknown_token_is_refused_in_the_asked_language(client, accept, lang, detail, title):
    headers = {**UNKNOWN_TOKEN, **({"Accept-Language": accept} if accept else {})}
    response = client.get(f"{V1}/tokens", headers=headers)
    assert response.status_code == 401
    body = response.json()
    assert body["type"] == "urn:bagalau:problem:unauthenticated" and body["status"] == 401
    assert body["detail"] == detail and body["title"] == title
    assert response.headers["content-language"] == lang


def test_a_message_without_a_catalog_entry_stays_english_and_says_so(client):
    """A 404 for a path the API does not have: Starlette's own words, not in the catalogs."""
    response = client.get(f"{V1}/no-such-thing", headers={"Accept-Language": "kk"})
    assert response.status_code == 404 and response.json()["title"] == "Табылмады"
    assert response.headers["content-language"] == "en"
