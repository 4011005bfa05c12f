"""Authentication: password login with a session cookie (HttpOnly, SameSite=Lax,
Secure over TLS, a new id on every login), CSRF on cookie-authenticated unsafe
methods, personal API tokens (hashed, expiring, revocable), the login rate
limit and lock-out into the audit chain, and one-time setup links."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from bagalau import store
from bagalau.campaigns import accounts
from bagalau.store import audit
from support.api import PASSWORD, V1, bearer, ensure_user, login, make_app, token_for
from support.store import *  # noqa: F401,F403


@pytest.fixture
def client(factory, db_url, tmp_path):
    ensure_user(factory, "admin", "administrator", password=PASSWORD)
    with TestClient(make_app(db_url, tmp_path)) as client:
        yield client


def test_login_sets_a_safe_cookie_and_a_new_session_id_every_time(client, factory):
    client.cookies.set("bagalau_session", "planted-by-an-attacker")
    first = client.post(f"{V1}/auth/login", json={"name": "admin", "password": PASSWORD})
    assert first.status_code == 200
    cookie = first.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie.replace("Lax", "lax") and "Secure" not in cookie
    key1 = first.cookies["bagalau_session"]
    assert key1 != "planted-by-an-attacker"
    assert client.get(f"{V1}/auth/session").json()["user"] == "admin"
    second = client.post(f"{V1}/auth/login", json={"name": "admin", "password": PASSWORD})
    key2 = second.cookies["bagalau_session"]
    assert key2 != key1
    # the session before the new login no longer signs anyone in
    other = TestClient(client.app)
    other.cookies.set("bagalau_session", key1)
    assert other.get(f"{V1}/auth/session").json()["user"] is None
    with store.transaction(factory) as s:
        rows = list(s.execute(select(store.AuthSession)).scalars())
        assert {r.key_hash for r in rows} == {accounts.digest(key1), accounts.digest(key2)}   # only hashes


def test_cookie_is_secure_over_tls(factory, db_url, tmp_path):
    ensure_user(factory, "admin", "administrator", password=PASSWORD)
    with TestClient(make_app(db_url, tmp_path), base_url="https://testserver") as client:
        response = client.post(f"{V1}/auth/login", json={"name": "admin", "password": PASSWORD})
        assert "Secure" in response.headers["set-cookie"]


def test_unsafe_methods_with_the_cookie_need_the_csrf_token(client):
    info = login(client, "admin")
    body = {"name": "new-user", "role": "observer"}
    refused = client.post(f"{V1}/users", json=body)
    assert refused.status_code == 403 and refused.headers["content-type"] == "application/problem+json"
    assert "CSRF" in refused.json()["detail"]
    wrong = client.post(f"{V1}/users", json=body, headers={"X-CSRF-Token": "guess"})
    assert wrong.status_code == 403
    ok = client.post(f"{V1}/users", json=body, headers={"X-CSRF-Token": info["csrf_token"]})
    assert ok.status_code == 201 and ok.json()["setup_link"].startswith("http://127.0.0.1:8000/setup#")
    # safe methods need no token
    assert client.get(f"{V1}/users").status_code == 200
    # a login posted from another site is refused
    assert client.post(f"{V1}/auth/login", json={"name": "admin", "password": PASSWORD},
                       headers={"Origin": "https://evil.example"}).status_code == 403


def test_tokens_are_hashed_expire_and_can_be_revoked(client, factory):
    info = login(client, "admin")
    created = client.post(f"{V1}/tokens", json={"name": "script", "days": 7},
                          headers={"X-CSRF-Token": info["csrf_token"]})
    assert created.status_code == 201
    secret = created.json()["token"]
    program = TestClient(client.app)
    auth = {"Authorization": f"Bearer {secret}"}
    assert program.get(f"{V1}/auth/session", headers=auth).json() == {
        "user": "admin", "role": "administrator", "body": None, "via": "token", "csrf_token": None,
        "expires_at": None}
    # a bearer token needs no CSRF token
    assert program.post(f"{V1}/users", json={"name": "u2", "role": "observer"}, headers=auth).status_code == 201
    with store.transaction(factory) as s:
        row = s.execute(select(store.ApiToken).where(store.ApiToken.id == created.json()["id"])).scalar_one()
        assert row.token_hash == accounts.digest(secret) and secret not in json.dumps(
            [e.payload for e in audit.entries(s)])
    assert program.delete(f"{V1}/tokens/{created.json()['id']}", headers=auth).status_code == 204
    revoked = program.get(f"{V1}/auth/session", headers=auth)
    assert revoked.status_code == 401 and "revoked" in revoked.json()["detail"]
    # an expired token is refused too
    old = token_for(factory, "admin", days=1)
    with store.transaction(factory) as s:
        row = s.execute(select(store.ApiToken).where(store.ApiToken.token_hash == accounts.digest(old))).scalar_one()
        row.expires_at = row.created_at - timedelta(seconds=1)
    assert program.get(f"{V1}/auth/session", headers={"Authorization": f"Bearer {old}"}).status_code == 401
    with store.transaction(factory) as s:
        assert [e.action for e in audit.entries(s) if e.action.startswith("token.")] == [
            "token.create", "token.revoke", "token.create"]


def test_another_users_token_cannot_be_revoked(client, factory):
    ensure_user(factory, "obs", "observer")
    theirs = client.post(f"{V1}/tokens", json={"name": "x"}, headers=bearer(factory, "admin")).json()
    assert client.delete(f"{V1}/tokens/{theirs['id']}", headers=bearer(factory, "obs")).status_code == 404
    assert client.get(f"{V1}/tokens", params={"user": "admin"}, headers=bearer(factory, "obs")).status_code == 404


def test_failed_logins_lock_the_account_and_the_lockout_is_audited(client, factory):
    for _ in range(accounts.LOCK_AFTER - 1):
        assert client.post(f"{V1}/auth/login", json={"name": "admin", "password": "wrong"}).status_code == 401
    locked = client.post(f"{V1}/auth/login", json={"name": "admin", "password": "wrong"})
    assert locked.status_code == 429 and "locked until" in locked.json()["detail"]
    # even the right password is refused while locked
    assert client.post(f"{V1}/auth/login", json={"name": "admin", "password": PASSWORD}).status_code == 429
    with store.transaction(factory) as s:
        lockouts = [e for e in audit.entries(s) if e.action == "account.lockout"]
        assert [e.entity for e in lockouts] == ["user:admin"]
        assert audit.verify_chain(s).ok


def test_login_attempts_are_rate_limited_per_client(factory, db_url, tmp_path):
    app = make_app(db_url, tmp_path, login_limits_per_client=("3/minute",), login_limits_per_name=("100/minute",))
    with TestClient(app) as client:
        codes = [client.post(f"{V1}/auth/login", json={"name": f"nobody{i}", "password": "x"}).status_code
                 for i in range(4)]
        assert codes == [401, 401, 401, 429]
        limited = client.post(f"{V1}/auth/login", json={"name": "nobody", "password": "x"})
        assert int(limited.headers["Retry-After"]) >= 1
        assert limited.headers["content-type"] == "application/problem+json"


def test_an_unknown_name_and_a_wrong_password_read_alike(client):
    a = client.post(f"{V1}/auth/login", json={"name": "admin", "password": "wrong"}).json()
    b = client.post(f"{V1}/auth/login", json={"name": "nobody", "password": "wrong"}).json()
    assert a["detail"] == b["detail"] == "wrong user name or password"


def test_a_setup_link_sets_the_first_password_once(client, factory):
    ensure_user(factory, "newbie", "observer")
    with store.transaction(factory) as s:
        secret = accounts.create_setup_token(s, s.execute(select(store.User).where(
            store.User.name == "newbie")).scalar_one(), "test")
    short = client.post(f"{V1}/auth/setup", json={"token": secret, "password": "short"})
    assert short.status_code == 422 and "at least 12 characters" in short.json()["detail"]
    assert client.post(f"{V1}/auth/setup", json={"token": secret, "password": "a long enough pass"}).status_code == 200
    assert client.post(f"{V1}/auth/setup", json={"token": secret, "password": "another long pass"}).status_code == 401
    login(client, "newbie", "a long enough pass")


def test_logout_ends_the_session(client):
    info = login(client, "admin")
    assert client.post(f"{V1}/auth/logout", headers={"X-CSRF-Token": info["csrf_token"]}).status_code == 204
    assert client.get(f"{V1}/auth/session").json()["user"] is None
