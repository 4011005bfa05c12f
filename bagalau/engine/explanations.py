"""Explanation JSON (schema ``bagalau.explanation/1``, see docs/explanations.md):
writing one for a scored body, reading one back, and rendering its notes in
Kazakh, Russian or English.

A note is ``{"code", "message", "args", "text"}``: ``message`` is a message id
of the ``engine`` catalog (English, with ``{name}`` placeholders), ``args`` its
values, and ``text`` the English rendering, kept so that a stored explanation
reads without the catalogs. An argument is plain text (a number, an id) or one
of: ``{"code": …}`` a formula or an identifier, shown as written;
``{"text": {"ru", "kk", "en"}}`` a name from the definition; ``{"prose": …,
"values": {…}}`` a sentence of the definition (English; translated through the
catalog, shown in English and marked where no translation exists);
``{"ref": …}`` a reference into the act (§, App, row …); ``{"message": …,
"args": …}`` a nested message (an optional clause).
"""

from __future__ import annotations

import re
from decimal import Decimal
from fractions import Fraction
from typing import Callable, Iterator

from bagalau.engine.exact import decimal_text, exact, is_terminating, round_to
from bagalau.i18n import ENGINE, N_, has_translation, translator

EXPLANATION_SCHEMA = "bagalau.explanation/1"


class ExplanationWriter:
    """Builds a body's explanation from the scorer's outcomes; the parts that
    are the same for every body are computed once per node."""

    def __init__(self, compiled, options: dict[str, str], round_value: Callable, aggregate_mode: Callable):
        self.compiled = compiled
        self.methodology = compiled.methodology
        self.options = options
        self.round = round_value
        self.aggregate_mode = aggregate_mode
        self._rounding_dump = self.methodology.rounding.model_dump()
        self._static_entries: dict[str, dict] = {}
        self._sources: dict[str, str] = {}

    def static_entry(self, node) -> dict:
        """The parts of a node's explanation that are the same for every body."""
        cached = self._static_entries.get(node.id)
        if cached is None:
            cached = {
                "id": node.id,
                "name": node.name.model_dump(exclude_none=True),
                "kind": node.kind,
                "max": number_text(node.max),
                "paragraph": node.paragraph,
                "provenance": node.provenance,
                "readings": node.readings,
                "_formula": node.formula or (f"checklist {node.checklist.checklist}" if node.checklist else
                                             f"{self.aggregate_mode(node.aggregate, node.aggregate_option)} of "
                                             f"{', '.join(c.id for c in node.children)}"
                                             if node.children else None),
                "_provisional": (note("provisional", N_("provisional: {reason}"),
                                      reason=prose(node.note) if node.note else
                                      sub(N_("the formula was reconstructed")))
                                 if node.provenance == "reconstructed" else None),
            }
            self._static_entries[node.id] = cached
        return cached

    def explanation(self, body_id, name, total, outcomes, weights, period) -> dict:
        methodology = self.methodology
        inputs = self.compiled.inputs

        def render(node) -> dict:
            static = self.static_entry(node)
            outcome = outcomes[node.id]
            notes = outcome.notes if static["_provisional"] is None else [static["_provisional"], *outcome.notes]
            score = outcome.score
            entry = {
                "id": static["id"],
                "name": static["name"],
                "kind": static["kind"],
                "score": format(self.round(score), "f"),
                "exact": number_text(score),
                "max": static["max"],
                "weight": number_text(weights[node.id]),
                "status": outcome.status,
                "formula": static["_formula"],
                "inputs": {key: {"value": self.input_value(key, value), "source": self.source_text(key)}
                           for key, value in outcome.used.items() if key in inputs},
                "parameters": {key: value if key == "period" else value_text(value)
                               for key, value in outcome.used.items() if key not in inputs},
                "notes": notes,
                "paragraph": static["paragraph"],
                "provenance": static["provenance"],
                "readings": static["readings"],
            }
            if type(score) is Fraction and not is_terminating(score):
                entry["exact_fraction"] = str(score)
            if outcome.detail is not None:
                entry["checklist"] = outcome.detail
            if node.children:
                entry["children"] = [render(child) for child in node.children]
            return entry

        document = {
            "schema": EXPLANATION_SCHEMA,
            "methodology": methodology.id,
            "content_hash": self.compiled.content_hash,
            "body": {"id": body_id, "name": name, "profile": self.compiled.profile},
            "period": period,
            "options": self.options,
            "rounding": self._rounding_dump,
            "total": format(self.round(total), "f"),
            "total_exact": number_text(total),
            "nodes": [render(node) for node in methodology.nodes],
        }
        if type(total) is Fraction and not is_terminating(total):
            document["total_exact_fraction"] = str(total)
        return document

    def input_value(self, input_id: str, value):
        if self.compiled.inputs[input_id].type == "boolean" and value is not None:
            return bool(value)
        return value_text(value)

    def source_text(self, input_id: str) -> str:
        where = self._sources.get(input_id)
        if where is None:  # the English words here are localised where shown (localise_reference)
            source = self.compiled.inputs[input_id].source
            where = source.form + (f", row {source.row}" if source.row else "") + \
                (f", column {source.column}" if source.column else "")
            self._sources[input_id] = where
        return where


