"""The methodology browser, open to readers without an account."""

from __future__ import annotations

import pytest
from markupsafe import escape

from bagalau.i18n.references import localized_reference
from bagalau import i18n
from bagalau.engine import catalog
from bagalau.engine.editions import diff as diff_editions
from support.web import *  # noqa: F401,F403


def test_editions_list_every_shipped_edition(client):
    page = client.get("/methodologies")
    assert page.status_code == 200
    for edition_id in catalog.definition_paths():
        assert f'href="/methodologies/{edition_id}"' in page.text
    assert 'href="/methodologies/orgdev-2020/diff/orgdev-2023"' in page.text      # an amendment and its base


def test_it_2012_in_kazakh_shows_russian_and_says_so(client):
    client.cookies.set("bagalau_lang", "kk")
    page = client.get("/methodologies/it-2012").text
    assert "ресми мәтіні жоқ" in page                        # the page says the act has no Kazakh text
    m = catalog.methodology("it-2012")
    first = m.nodes[0]
    assert f'<span lang="ru">{first.name.ru}</span>' in page  # the Russian name, marked as Russian
    assert localized_reference(first.paragraph, "kk") in page and first.quote[:30] in page
    assert "5-қосымша" in localized_reference(first.paragraph, "kk")             # "App 5" in Kazakh
    assert 'blockquote lang="ru"' in page


def test_an_edition_with_kazakh_text_needs_no_notice(client):
    client.cookies.set("bagalau_lang", "kk")
    page = client.get("/methodologies/ict-2015?profile=local").text
    assert "ресми мәтіні жоқ" not in page
    assert 'blockquote lang="kk"' in page and 'aria-current="page">' in page


def test_tree_formulas_inputs_readings_and_provenance(client):
    client.cookies.set("bagalau_lang", "ru")
    page = client.get("/methodologies/it-2012").text
    m = catalog.methodology("it-2012")
    with_formula = next(n for n in _walk(m.nodes) if isinstance(n.formula, str))
    assert with_formula.formula.replace("<", "&lt;").replace(">", "&gt;")[:40] in page
    assert "app2_g1" in page and "Ячейка формы" in page
    for reading in m.readings:
        assert f'id="reading-{reading.id}"' in page
    for option in m.options:
        assert f'id="option-{option}"' in page
    not_verbatim = [n for n in _walk(m.nodes) if n.provenance != "verbatim"]
    assert not_verbatim and all(f"<strong>{n.id}</strong>" in page for n in not_verbatim)


def test_diff_matches_the_engine(client):
    client.cookies.set("bagalau_lang", "ru")
    expected = diff_editions(catalog.load("orgdev-2020").methodology, catalog.load("orgdev-2023").methodology)
    assert expected
    page = client.get("/methodologies/diff?old=orgdev-2020&new=orgdev-2023", follow_redirects=True)
    assert page.status_code == 200 and page.url.path == "/methodologies/orgdev-2020/diff/orgdev-2023"
    assert page.text.count("<tr><th scope=\"row\">") == len(expected)


@pytest.mark.parametrize("path", ["/methodologies/no-such-act", "/methodologies/it-2012/diff/nope"])
def test_unknown_editions_are_404_pages(client, path):
    response = client.get(path)
    assert response.status_code == 404 and "text/html" in response.headers["content-type"]


def _walk(nodes):
    for node in nodes:
        yield node
        yield from _walk(node.children)


# --- issue 10: Bagalau's commentary (readings, options, notes) in Kazakh and Russian ----

KNOWN = {  # a few sentences of the commentary as translated in engine.po
    ("it-2012", "ru"): ["Нулевые знаменатели актом не урегулированы.",
                        "нет необходимости: показатель получает свой максимум"],
    ("it-2012", "kk"): ["Нөлдік бөлгіштер актіде реттелмеген.",
                        "қажеттілік жоқ: көрсеткіш өз ең жоғары балын алады"],
    ("orgdev-2023", "ru"): ["Один календарный год.",
                            "нечего оценивать: показатель получает свой максимум"],
    ("orgdev-2023", "kk"): ["Бір күнтізбелік жыл.",
                            "бағалайтын ештеңе жоқ: көрсеткіш өз ең жоғары балын алады"],
}


