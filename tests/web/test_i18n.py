"""Translations: every message id of the code and the templates has its Kazakh
and Russian translation, and a page that renders one without them fails."""

from __future__ import annotations

import pytest
from fastapi import Request
from fastapi.testclient import TestClient

from bagalau import i18n
from bagalau.i18n.__main__ import untranslated
from bagalau.web import rendering
from support.web import *  # noqa: F401,F403


def test_every_message_has_kazakh_and_russian():
    problems = untranslated()
    assert problems == [], "\n".join(f"no {'/'.join(lacking)}: {msgid!r} ({where})"
                                     for msgid, lacking, where in problems)


def test_catalogs_compile_and_translate():
    assert i18n.translator("kk").gettext("Sign in") == "Кіру"
    assert i18n.translator("ru").gettext("Sign in") == "Войти"
    assert i18n.translator("en").gettext("Sign in") == "Sign in"
    # Russian has three plural forms
    ru = i18n.translator("ru")
    forms = [ru.ngettext("%(num)d working day", "%(num)d working days", n) % {"num": n} for n in (1, 3, 5, 21)]
    assert forms == ["1 рабочий день", "3 рабочих дня", "5 рабочих дней", "21 рабочий день"]


def test_strict_translator_refuses_an_untranslated_message():
    with pytest.raises(i18n.MissingTranslation, match="kk/ru"):
        i18n.translator("ru", strict=True).gettext("A message nobody has translated")
    # not strict: the English message id is shown
    assert i18n.translator("ru", strict=False).gettext("A message nobody has translated") == \
        "A message nobody has translated"


def test_a_page_rendering_an_untranslated_message_fails(web_app):
    template = rendering.environment("kk", True).from_string(
        '{% extends "base.html" %}{% block content %}<p>{{ _("Not in any catalog yet") }}</p>{% endblock %}')

    async def bad_page(request: Request):
        from fastapi.responses import HTMLResponse
        return HTMLResponse(template.render(request=request, auth=None, actor=None, csrf_token=None,
                                            csrf_field=lambda: "", path="/", current_url="/", nav=[],
                                            may=lambda a: False, today=None))

    web_app.add_api_route("/untranslated-test-page", bad_page)
    with TestClient(web_app) as client:
        with pytest.raises(i18n.MissingTranslation, match="Not in any catalog yet"):
            client.get("/untranslated-test-page")


def test_accept_language_and_the_remembered_choice(client):
    assert 'lang="kk"' in client.get("/login").text                       # the state language by default
    assert '<html lang="ru">' in client.get("/login", headers={"Accept-Language": "ru-RU,ru;q=0.9"}).text
    assert '<html lang="en">' in client.get("/login", headers={"Accept-Language": "de, en;q=0.5"}).text
    switched = client.get("/lang/ru?next=/login", follow_redirects=False)
    assert switched.status_code == 303 and switched.headers["location"] == "/login"
    assert "bagalau_lang=ru" in switched.headers["set-cookie"]
    page = client.get("/login", headers={"Accept-Language": "en"})         # the cookie wins
    assert '<html lang="ru">' in page.text and "Войти" in page.text
    # an unknown language changes nothing; a foreign next is not followed
    assert "set-cookie" not in client.get("/lang/xx?next=/", follow_redirects=False).headers
    for target in ("//evil.example/", "https://evil.example/", "/\\evil.example"):
        assert client.get(f"/lang/kk?next={target}", follow_redirects=False).headers["location"] == "/"


@pytest.mark.parametrize("value, lang, places, shown", [
    ("1234.5", "ru", None, "1\xa0234,5"),
    ("1234.5", "en", None, "1,234.5"),
    ("2.345", "kk", 2, "2,35"),           # half-up at the edge
    ("2.345", "en", 2, "2.35"),
    ("0.125", "en", 2, "0.13"),
    ("79.0833333333333333333333", "ru", 2, "79,08"),
])
def test_numbers_exact_half_up(value, lang, places, shown):
    from decimal import Decimal
    filters = rendering.Filters(lang, i18n.translator(lang))
    assert filters.number(Decimal(value), places) == shown


def test_working_day_deadlines():
    from datetime import date
    ru = rendering.Filters("ru", i18n.translator("ru"))
    # Friday 20 March 2026 → Nauryz 21–23 March on a weekend, moved to 24–25: Thursday 26 is the next working day
    assert ru.deadline(date(2026, 3, 26), now=date(2026, 3, 20)) == "до срока 1 рабочий день"
    assert ru.deadline(date(2026, 3, 20), now=date(2026, 3, 20)) == "срок сегодня"
    assert ru.deadline(date(2026, 3, 20), now=date(2026, 3, 27)) == "просрочено на 2 рабочих дня"
    kk = rendering.Filters("kk", i18n.translator("kk"))
    assert kk.workdays(5) == "5 жұмыс күні"


def test_names_from_the_acts_fall_back_to_russian_and_say_so():
    kk = rendering.Filters("kk", i18n.translator("kk"))
    shown = str(kk.text({"ru": "Критерий", "en": "Criterion"}))
    assert 'lang="ru"' in shown and "Критерий" in shown and "орыс тілінде" in shown
    assert str(kk.text({"kk": "Өлшем", "ru": "Критерий"})) == "Өлшем"
    assert str(kk.text("<b>plain</b>")) == "&lt;b&gt;plain&lt;/b&gt;"
