"""The report form's repeated-row table in real headless Chromium: a row added by
keyboard alone (Tab to the "add a row" button, Enter; the new row's first cell has
the focus), Enter in a cell saves the draft (never adds or removes a row), the
messages at the cells after a refused submission, and axe-core finds 0 violations
on the form page; screenshots of the table."""

from __future__ import annotations

import re
from datetime import date

import pytest

from support.campaign import build
from support.web import *  # noqa: F401,F403

TABLE = "app1_is"


def _focused(page) -> str:
    return page.evaluate("document.activeElement && document.activeElement.id")


def _shot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.locator(f"#t-{TABLE}").screenshot(path=str(path))
    print(f"screenshot: {path}")


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_a_row_added_by_keyboard(page, live_url, web_app, lang):
    campaign_id, _ = build(web_app.state.sessions, until="submissions", name=f"browser-tables-{lang}")
    web_app.state.today = date(2013, 2, 25)
    browser_login(page, live_url, USERS["body"], lang=lang)
    url = f"{live_url}/campaigns/{campaign_id}/bodies/{OWN_BODY}/report"
    page.goto(url)
    check_axe(page, f"report form with its table ({lang})")
    # the wide table scrolls inside its own region; the page itself does not scroll sideways
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    page.evaluate(f"document.getElementById('t-{TABLE}-h').scrollIntoView(); window.scrollBy(0, -320)")
    screenshot(page, f"report-table-placement-{lang}", full_page=False)   # after App 1's rows

    page.focus(f"#t-{TABLE}-1-name")
    page.keyboard.type("ЕСЭДО")
    page.focus(f"#remove-row-{TABLE}-1")              # the last control of the row; the next is "add a row"
    page.keyboard.press("Tab")
    assert _focused(page) == f"add-row-{TABLE}"
    page.evaluate("window.samePage = true")
    page.keyboard.press("Enter")
    page.wait_for_selector(f"#t-{TABLE}-2-name")
    page.wait_for_function(f"document.activeElement && document.activeElement.id === 't-{TABLE}-2-name'")
    assert page.evaluate("window.samePage === true")  # htmx swapped the table in; the page was not reloaded
    assert page.locator(f"#t-{TABLE} [role=status]").count() == 1
    assert page.input_value(f"#t-{TABLE}-1-name") == "ЕСЭДО"
    page.keyboard.type("Портал")
    page.keyboard.press("Tab")                        # the yes/no cell beside it, chosen by keyboard
    assert _focused(page) == f"t-{TABLE}-2-created_in_period"
    page.keyboard.press("ArrowDown")
    chosen = page.input_value(f"#t-{TABLE}-2-created_in_period")
    assert chosen in ("yes", "no")
    page.locator(f"#t-{TABLE}").scroll_into_view_if_needed()
    _shot(page, f"report-table-rows-{lang}")
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Enter")                      # Enter in a cell saves the draft
    page.wait_for_url(re.compile(r".*saved=draft"))
    assert page.input_value(f"#t-{TABLE}-2-name") == "Портал"
    assert page.input_value(f"#t-{TABLE}-2-created_in_period") == chosen
    assert page.locator(f"#t-{TABLE} tbody tr").count() == 2
    check_axe(page, f"report form with two rows ({lang})")

    page.click("#submit-report")                      # refused: the rows lack required cells
    page.wait_for_selector(f"#t-{TABLE}-1-commissioned_in_period-error")
    assert page.get_attribute(f"#t-{TABLE}-1-commissioned_in_period", "aria-invalid") == "true"
    check_axe(page, f"report form with cell errors ({lang})")
    _shot(page, f"report-table-errors-{lang}")
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    page.locator(f"#t-{TABLE} .rows-scroll").evaluate("region => { region.scrollLeft = region.scrollWidth; }")
    _shot(page, f"report-table-errors-{lang}-end")        # the last columns and the row buttons
    page.evaluate("window.scrollTo(0, 0)")
    screenshot(page, f"report-table-errors-{lang}-top", full_page=False)
