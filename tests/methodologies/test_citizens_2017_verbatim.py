"""citizens-2017 App 15 and App 16: every item's Russian name is the act's own text.

The names are checked against the act itself (seed 002, read here, not copied into
this file), table by table: App 15 T1 (central) and T2 (local), App 16 T1 and T2.
The PDF extraction breaks lines, spaces letters out ("П о ч т о в ы й") and
glues the points column to the text, so both sides are compared without
whitespace. A name must be a whole item of its table: it starts where an item
starts (after "N)", ";", the section's name or a sub-number "3.1") and ends where
the item ends (";", a point figure, the next item's number, the end of the
table), so that a shortened paraphrase fails.

Where the act prints an item in pieces, the name is checked piece by piece:
App 16's memo items 3.1–3.6 (ids m1–m6) carry the head of their item 3
("Памятка … информацию:"), and five items are broken by the extraction (a page
break inside the item, "2020" printed after the parenthesis); those are listed
below with the reason, and must be made of at most three runs of the act's text
close to each other.

The seed has no Kazakh text of this act: the names carry no `kk`, and an
explanation read in Kazakh says so (``lacks_language``).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from bagalau.engine import catalog
from bagalau.engine.explanations import lacks_language
from support.citizens_2017 import perfect_raw, score

SEEDS = Path(os.environ.get("BAGALAU_SEEDS", "/work/shared/seeds"))
CHECKLISTS = ("app15c", "app15l", "app16c", "app16l")
# (checklist, section, item): why the seed's text of the item is not one run.
EXTRACTION_BREAKS = {
    ("app15c", "1.2", "5"): "a page break (section 1.2's title and points) falls inside the item",
    ("app15c", "1.8", "7"): "the seed prints \"2020\" after \"(в пределах компетенции)*\"",
    ("app15l", "1.4", "2"): "a page break (section 1.4's title and points) falls inside the item",
    ("app15l", "1.8", "5"): "the seed prints \"карта бизнеса 2020\" after the parenthesis",
    ("app16c", "1.1", "4"): "a page break (section 1.1's title) falls inside the item",
    ("app16l", "1.2", "4"): "a page break (the section's points) falls inside the item",
}
MEMO_HEAD = re.compile(r"^(Памятка [^:]+:) (.+)$")
ITEM_START = re.compile(r"(?:\d\)|[;:*]|\d\.\d|\d)$")
ITEM_END = re.compile(r"(?:;|\.?\d|\.?$|\*|Итого|ИТОГО|\.?1\.\d)")


def _bare(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _act_text() -> str:
    if not SEEDS.is_dir():
        pytest.skip(f"the acts' texts are not at {SEEDS} (set BAGALAU_SEEDS)")
    for path in sorted(SEEDS.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        if "Оценка мобильной версии интернет-ресурса государственного органа" in text:
            return text
    pytest.fail(f"no seed in {SEEDS} holds the citizens-2017 act (App 16 'Оценка мобильной версии …')")


@pytest.fixture(scope="module")
def tables() -> dict[str, str]:
    """The act's text of each table, without whitespace."""
    text = _act_text()
    app15 = text.index("\nПриложение 15\n")
    app15_t2 = text.index("Таблица 2.", app15)
    app16 = text.index("\nПриложение 16\n", app15_t2)
    app16_t2 = text.index("Таблица 2.", app16)
    app17 = text.index("\nПриложение 17\n", app16_t2)
    return {"app15c": _bare(text[app15:app15_t2]), "app15l": _bare(text[app15_t2:app16]),
            "app16c": _bare(text[app16:app16_t2]), "app16l": _bare(text[app16_t2:app17])}


def whole_item(name: str, table: str, section_name: str = "", neighbours: tuple[str, str] = ("", "")) -> bool:
    """Whether ``name`` is a whole item of ``table``: found as one run that starts and ends where an
    item does (App 15 T2 section 1.1 separates its items by commas: "Флаг, … Герб, … Гимн")."""
    bare = _bare(name)
    for found in re.finditer(re.escape(bare), table):
        before = table[max(0, found.start() - 4):found.start()]
        after = table[found.end():found.end() + 6]
        previous, following = neighbours
        starts = bool(ITEM_START.search(before)) or (section_name and table[:found.start()].endswith(_bare(section_name))) \
            or (previous and table[:found.start()].endswith(_bare(previous) + ","))
        listed = bool(following) and table[found.end():].startswith("," + _bare(following))
        if starts and (ITEM_END.match(after) or listed):
            return True
    return False


