"""Fixtures for the web pages: the application on a store holding the synthetic
2012 demo campaign (finished: final rating, an objection decided), clients
signed in per role, and real headless Chromium (Debian's ``chromium``,
driven by Playwright through its executable path) with axe-core.

Import them into a test module: ``from support.web import *``. The demo store
and the browser are made once per test process and shared by every module
(no conftest of our own: it would shadow the top-level one).

* ``web_app``: a fresh copy of the demo store (SQLite; the demo is built once
  per test process and copied), strict translations (a message id without
  Kazakh or Russian raises), jobs inline;
* ``client``: an anonymous ``TestClient``; ``signed_in(role)`` /
  ``client_as(name)``: clients signed in through the login form;
* ``USERS``: the demo user of each role; ``PASSWORD``: everyone's password;
* ``live_url``: the same application served by uvicorn on loopback (for the
  browser); ``browser`` (once per process) and ``page`` (a fresh context);
* ``browser_login(page, live_url, name)``; ``check_axe(page, what)``: 0
  violations or a readable failure; ``screenshot(page, name)``: a PNG in
  ``tests/web/artifacts/`` (or ``$BAGALAU_WEB_ARTIFACTS``), path printed.
"""

from __future__ import annotations

import os
import shutil
import socket
import tempfile
import threading
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from bagalau import campaigns, store
from bagalau.api import Settings, create_app
from bagalau.campaigns import accounts
from bagalau.demo import campaign as demo_campaign
from bagalau.demo.accounts import ADMINISTRATOR, OBSERVER
from bagalau.store import migrations

PASSWORD = "correct horse battery staple"
OWN_BODY = "akmola"
USERS = {
    "administrator": ADMINISTRATOR,
    "methodologist": demo_campaign.METHODOLOGIST,
    "evaluator": demo_campaign.EVALUATORS[0],
    "commission": demo_campaign.COMMISSION[0],
    "body": demo_campaign.representative(OWN_BODY),
    "observer": OBSERVER,
}
ARTIFACTS = Path(os.environ.get("BAGALAU_WEB_ARTIFACTS") or Path(__file__).resolve().parent.parent / "web" / "artifacts")

__all__ = ["PASSWORD", "USERS", "OWN_BODY", "ARTIFACTS", "demo_store_file", "browser", "web_url", "web_app", "client",
           "signed_in", "client_as", "live_url", "page", "browser_login", "check_axe", "screenshot",
           "form_login", "chromium_path"]

_DEMO: dict[str, Path] = {}


def _build_demo_store() -> Path:
    """The demo campaign in an SQLite file, once per test process."""
    if "file" in _DEMO and _DEMO["file"].exists():
        return _DEMO["file"]
    base = "/dev/shm" if os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK) else None
    folder = Path(tempfile.mkdtemp(prefix="bagalau-web-demo-", dir=base))
    path = folder / "demo.sqlite"
    engine = store.make_engine(f"sqlite:///{path}")
    migrations.upgrade(engine)
    factory = store.make_sessionmaker(engine)
    demo_campaign.run(factory, say=lambda line: None)
    with store.transaction(factory) as s:
        campaigns.add_user(s, ADMINISTRATOR, "administrator")
        campaigns.add_user(s, OBSERVER, "observer")
        for user in s.execute(select(store.User)).scalars():
            if user.name in USERS.values():
                accounts.set_password(s, user, PASSWORD, "tests")
    engine.dispose()
    _DEMO["file"] = path
    return path


@pytest.fixture(scope="session")
def demo_store_file():
    path = _build_demo_store()
    yield path          # removed when the process ends (other modules share it)


def _remove_demo_store() -> None:
    if "file" in _DEMO:
        shutil.rmtree(_DEMO["file"].parent, ignore_errors=True)


import atexit  # noqa: E402

atexit.register(_remove_demo_store)


