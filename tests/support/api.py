"""Builders for API tests: an application on a test store, users with tokens or
passwords, and signed-in clients."""

from __future__ import annotations

from fastapi.testclient import TestClient

from bagalau import campaigns, store
from bagalau.api import Settings, create_app
from bagalau.campaigns import accounts

V1 = "/api/v1"
PASSWORD = "correct horse battery staple"


def make_app(db_url: str, tmp_path, **settings):
    settings.setdefault("jobs", "inline")
    return create_app(Settings(database_url=db_url, evidence_dir=tmp_path / "evidence", upgrade_sqlite=False,
                               **settings))


def ensure_user(factory, name: str, role: str, body: str | None = None, password: str | None = None):
    with store.transaction(factory) as s:
        user = campaigns.add_user(s, name, role, body)
        if password is not None:
            accounts.set_password(s, user, password, "test")
        return user.id


def token_for(factory, name: str, days: int = 30) -> str:
    with store.transaction(factory) as s:
        return accounts.create_token(s, campaigns.get_user(s, name), "tests", days, "test").secret


def bearer(factory, name: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token_for(factory, name)}"}


def login(client: TestClient, name: str, password: str = PASSWORD) -> dict:
    response = client.post(f"{V1}/auth/login", json={"name": name, "password": password})
    assert response.status_code == 200, response.text
    return response.json()