# --- numbers as explanations show them --------------------------------------------

def short_text(value) -> str:
    """A long exact value rounded half up to 6 places for reading in a note."""
    return number_text(round_to(exact(value), 6))


def number_text(value) -> str:
    """An exact value (or a definition's Decimal) as plain decimal text: "4.8",
    "8", "0.925"; one whose expansion does not end, to 28 significant digits."""
    if type(value) is int:
        return str(value)
    return decimal_text(exact(value))


def value_text(value):
    if isinstance(value, (int, Fraction, Decimal)) and not isinstance(value, bool):
        return number_text(value)
    if isinstance(value, list):
        return [value_text(v) for v in value]
    return value


# --- reading -----------------------------------------------------------------------

def walk(explanation: dict) -> Iterator[dict]:
    """Every node entry of an explanation, parents before their children."""
    stack = list(reversed(explanation["nodes"]))
    while stack:
        entry = stack.pop()
        yield entry
        stack.extend(reversed(entry.get("children", [])))


def find_node(explanation: dict, node_id: str) -> dict:
    """The entry of one node, by the act's id; KeyError if it is not there."""
    for entry in walk(explanation):
        if entry["id"] == node_id:
            return entry
    raise KeyError(node_id)


# --- notes: structured, rendered in any language ------------------------------------

def note(code: str, message: str, **args) -> dict:
    """A note: its code, message id and arguments, and its English text."""
    return {"code": code, "message": message, "args": args, "text": render_message(message, args, "en")}


def code(text: str) -> dict:
    """A formula or identifier, shown as written in every language."""
    return {"code": text}


def prose(text: str, **values) -> dict:
    """A sentence of the definition (English; ``{name}`` filled from ``values``)."""
    return {"prose": text, **({"values": values} if values else {})}


def ref(text: str | None) -> dict:
    """A reference into the act: "§56", "App 5 item 5", "App 1, row 2.3.1, column 3"."""
    return {"ref": text or ""}


def name(text: dict) -> dict:
    """A name from the definition, in the languages it has."""
    return {"text": text}


def sub(message: str, **args) -> dict:
    """A nested message: an optional clause of a note."""
    return {"message": message, "args": args}


NO_TRANSLATION_YET = N_("[in English] {text}")


def render_note(entry: dict, lang: str, strict: bool | None = None) -> str:
    """A note in ``lang`` (kk, ru or en); a note stored before notes had
    message ids keeps its text."""
    if "message" not in entry:
        return entry.get("text", "")
    return render_message(entry["message"], entry.get("args", {}), lang, strict)


def render_message(message: str, args: dict, lang: str, strict: bool | None = None) -> str:
    template = message if lang == "en" else translator(lang, strict, ENGINE).gettext(message)
    return template.format(**{key: _argument(value, lang, strict) for key, value in args.items()})


def _argument(value, lang: str, strict: bool | None) -> str:
    if not isinstance(value, dict):
        return str(value)
    if "code" in value:
        return value["code"]
    if "text" in value:
        text = value["text"]
        return text.get(lang) or text.get("ru") or text.get("kk") or text.get("en") or ""
    if "prose" in value:
        values = {key: _argument(v, lang, strict) for key, v in value.get("values", {}).items()}
        sentence = value["prose"]
        if lang == "en" or not has_translation(lang, sentence, ENGINE):
            shown = sentence.format(**values) if values else sentence
            return shown if lang == "en" else translator(lang, strict, ENGINE).gettext(
                NO_TRANSLATION_YET).format(text=shown)
        translated = translator(lang, strict, ENGINE).gettext(sentence)
        return translated.format(**values) if values else translated
    if "ref" in value:
        return localise_reference(value["ref"], lang)
    if "message" in value:
        return render_message(value["message"], value.get("args", {}), lang, strict)
    raise ValueError(f"unknown note argument {value!r}")


def prose_of(methodology) -> Iterator[tuple[str, str]]:
    """(sentence, where) for the definition prose that notes quote."""
    for node in methodology.walk():
        for field in ("not_applicable", "zero_denominator", "cohort_average"):
            rule = getattr(node, field)
            if rule is not None:
                yield rule.meaning, f"{node.id} {field}.meaning"
        if node.explain:
            yield node.explain, f"{node.id} explain"
        if node.provenance == "reconstructed" and node.note:
            yield node.note, f"{node.id} note"


