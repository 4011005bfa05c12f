"""``python -m bagalau.i18n update|check``: keep the catalogs in step with the code.

* ``update`` extracts every message id from the Python code (``_()``,
  ``gettext()``, ``ngettext()``, ``N_()``) and the Jinja2 templates, and merges
  them into each language's ``messages.po``: new ids are added empty, ids no
  longer used are dropped, translations are kept.
* ``check`` prints every extracted id without a Kazakh or Russian translation
  and exits 1 if there is one.
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import write_po

from . import LANGUAGES, REQUIRED, catalog, po_path

PACKAGE = Path(__file__).resolve().parent.parent
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None, "tr": (2,)}
METHODS = [("**/templates/**.html", "jinja2"), ("**.py", "python")]
OPTIONS = {"**/templates/**.html": {"extensions": "jinja2.ext.i18n", "trimmed": "true"}}


def extract() -> Catalog:
    """Every message id used in the package, with where it is used."""
    found = Catalog(domain="messages")
    for filename, lineno, message, comments, context in extract_from_dir(
            PACKAGE, method_map=METHODS, options_map=OPTIONS, keywords=KEYWORDS,
            comment_tags=("TRANSLATORS:",), strip_comment_tags=True):
        if filename.startswith(("i18n/", "i18n\\")):
            continue
        found.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return found


def update() -> None:
    template = extract()
    for lang in LANGUAGES:
        current = catalog(lang)
        current.update(template, no_fuzzy_matching=True)
        path = po_path(lang)
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as handle:
            write_po(handle, current, width=100, omit_header=False, ignore_obsolete=True, sort_output=False)
        catalog.cache_clear()
        print(f"{path.relative_to(PACKAGE.parent)}: {len(current)} messages")


def untranslated() -> list[tuple[str, tuple[str, ...], str]]:
    """(message id, languages lacking it, where it is used) for every extracted id."""
    problems = []
    for message in extract():
        if not message.id:
            continue
        msgid = message.id[0] if isinstance(message.id, tuple) else message.id
        lacking = []
        for lang in REQUIRED:
            entry = catalog(lang).get(message.id)
            strings = [] if entry is None else (list(entry.string) if isinstance(entry.string, (list, tuple))
                                                else [entry.string])
            if entry is None or entry.fuzzy or not strings or not all(strings):
                lacking.append(lang)
        if lacking:
            where = ", ".join(f"{name}:{line}" for name, line in message.locations[:3])
            problems.append((msgid, tuple(lacking), where))
    return problems


def main(argv: list[str]) -> int:
    command = argv[0] if argv else "check"
    if command == "update":
        update()
        return 0
    if command == "check":
        problems = untranslated()
        for msgid, lacking, where in problems:
            print(f"no {'/'.join(lacking)} translation: {msgid!r} ({where})")
        if not problems:
            print("every message has its Kazakh and Russian translation")
        return 1 if problems else 0
    print("usage: python -m bagalau.i18n update|check", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
