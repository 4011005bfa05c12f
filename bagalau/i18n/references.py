"""References to the act's forms in the reader's language.

The definitions cite paragraphs and form cells in a compact English notation
("§97–99; App 9 row 3", "App. 10 Table 2 row 5.1", "App 1 T1"), and that
text reaches documents and pages. ``localized_reference`` rewrites the parts
that are words (appendix, table, row, item, column, note) into Kazakh or
Russian and leaves numbers, § signs and anything it does not recognise as
they are: it never guesses at prose.
"""

from __future__ import annotations

import re

NUMBER = r"\d+(?:[.\-–]\d+)*(?:\(\d+\))?"

# After an appendix or a table, a comma before what is inside it ("App 9, row 3").
_INSIDE = [
    (re.compile(rf"\b(App\.? {NUMBER}) (?=(?:Table|T\d|rows?|items?|col|columns?|note)\b)"), r"\1, "),
    (re.compile(rf"\b((?:Table |T){NUMBER}) (?=(?:rows?|items?|col|columns?|note)\b)"), r"\1, "),
]

_WORDS = {
    "kk": [
        (rf"\bApp\.? ({NUMBER})", r"\1-қосымша"),
        (rf"\bTable ({NUMBER})", r"\1-кесте"),
        (rf"\bT(\d+)\b", r"\1-кесте"),
        (rf"\brows ({NUMBER})", r"\1 жолдар"),
        (rf"\brow ({NUMBER})", r"\1-жол"),
        (rf"\bitems? ({NUMBER})", r"\1-тармақша"),
        (rf"\b(?:col|column)s? ({NUMBER})", r"\1-баған"),
        (r"\bnote\b", "ескертпе"),
        (r"\bp\.\s?(\d+)", r"\1-тармақ"),
        (r"\bpart (\d+)", r"\1-бөлік"),
    ],
    "ru": [
        (rf"\bApp\.? ({NUMBER})", r"прил. \1"),
        (rf"\bTable ({NUMBER})", r"табл. \1"),
        (rf"\bT(\d+)\b", r"табл. \1"),
        (rf"\brows ({NUMBER})", r"строки \1"),
        (rf"\brow ({NUMBER})", r"строка \1"),
        (rf"\bitems? ({NUMBER})", r"пункт \1"),
        (rf"\b(?:col|column)s? ({NUMBER})", r"графа \1"),
        (r"\bnote\b", "примечание"),
        (r"\bp\.\s?(\d+)", r"п. \1"),
        (r"\bpart (\d+)", r"ч. \1"),
    ],
}
_COMPILED = {lang: [(re.compile(pattern), replacement) for pattern, replacement in rules]
             for lang, rules in _WORDS.items()}


def localized_reference(reference: str | None, lang: str) -> str:
    """``reference`` with its form words in ``lang`` (kk, ru); English and unknown languages unchanged."""
    if not reference or lang not in _COMPILED:
        return reference or ""
    for pattern, replacement in _INSIDE:
        reference = pattern.sub(replacement, reference)
    for pattern, replacement in _COMPILED[lang]:
        reference = pattern.sub(replacement, reference)
    return reference
