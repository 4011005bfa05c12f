"""The act's form references ("App 9 row 3") in Kazakh and Russian."""

from __future__ import annotations

import pytest

from bagalau.i18n.references import localized_reference


@pytest.mark.parametrize("reference, kk, ru", [
    ("§97–99; App 9 row 3", "§97–99; 9-қосымша, 3-жол", "§97–99; прил. 9, строка 3"),
    ("App. 10 Table 2 row 5.1", "10-қосымша, 2-кесте, 5.1-жол", "прил. 10, табл. 2, строка 5.1"),
    ("App 1 T1", "1-қосымша, 1-кесте", "прил. 1, табл. 1"),
    ("App 1 rows 3.1–3.8", "1-қосымша, 3.1–3.8 жолдар", "прил. 1, строки 3.1–3.8"),
    ("App. 4 Table 2-1 row 3(1)", "4-қосымша, 2-1-кесте, 3(1)-жол", "прил. 4, табл. 2-1, строка 3(1)"),
    ("App 2 col 3", "2-қосымша, 3-баған", "прил. 2, графа 3"),
    ("p.67 part 3", "67-тармақ 3-бөлік", "п. 67 ч. 3"),
    ("App 15 item 1.2", "15-қосымша, 1.2-тармақша", "прил. 15, пункт 1.2"),
])
def test_form_words_are_in_the_readers_language(reference, kk, ru):
    assert localized_reference(reference, "kk") == kk
    assert localized_reference(reference, "ru") == ru
    assert localized_reference(reference, "en") == reference


def test_what_is_not_a_form_word_is_left_as_it_is():
    assert localized_reference("§12 (reading A13: approval)", "ru") == "§12 (reading A13: approval)"
    assert localized_reference("Apple 3, Tablet 2", "kk") == "Apple 3, Tablet 2"
    assert localized_reference(None, "kk") == "" and localized_reference("", "ru") == ""