@pytest.fixture
def web_url(demo_store_file, tmp_path):
    """A fresh copy of the demo store for one test."""
    base = "/dev/shm" if os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK) else None
    folder = Path(tempfile.mkdtemp(prefix="bagalau-web-", dir=base))
    shutil.copyfile(demo_store_file, folder / "store.sqlite")
    yield f"sqlite:///{folder / 'store.sqlite'}"
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def web_app(web_url, tmp_path):
    return create_app(Settings(database_url=web_url, evidence_dir=tmp_path / "evidence", upgrade_sqlite=False,
                               jobs="inline", extra={"strict_i18n": True}))


@pytest.fixture
def client(web_app):
    with TestClient(web_app) as client:
        yield client


def form_login(client: TestClient, name: str, password: str = PASSWORD):
    """Sign in through the login page; returns the response after the redirect."""
    response = client.post("/login", data={"name": name, "password": password, "next": "/"},
                           follow_redirects=False)
    assert response.status_code == 303, response.text[:2000]
    return response


@pytest.fixture
def client_as(web_app):
    """client_as(name, lang="ru"): a new TestClient signed in as that user."""
    opened: list[TestClient] = []

    def make(name: str, lang: str | None = None) -> TestClient:
        other = TestClient(web_app)
        other.__enter__()
        opened.append(other)
        if lang:
            other.cookies.set("bagalau_lang", lang)
        form_login(other, name)
        return other

    yield make
    for other in opened:
        other.__exit__(None, None, None)


@pytest.fixture
def signed_in(client_as):
    """signed_in(role, lang=None): a client signed in as the demo user of that role."""
    return lambda role, lang=None: client_as(USERS[role], lang)


# --- the browser ------------------------------------------------------------------------------

def chromium_path() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def live_url(web_app):
    """The application served by uvicorn on loopback, for the browser."""
    import uvicorn

    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(web_app, host="127.0.0.1", port=port, log_level="warning",
                                           lifespan="on"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test web server did not start")
        time.sleep(0.02)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


_BROWSER: dict[str, object] = {}


def _shared_browser():
    """One Playwright and one Chromium per test process, closed when it exits."""
    if "browser" not in _BROWSER:
        import atexit

        from playwright.sync_api import sync_playwright

        playwright = sync_playwright().start()
        browser = playwright.chromium.launch(executable_path=chromium_path(), headless=True,
                                             args=["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"])
        _BROWSER.update(playwright=playwright, browser=browser)

        def close() -> None:
            try:
                browser.close()
                playwright.stop()
            except Exception:   # noqa: BLE001 - the process is ending anyway
                pass
        atexit.register(close)
    return _BROWSER["browser"]


@pytest.fixture(scope="session")
def browser():
    if chromium_path() is None:
        message = "no chromium: scripts/setup.sh installs Debian's chromium (apt-get install chromium)"
        if os.environ.get("CI"):
            pytest.fail(message + " (CI must run the browser tests)")
        pytest.skip(message)
    return _shared_browser()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(30000)             # a busy 2-core machine
    context.set_default_navigation_timeout(60000)
    page = context.new_page()
    yield page
    context.close()


def browser_login(page, live_url: str, name: str, password: str = PASSWORD, lang: str | None = None) -> None:
    if lang:
        page.goto(f"{live_url}/lang/{lang}?next=/login")
    else:
        page.goto(f"{live_url}/login")
    page.fill("#name", name)
    page.fill("#password", password)
    page.press("#password", "Enter")
    page.wait_for_url(f"{live_url}/")


def check_axe(page, what: str) -> None:
    """axe-core on the page as it is now: 0 violations (WCAG 2.1 AA rules and best practices)."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    violations = results.response.get("violations", [])
    if violations:
        lines = [f"{what}: {len(violations)} axe-core violation(s) on {page.url}"]
        for violation in violations:
            lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']}")
            for node in violation["nodes"][:5]:
                lines.append(f"    {node.get('target')} {node.get('failureSummary', '').splitlines()[-1:]}")
        pytest.fail("\n".join(lines))


def screenshot(page, name: str, full_page: bool = True) -> Path:
    """A PNG (the full page, or what the window shows) among the CI artefacts; prints where it is."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    print(f"screenshot: {path}")
    return path
