"""The methodology browser, open to readers without an account."""

from __future__ import annotations

import pytest

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
    assert first.paragraph in page and first.quote[:30] in page
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