def commentary_of(methodology) -> Iterator[tuple[str, str]]:
    """(sentence, where) for Bagalau's own English commentary on an act that
    the methodology browser shows: the named readings (issue and reading),
    the options (description and each choice), every node's note, the
    reading of its rounding (the explanation page shows it too) and the act
    that repealed it. The amendments' readings, options and restated notes
    are in the resolved edition; the edition's own ``note`` is read from its
    file (``catalog.edition_note``)."""
    for reading in methodology.readings:
        yield reading.issue, f"reading {reading.id} issue"
        yield reading.reading, f"reading {reading.id} reading"
    for key, option in methodology.options.items():
        yield option.description, f"option {key} description"
        for choice, text in option.choices.items():
            yield text, f"option {key} choice {choice}"
    for node in methodology.walk():
        if node.note:
            yield node.note, f"{node.id} note"
    if methodology.rounding.reading:
        yield methodology.rounding.reading, "rounding reading"
    if methodology.act.repealed is not None:
        yield methodology.act.repealed.by, "act repealed.by"


# References name the act's parts in English ("App 5 item 5", "App 1, row 2.3.1,
# column 3", "p.57(1)"); the numbers stay, the words are the act's own.
_REFERENCE_WORDS = {
    "kk": [(r"\bcolumn comment\b", "түсіндірме бағаны"),
           (r"\brow ([A-Z]?\d[\w.–-]*\w|\d)", r"\1-жол"), (r"\bcolumn ([A-Z]?\d[\w.–-]*\w|\d)", r"\1-баған"),
           (r"\brow\b", "жол"), (r"\bcolumn\b", "баған"),
           (r"\b(?:App\.?|Appendix|APP)\s*(\d+)", r"\1-қосымша"), (r"\bTables? (\d+)", r"\1-кесте"),
           (r"\bitem (\d+)", r"\1-тармақша"), (r"\bsection ([\w.–-]*\w)", r"\1-бөлім"),
           (r"\bpart (\d+)", r"\1-бөлік"), (r"\bpp\.\s*(\d+(?:\(\d+\))?(?:–\d+)?)", r"\1-тармақтар"),
           (r"\bp\.\s*(\d+(?:\(\d+\))?(?:–\d+)?)", r"\1-тармақ"), (r"\bnote\b", "ескертпе"),
           (r"\bWG\b", "жұмыс тобы"), (r"^Entered\b", "енгізіледі"), (r"^Body\b", "орган"), (r"^Report\b", "есеп"),
           (r"^Agency\b", "Агенттік"), (r"^MCI\b", "МАМ"), (r"^Portal\b", "портал"), (r"^Calendar\b", "күнтізбе"),
           (r"^Monitoring\b", "мониторинг")],
    "ru": [(r"\bcolumn comment\b", "графа «обоснование»"), (r"\b(?:App\.?|Appendix|APP)\s*(\d+)", r"приложение \1"),
           (r"\bTables (\d+)", r"таблицы \1"),
           (r"\bTable (\d+)", r"таблица \1"), (r"\brow ", "строка "), (r"\bcolumn ", "графа "),
           (r"\bitem ", "пункт "), (r"\bsection ", "раздел "), (r"\bpart ", "часть "),
           (r"\bpp\.\s*", "пп. "), (r"\bp\.\s*", "п. "), (r"\bnote\b", "примечание"),
           (r"\bWG\b", "рабочая группа"), (r"^Entered\b", "вводится"), (r"^Body\b", "орган"), (r"^Report\b", "отчёт"),
           (r"^Agency\b", "Агентство"), (r"^MCI\b", "МКИ"), (r"^Portal\b", "портал"), (r"^Calendar\b", "календарь"),
           (r"^Monitoring\b", "мониторинг")]
}
_COMPILED_WORDS = {lang: [(re.compile(pattern), replacement) for pattern, replacement in words]
                   for lang, words in _REFERENCE_WORDS.items()}


def localise_reference(text: str, lang: str) -> str:
    """A reference into the act with its structural words in ``lang``."""
    for pattern, replacement in _COMPILED_WORDS.get(lang, ()):
        text = pattern.sub(replacement, text)
    return text


def lacks_language(explanation: dict, lang: str) -> bool:
    """Whether the act gives no names in ``lang`` (it-2012 has no Kazakh text):
    its names are then shown in Russian, and the reader must be told."""
    return lang != "en" and any(not entry["name"].get(lang) for entry in walk(explanation))