def runs_of_act(name: str, table: str, most: int = 3, near: int = 400, shortest: int = 4) -> list[str] | None:
    """The runs of the act's text ``name`` is made of (each at least ``shortest`` characters,
    each within ``near`` characters of the one before), or None if it takes more than ``most``."""
    bare = _bare(name)
    best = None
    for first in re.finditer(re.escape(bare[:shortest]), table):
        low, high, runs, at = first.start(), first.start() + len(bare) + near, [], 0
        while at < len(bare):
            end = len(bare)
            while end > at and bare[at:end] not in table[low:high]:
                end -= 1
            if end - at < min(shortest, len(bare) - at):
                runs = None
                break
            where = table.index(bare[at:end], low, high)
            runs.append(bare[at:end])
            low, high, at = max(0, where - near), where + (end - at) + near, end
        if runs is not None and (best is None or len(runs) < len(best)):
            best = runs
    return best if best is not None and len(best) <= most else None


def _items():
    methodology = catalog.methodology("citizens-2017")
    for key in CHECKLISTS:
        for section in methodology.checklists[key].sections:
            for item in section.items:
                yield key, section, item


def test_every_item_has_a_russian_name_and_there_are_as_many_as_the_act_prints():
    counts = {}
    for key, section, item in _items():
        ru = item.name.ru or ""
        assert len(ru) >= 4 and not re.fullmatch(r"[\W\d_]*(item|пункт|индикатор)?[\W\d_]*", ru, re.I), \
            (key, section.id, item.id, ru)
        assert ru != item.name.en, (key, section.id, item.id)
        counts[key] = counts.get(key, 0) + 1
    # App 15 T1: 3+7+6+4+11+4+5+7+8+4+6+8+2; T2: 3+6+6+4+11+3+5+5+8+4+6+4+8+3+2;
    # App 16 T1: 6+(2+6)+3+4+1; T2: 5+4+(2+6)+3+4+1+1.
    assert counts == {"app15c": 75, "app15l": 78, "app16c": 22, "app16l": 26}


@pytest.mark.parametrize("key", CHECKLISTS)
def test_item_names_are_the_acts_text(tables, key):
    table = tables[key]
    checked, wrong = 0, []
    for checklist, section, item in _items():
        if checklist != key:
            continue
        ru = item.name.ru
        at = section.items.index(item)
        neighbours = (section.items[at - 1].name.ru if at else "",
                      section.items[at + 1].name.ru if at + 1 < len(section.items) else "")
        memo = MEMO_HEAD.match(ru)
        if (key, section.id, item.id) in EXTRACTION_BREAKS:
            right = runs_of_act(ru, table) is not None
        elif memo:
            head, tail = memo.groups()
            right = bool(item.printed) and _bare(head) in table and whole_item(tail, table) \
                and table.index(_bare(head)) < table.index(_bare(tail))
        else:
            right = whole_item(ru, table, section.name.ru, neighbours)
        if not right:
            wrong.append((section.id, item.id, ru))
        checked += 1
    assert wrong == []
    assert checked >= 22


@pytest.mark.parametrize("key", CHECKLISTS)
def test_section_and_defect_names_are_the_acts_text(tables, key):
    checklist = catalog.methodology("citizens-2017").checklists[key]
    for section in checklist.sections:
        assert _bare(section.name.ru) in tables[key], (key, section.id, section.name.ru)
    for defect in checklist.defects:
        assert _bare(defect.name.ru) in tables[key], (key, defect.id, defect.name.ru)


def test_the_check_refuses_a_shortened_or_paraphrased_name(tables):
    """The names this edition carried before, shortened or retold: each must fail."""
    table = tables["app15c"]
    for paraphrase in ("Перечень структурных подразделений и подведомственных организаций с руководителями, "
                       "телефонами, почтой, ссылками",
                       "Информация об открытых конкурсах, аукционах, тендерах",
                       "Государственные программы (отраслевые программы, программы развития территорий)",
                       "Планы мероприятий по реализации ежегодных посланий",
                       "Полезные ссылки"):
        assert not whole_item(paraphrase, table), paraphrase
    assert runs_of_act("Структура центрального аппарата с руководителями и контактами", table) is None
    assert not whole_item("Перечень государственных услуг", tables["app16c"])


def test_no_kazakh_text_and_the_explanation_says_so(tables):
    """The seeds hold no Kazakh text of this act: no name claims one, and a reader of the
    Kazakh page is told the names are shown in Russian."""
    kazakh_seed = [p for p in SEEDS.glob("*.txt") if "азаматтармен" in p.read_text(encoding="utf-8")
                   and "мобильді" in p.read_text(encoding="utf-8")]
    assert kazakh_seed == []
    assert not any(item.name.kk for _, _, item in _items())
    explanation = score(perfect_raw("central"), "central", explain=True).explanation
    assert lacks_language(explanation, "kk") and not lacks_language(explanation, "en")
