"""Words of the forms that come from our own English: the appendix a form belongs to and the readings
named in the provisional-rules footnote are in the document's language."""

from __future__ import annotations

import pytest

from bagalau import i18n
from bagalau.documents.forms import appendix_label, commentary
from bagalau.engine import catalog


@pytest.mark.parametrize("lang, expected", [("kk", "3-қосымша / 4-қосымша"), ("ru", "приложение 3 / приложение 4"),
                                            ("en", "Appendix 3 / Appendix 4")])
def test_the_appendix_is_named_in_the_documents_language(lang, expected):
    assert appendix_label("App 3 / App 4", lang) == expected
    assert appendix_label("", lang) == ""


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_a_reading_in_a_footnote_is_our_translation(lang):
    reading = next(r.reading for r in catalog.methodology("it-2012").readings if r.id == "A13")
    translated = commentary(reading, lang)
    assert translated != reading and i18n.has_translation(lang, reading, i18n.ENGINE)
    assert translated == i18n.catalog(lang, i18n.ENGINE).get(reading).string
