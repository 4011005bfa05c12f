"""``bagalau serve`` on the demo store lists a login per role and the password."""

from __future__ import annotations

from bagalau.cli.console import out
from bagalau.cli.serve import _print_demo_logins
from bagalau.demo.accounts import demo_password, ensure_demo
from support.web import *  # noqa: F401,F403


def test_every_demo_role_can_sign_in(web_app, tmp_path, client):
    factory = web_app.state.sessions
    credentials = tmp_path / "demo-accounts.txt"
    names = ensure_demo(factory, credentials, say=lambda line: None)
    with out.capture() as captured:
        _print_demo_logins(factory, names, credentials)
    printed = captured.get()
    password = demo_password(credentials)
    assert password in printed
    for role in ("administrator", "methodologist", "evaluator", "commission", "body", "observer"):
        assert role in printed
    # the evaluators (named "… (demo evaluator)") get the demo password too, and can sign in
    evaluator = "Daniyar Omarov (demo evaluator)"
    assert evaluator in names
    form_login(client, evaluator, password)
    assert client.get("/api/v1/auth/session").json()["role"] == "evaluator"
