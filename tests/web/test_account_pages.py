"""Sign in, sign out and change the password through the pages; the session
cookie and CSRF are the API's."""

from __future__ import annotations

import pytest

from support.web import *  # noqa: F401,F403


@pytest.mark.parametrize("lang, sign_in, wrong", [("kk", "Кіру", "Пайдаланушы аты немесе құпиясөз қате."),
                                                   ("ru", "Войти", "Неверное имя пользователя или пароль."),
                                                   ("en", "Sign in", "Wrong user name or password.")])
def test_login_page_in_each_language(client, lang, sign_in, wrong):
    client.cookies.set("bagalau_lang", lang)
    page = client.get("/login")
    assert page.status_code == 200
    assert f'<html lang="{lang}">' in page.text and sign_in in page.text
    assert '<label for="name">' in page.text and '<label for="password">' in page.text
    assert 'class="skip-link" href="#main"' in page.text
    refused = client.post("/login", data={"name": USERS["body"], "password": "not the password"})
    assert refused.status_code == 401 and wrong in refused.text
    assert "bagalau_session" not in refused.headers.get("set-cookie", "")


def test_login_redirects_back_and_logout_needs_the_csrf_token(client):
    client.cookies.set("bagalau_lang", "ru")
    assert client.get("/account/password", follow_redirects=False).headers["location"] == \
        "/login?next=/account/password"
    response = client.post("/login", data={"name": USERS["body"], "password": PASSWORD,
                                           "next": "/account/password"}, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/account/password"
    assert "HttpOnly" in response.headers["set-cookie"]
    home = client.get("/")
    assert USERS["body"] in home.text and "Сотрудник органа" in home.text
    # the API sees the same session
    assert client.get("/api/v1/auth/session").json()["user"] == USERS["body"]
    refused = client.post("/logout")                                   # no CSRF token
    assert refused.status_code == 403 and "text/html" in refused.headers["content-type"]
    assert client.get("/api/v1/auth/session").json()["user"] == USERS["body"]
    token = client.get("/api/v1/auth/session").json()["csrf_token"]
    out = client.post("/logout", data={"csrf_token": token}, follow_redirects=False)
    assert out.status_code == 303
    assert client.get("/api/v1/auth/session").json()["user"] is None


def test_login_from_another_site_is_refused(client):
    response = client.post("/login", data={"name": USERS["body"], "password": PASSWORD},
                           headers={"Origin": "https://evil.example"})
    assert response.status_code == 403
    assert client.get("/api/v1/auth/session").json()["user"] is None


def test_a_new_session_id_on_every_login(client):
    client.cookies.set("bagalau_session", "planted-by-an-attacker")
    first = form_login(client, USERS["body"]).cookies["bagalau_session"]
    assert first != "planted-by-an-attacker"
    second = form_login(client, USERS["body"]).cookies["bagalau_session"]
    assert second != first


def test_password_change(signed_in, client):
    officer = signed_in("body", "ru")
    token = officer.get("/api/v1/auth/session").json()["csrf_token"]
    form = {"csrf_token": token, "current_password": "wrong password!", "new_password": "short",
            "repeat_password": "other"}
    refused = officer.post("/account/password", data=form)
    assert refused.status_code == 422
    assert "не менее 12 символов" in refused.text and "не совпадают" in refused.text
    assert 'aria-invalid="true"' in refused.text and 'aria-describedby="new_password-hint new_password-error"' \
        in refused.text
    form.update(new_password="a new long passphrase", repeat_password="a new long passphrase")
    wrong = officer.post("/account/password", data=form)
    assert wrong.status_code == 422 and "Текущий пароль неверен." in wrong.text
    form["current_password"] = PASSWORD
    done = officer.post("/account/password", data=form)
    assert done.status_code == 200 and "Пароль изменён" in done.text
    assert officer.get("/api/v1/auth/session").json()["user"] == USERS["body"]   # this browser stays in
    client.post("/login", data={"name": USERS["body"], "password": PASSWORD})
    assert client.get("/api/v1/auth/session").json()["user"] is None
    form_login(client, USERS["body"], "a new long passphrase")


def test_errors_of_pages_are_pages_and_of_the_api_problems(client):
    client.cookies.set("bagalau_lang", "kk")
    page = client.get("/no-such-page")
    assert page.status_code == 404 and "text/html" in page.headers["content-type"]
    assert "Табылмады" in page.text and '<html lang="kk">' in page.text
    api = client.get("/api/v1/no-such-resource")
    assert api.status_code == 404 and api.headers["content-type"] == "application/problem+json"


def test_htmx_is_served_from_the_package(client):
    response = client.get("/static/htmx.min.js")
    assert response.status_code == 200 and 'version:"2.' in response.text
    assert "https://" not in client.get("/login").text.split("<body")[0]      # no CDN in the head


def test_setup_link_page_sets_the_first_password(client, web_app):
    from bagalau import campaigns, store
    from bagalau.campaigns import accounts

    with store.transaction(web_app.state.sessions) as s:
        user = campaigns.add_user(s, "New officer", "body", OWN_BODY)
        secret = accounts.create_setup_token(s, user, "test")
    client.cookies.set("bagalau_lang", "ru")
    page = client.get("/setup")
    assert page.status_code == 200 and "Установите пароль" in page.text and "location.hash" in page.text
    short = client.post("/setup", data={"token": secret, "new_password": "short", "repeat_password": "short"})
    assert short.status_code == 422 and "не менее 12 символов" in short.text
    wrong = client.post("/setup", data={"token": "not-a-token", "new_password": "a long new password",
                                        "repeat_password": "a long new password"})
    assert wrong.status_code == 422 and "неизвестна, уже использована или истекла" in wrong.text
    done = client.post("/setup", data={"token": secret, "new_password": "a long new password",
                                       "repeat_password": "a long new password"}, follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"] == "/login?ready=1"
    assert "Пароль установлен" in client.get("/login?ready=1").text
    form_login(client, "New officer", "a long new password")
    again = client.post("/setup", data={"token": secret, "new_password": "another long password",
                                        "repeat_password": "another long password"})
    assert again.status_code == 422                      # one-time
