"""axe-core and screenshots of the dashboard and the methodology browser, in
Kazakh and Russian, in real headless Chromium."""

from __future__ import annotations

import pytest

from support.web import *  # noqa: F401,F403


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_public_pages(page, live_url, lang):
    page.goto(f"{live_url}/lang/{lang}?next=/")
    for path, name in [("/", "start"), ("/methodologies", "methodologies"), ("/methodologies/it-2012", "it-2012"),
                       ("/methodologies/orgdev-2020/diff/orgdev-2023", "diff-orgdev")]:
        page.goto(f"{live_url}{path}")
        assert page.get_attribute("html", "lang") == lang
        check_axe(page, f"{path} ({lang})")
        screenshot(page, f"{name}-{lang}")
        screenshot(page, f"{name}-{lang}-top", full_page=False)


@pytest.mark.parametrize("role", ["body", "evaluator"])
def test_dashboards(page, live_url, role):
    lang = "kk" if role == "body" else "ru"
    browser_login(page, live_url, USERS[role], lang=lang)
    assert page.get_attribute("html", "lang") == lang
    check_axe(page, f"dashboard of the {role} ({lang})")
    screenshot(page, f"dashboard-{role}-{lang}")


def test_audit_pages(page, live_url):
    browser_login(page, live_url, USERS["administrator"], lang="kk")
    page.goto(f"{live_url}/audit?action=campaign.state")
    check_axe(page, "audit log (kk)")
    screenshot(page, "audit-kk-top", full_page=False)
    page.click("table.audit details summary >> nth=0")          # a payload opens by pointer or keyboard
    page.goto(f"{live_url}/audit/verify")
    check_axe(page, "verify (kk)")
    screenshot(page, "audit-verify-kk")