def _between(page: str, start: str, end: str) -> str:
    return page[page.index(start):page.index(end)]


@pytest.mark.parametrize("lang", ["kk", "ru"])
@pytest.mark.parametrize("edition", ["it-2012", "orgdev-2023"])
def test_readings_options_and_notes_are_in_the_page_language(client, edition, lang):
    """The client is strict (BAGALAU_STRICT_I18N): a sentence without its
    translation would fail the page; none is left in English."""
    client.cookies.set("bagalau_lang", lang)
    page = client.get(f"/methodologies/{edition}")
    assert page.status_code == 200, page.text[:2000]
    readings = _between(page.text, '<h2 id="readings">', '<h2 id="provenance">')
    tree = _between(page.text, '<h2 id="tree">', '<h2 id="inputs">')
    assert 'lang="en"' not in readings and 'lang="en"' not in tree
    m = catalog.methodology(edition)
    shown = i18n.translations(lang, i18n.ENGINE).gettext
    for reading in m.readings:
        assert str(escape(shown(reading.issue))) in readings and str(escape(shown(reading.reading))) in readings
        assert shown(reading.reading) != reading.reading or not any(c.isalpha() for c in reading.reading)
    for option in m.options.values():
        for text in (option.description, *option.choices.values()):
            assert str(escape(shown(text))) in readings
    for sentence in KNOWN[edition, lang]:
        assert str(escape(sentence)) in readings
    assert str(escape(shown(m.rounding.reading))) in readings
    if m.act.repealed:
        assert str(escape(shown(m.act.repealed.by))) in page.text and m.act.repealed.by not in page.text


def test_the_edition_note_of_an_amendment_is_shown_translated(client):
    client.cookies.set("bagalau_lang", "ru")
    page = client.get("/methodologies/orgdev-2023").text
    note = catalog.edition_note("orgdev-2023")
    assert note and note.startswith("Amendments with no effect on scoring")
    assert "<dt>Примечание</dt>" in page
    assert str(escape(i18n.translations("ru", i18n.ENGINE).gettext(note))) in page
    assert catalog.edition_note("orgdev-2020") is None      # a base edition has none; an amendment's is its own


def test_the_english_page_shows_the_commentary_as_written(client):
    client.cookies.set("bagalau_lang", "en")
    page = client.get("/methodologies/it-2012").text
    m = catalog.methodology("it-2012")
    assert str(escape(m.readings[0].issue)) in page


def test_an_untranslated_sentence_is_marked_english_or_refused_in_strict_mode():
    from bagalau.web.rendering import Filters
    loose = Filters("ru", i18n.translator("ru", strict=False))
    assert str(loose.prose("a reading nobody translated")) == '<span lang="en">a reading nobody translated</span>'
    assert str(loose.prose("Zero denominators are not handled by the act.")) == \
        "Нулевые знаменатели актом не урегулированы."
    strict = Filters("kk", i18n.translator("kk", strict=True))
    with pytest.raises(i18n.MissingTranslation, match="engine.po"):
        strict.prose("a reading nobody translated")
    assert str(strict.prose("a reading nobody translated", pending=True)) == \
        '<span lang="en">a reading nobody translated</span>'


@pytest.mark.skipif(not i18n.PROSE_PENDING, reason="every edition's prose is translated")
def test_a_pending_edition_shows_its_english_commentary_marked(client):
    edition = i18n.PROSE_PENDING[0]
    client.cookies.set("bagalau_lang", "kk")
    page = client.get(f"/methodologies/{edition}")
    assert page.status_code == 200
    m = catalog.methodology(edition)
    untranslated = [r.reading for r in m.readings if not i18n.has_translation("kk", r.reading, i18n.ENGINE)]
    if untranslated:
        assert f'<span lang="en">{escape(untranslated[0])}</span>' in page.text
