"""In real headless Chromium: the login by keyboard alone (skip link, tab order,
visible focus), axe-core on the account pages in Kazakh and Russian, and
screenshots of them as CI artefacts."""

from __future__ import annotations

import pytest

from support.web import *  # noqa: F401,F403


def _focused(page) -> str:
    return page.evaluate("() => document.activeElement && (document.activeElement.id || "
                         "document.activeElement.className || document.activeElement.tagName)")


def _focus_is_visible(page) -> bool:
    style = page.evaluate("() => { const s = getComputedStyle(document.activeElement); "
                          "return [s.outlineStyle, s.outlineWidth]; }")
    return style[0] != "none" and style[1] not in ("0px", "")


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_login_by_keyboard_and_axe(page, live_url, lang):
    page.goto(f"{live_url}/lang/{lang}?next=/login")
    assert page.get_attribute("html", "lang") == lang
    check_axe(page, f"login ({lang})")
    screenshot(page, f"login-{lang}")
    # the skip link comes first and takes the reader to the content
    page.keyboard.press("Tab")
    assert _focused(page) == "skip-link" and _focus_is_visible(page)
    page.keyboard.press("Enter")
    assert page.evaluate("() => location.hash") == "#main"
    # a wrong password, by keyboard: the error is announced and the name kept
    page.focus("#name")
    page.keyboard.type(USERS["body"])
    page.keyboard.press("Tab")
    assert _focused(page) == "password" and _focus_is_visible(page)
    page.keyboard.type("not the password")
    page.keyboard.press("Enter")
    page.wait_for_selector("#login-error")
    assert page.get_attribute("#login-error", "role") == "alert"
    assert page.input_value("#name") == USERS["body"]
    check_axe(page, f"login with an error ({lang})")
    screenshot(page, f"login-error-{lang}")
    # the right one
    page.focus("#password")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_url}/")
    assert USERS["body"] in page.inner_text("header")
    check_axe(page, f"start page signed in ({lang})")
    screenshot(page, f"start-{lang}")
    # change the password page, then sign out by keyboard
    page.goto(f"{live_url}/account/password")
    check_axe(page, f"password change ({lang})")
    page.fill("#current_password", "x")
    page.fill("#new_password", "short")
    page.fill("#repeat_password", "other")
    page.press("#repeat_password", "Enter")
    page.wait_for_selector("#new_password-error")
    check_axe(page, f"password change with errors ({lang})")
    screenshot(page, f"password-errors-{lang}")
    page.focus("header form button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_url}/")
    assert USERS["body"] not in page.inner_text("header")
