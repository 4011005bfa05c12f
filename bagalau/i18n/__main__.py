"""``python -m bagalau.i18n update|check``: keep the catalogs in step with the code.

Two domains (see ``bagalau.i18n``): ``messages`` takes the web's Python code
and templates; ``engine`` takes ``bagalau/engine`` and ``bagalau/cli`` and the
prose the definitions give in English for the notes to quote (the ``meaning``
of a rule, a node's ``explain`` and its reconstruction ``note``) and the
commentary the methodology browser shows (the readings' ``issue`` and
``reading``, the options' ``description`` and choices, every node's ``note``,
the edition's own ``note`` and the act that repealed it).

* ``update`` extracts every message id (``_()``, ``gettext()``, ``ngettext()``,
  ``N_()``) and merges it into each language's ``<domain>.po``: new ids are
  added empty, ids no longer used are dropped, translations are kept.
* ``check`` prints every extracted id without a Kazakh or Russian translation
  and exits 1 if there is one. The prose of an edition listed in
  ``PROSE_PENDING`` (a new edition whose sentences are being translated) only
  counts: ``check`` says how many wait and ``check --all`` lists them; its
  notes show the English meanwhile, marked as such.
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import write_po

from . import DOMAIN, DOMAINS, ENGINE, LANGUAGES, PROSE_PENDING, REQUIRED, catalog, po_path

PACKAGE = Path(__file__).resolve().parent.parent
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None, "tr": (2,), "Message": None}
METHODS = [("**/templates/**.html", "jinja2"), ("**.py", "python")]
OPTIONS = {"**/templates/**.html": {"extensions": "jinja2.ext.i18n", "trimmed": "true"}}
ENGINE_FOLDERS = ("engine", "cli")
# PROSE_PENDING (bagalau.i18n): editions whose definition prose may still wait
# for its translation (their notes and pages show the English, marked).
__all__ = ["PROSE_PENDING", "definition_prose", "extract", "untranslated", "update", "main"]


def _domain_of(filename: str) -> str | None:
    top = filename.replace("\\", "/").split("/", 1)[0]
    if top == "i18n":
        return None
    return ENGINE if top in ENGINE_FOLDERS else DOMAIN


def extract(domain: str = DOMAIN) -> Catalog:
    """Every message id used in the package for ``domain``, with where it is used."""
    found = Catalog(domain=domain)
    for filename, lineno, message, comments, context in extract_from_dir(
            PACKAGE, method_map=METHODS, options_map=OPTIONS, keywords=KEYWORDS,
            comment_tags=("TRANSLATORS:",), strip_comment_tags=True):
        if _domain_of(filename) != domain:
            continue
        found.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    if domain == ENGINE:
        for text, edition, where in definition_prose():
            existing = found.get(text)
            if existing is not None:
                existing.locations.append((f"methodologies/{edition}.yaml", 0))
                continue
            found.add(text, None, [(f"methodologies/{edition}.yaml", 0)],
                      auto_comments=[f"definition prose: {where}"])
    return found


def definition_prose() -> list[tuple[str, str, str]]:
    """(sentence, edition, where) for the prose of every shipped definition:
    what the notes quote (``prose_of``) and what the methodology browser shows
    (``commentary_of``, the edition's own note); each sentence once per edition."""
    from bagalau.engine import catalog as editions
    from bagalau.engine.explanations import commentary_of, prose_of

    found, seen = [], set()
    for edition in editions.definition_paths():
        try:
            methodology = editions.methodology(edition)
            note = editions.edition_note(edition)
        except Exception:  # noqa: BLE001 - a broken edition has its own check
            continue
        quoted = [(text, f"{where}; quoted in explanation notes") for text, where in prose_of(methodology)]
        shown = [(text, f"{where}; shown in the methodology browser") for text, where in
                 [*commentary_of(methodology), *([(note, "edition note")] if note else [])]]
        for text, where in quoted + shown:
            if text and (text, edition) not in seen:
                seen.add((text, edition))
                found.append((text, edition, where))
    return found


def update() -> None:
    for domain in DOMAINS:
        template = extract(domain)
        for lang in LANGUAGES:
            current = catalog(lang, domain)
            current.update(template, no_fuzzy_matching=True)
            path = po_path(lang, domain)
            path.parent.mkdir(parents=True, exist_ok=True)
            with path.open("wb") as handle:
                write_po(handle, current, width=100, omit_header=False, ignore_obsolete=True, sort_output=False)
            catalog.cache_clear()
            print(f"{path.relative_to(PACKAGE.parent)}: {len(current)} messages")


def _lacking(message, domain: str) -> tuple[str, ...]:
    lacking = []
    for lang in REQUIRED:
        entry = catalog(lang, domain).get(message.id)
        strings = [] if entry is None else (list(entry.string) if isinstance(entry.string, (list, tuple))
                                            else [entry.string])
        if entry is None or entry.fuzzy or not strings or not all(strings):
            lacking.append(lang)
    return tuple(lacking)


def untranslated(domain: str = DOMAIN, prose: str = "required") -> list[tuple[str, tuple[str, ...], str]]:
    """(message id, languages lacking it, where it is used) for every extracted id
    of ``domain``. Definition prose (engine domain): ``prose="required"`` leaves
    out the editions of PROSE_PENDING, ``"all"`` counts every edition,
    ``"pending"`` only those."""
    problems = []
    for message in extract(domain):
        if not message.id:
            continue
        files = {name for name, _ in message.locations}
        editions = {name[len("methodologies/"):-len(".yaml")] for name in files if name.startswith("methodologies/")}
        if editions and files == {f"methodologies/{e}.yaml" for e in editions}:   # prose only
            required = not editions <= set(PROSE_PENDING)
            if (prose == "required" and not required) or (prose == "pending" and required):
                continue
        elif prose == "pending":
            continue
        msgid = message.id[0] if isinstance(message.id, tuple) else message.id
        lacking = _lacking(message, domain)
        if lacking:
            where = ", ".join(f"{name}:{line}" for name, line in message.locations[:3])
            problems.append((msgid, lacking, where))
    return problems


def main(argv: list[str]) -> int:
    command = argv[0] if argv else "check"
    if command == "update":
        update()
        return 0
    if command == "check":
        listed = "--all" in argv[1:]
        problems = []
        for domain in DOMAINS:
            for msgid, lacking, where in untranslated(domain, "all" if listed else "required"):
                problems.append(msgid)
                print(f"[{domain}] no {'/'.join(lacking)} translation: {msgid!r} ({where})")
        if not listed:
            pending = untranslated(ENGINE, "pending")
            if pending:
                print(f"[{ENGINE}] {len(pending)} sentence(s) of {', '.join(PROSE_PENDING)} still wait for a "
                      "translation (check --all lists them); their notes and pages show the English, marked")
        if not problems:
            print("every message has its Kazakh and Russian translation")
        return 1 if problems else 0
    print("usage: python -m bagalau.i18n update|check [--all]", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
