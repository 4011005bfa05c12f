"""Interface languages: Kazakh, Russian and English, from Babel catalogs.

The catalogs are the ``.po`` files in ``locales/<lang>/LC_MESSAGES/<domain>.po``,
one domain per audience: ``messages`` for the web pages, ``engine`` for the
engine's explanation notes, the definitions' prose they quote and the CLI's
output. They are compiled in memory when first used (no ``.mo`` files to keep
in step).
Message ids are the English text. Kazakh and Russian are required for every
message a person reads; English falls back to the message id.

``translator(lang, strict=..., domain=...)`` gives the gettext functions of one language. In
strict mode (the tests; ``BAGALAU_STRICT_I18N=1``) a message id without a
Kazakh or a Russian translation raises ``MissingTranslation`` wherever it is
rendered, so a page that shows an untranslated message fails its test.

``python -m bagalau.i18n update`` extracts the message ids from the code and
the templates into the catalogs of both domains (keeping the translations);
``... check`` lists those still without a Kazakh or Russian translation and
exits 1.
"""

from __future__ import annotations

import io
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from babel import Locale
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

LANGUAGES: tuple[str, ...] = ("kk", "ru", "en")
REQUIRED: tuple[str, ...] = ("kk", "ru")          # every message must have these
DEFAULT = "kk"                                     # the state language
NAMES = {"kk": "Қазақша", "ru": "Русский", "en": "English"}
LOCALES = Path(__file__).resolve().parent / "locales"
DOMAIN = "messages"                                # the web pages
ENGINE = "engine"                                  # explanation notes and the CLI
DOMAINS: tuple[str, ...] = (DOMAIN, ENGINE)
# Editions whose definition prose (the sentences the notes quote, and the
# readings, options and notes the methodology browser shows) may still wait
# for its translation: shown in English, marked, meanwhile; ``check`` only
# counts it. The three below are being translated in another branch (issue 10).
PROSE_PENDING: tuple[str, ...] = ()


def prose_pending(methodology) -> bool:
    """Whether an edition's prose (its own or what it inherits) may wait."""
    return bool({methodology.id, *methodology.lineage} & set(PROSE_PENDING))


class MissingTranslation(LookupError):
    """A message id rendered without its Kazakh or Russian translation."""


def po_path(lang: str, domain: str = DOMAIN) -> Path:
    return LOCALES / lang / "LC_MESSAGES" / f"{domain}.po"


@lru_cache(maxsize=None)
def catalog(lang: str, domain: str = DOMAIN) -> Catalog:
    path = po_path(lang, domain)
    if not path.exists():   # a domain not yet extracted for this language
        return Catalog(locale=lang, domain=domain)
    with path.open("rb") as handle:
        return read_po(handle, locale=lang, domain=domain)


@lru_cache(maxsize=None)
def translations(lang: str, domain: str = DOMAIN) -> Translations:
    """The compiled catalog of ``lang`` (English: the message ids themselves)."""
    buffer = io.BytesIO()
    write_mo(buffer, catalog(lang, domain), use_fuzzy=False)
    buffer.seek(0)
    return Translations(fp=buffer, domain=domain)


def _translated(lang: str, msgid: str, domain: str = DOMAIN) -> bool:
    message = catalog(lang, domain).get(msgid)
    if message is None or message.fuzzy:
        return False
    strings = message.string if isinstance(message.string, (list, tuple)) else [message.string]
    return all(strings) and bool(strings)


@lru_cache(maxsize=None)
def missing(msgid: str, domain: str = DOMAIN) -> tuple[str, ...]:
    """The required languages in which ``msgid`` has no translation."""
    return tuple(lang for lang in REQUIRED if not _translated(lang, msgid, domain))


def has_translation(lang: str, msgid: str, domain: str = DOMAIN) -> bool:
    """Whether ``msgid`` has a (non-fuzzy) translation in ``lang``; English always has."""
    return lang == "en" or _translated(lang, msgid, domain)


def strict_default() -> bool:
    return os.environ.get("BAGALAU_STRICT_I18N", "") not in ("", "0", "false", "no")


@dataclass(frozen=True)
class Translator:
    """gettext and ngettext of one language; ``strict`` raises for a message
    id without its Kazakh or Russian translation."""
    lang: str
    strict: bool = False
    domain: str = DOMAIN

    def _check(self, msgid: str) -> None:
        if self.strict:
            lacking = missing(msgid, self.domain)
            if lacking:
                raise MissingTranslation(f"no {'/'.join(lacking)} translation of the message {msgid!r} "
                                         f"(add it to bagalau/i18n/locales/*/LC_MESSAGES/{self.domain}.po)")

    def gettext(self, msgid: str) -> str:
        self._check(msgid)
        return translations(self.lang, self.domain).gettext(msgid)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        self._check(singular)
        return translations(self.lang, self.domain).ngettext(singular, plural, n)

    @property
    def locale(self) -> Locale:
        return Locale.parse(self.lang)


@lru_cache(maxsize=None)
def translator(lang: str, strict: bool | None = None, domain: str = DOMAIN) -> Translator:
    if lang not in LANGUAGES:
        lang = DEFAULT
    return Translator(lang, strict_default() if strict is None else strict, domain)


class Message(str):
    """A sentence built in code for a person: the English text (it *is* that ``str``, so logs,
    JSON and existing callers see the English) that keeps its message id and values, so a page
    or the command line can show it in its own language (``translate``). The id's placeholders
    are ``%(name)s``; a value may itself be a ``Message``, or a list of them (joined with "; ").
    Extracted for the catalogs like ``N_`` (``Message("...")``); the store's and the campaigns'
    messages live in the ``messages`` domain."""

    msgid: str
    values: dict

    def __new__(cls, msgid: str, /, **values) -> "Message":
        self = super().__new__(cls, msgid % {k: _joined(v, str) for k, v in values.items()} if values else msgid)
        self.msgid, self.values = msgid, values
        return self

    def __reduce__(self):
        return _message, (self.msgid, self.values)

    def translate(self, translator: "Translator") -> str:
        """The sentence in ``translator``'s language (its values translated too)."""
        text = translator.gettext(self.msgid)
        if not self.values:
            return text
        return text % {k: _joined(v, lambda m: localize(m, translator)) for k, v in self.values.items()}


def _message(msgid: str, values: dict) -> Message:
    return Message(msgid, **values)


def _joined(value, show) -> object:
    if isinstance(value, (list, tuple)):
        return "; ".join(show(item) for item in value)
    return show(value) if isinstance(value, Message) else value


def localize(value, translator: "Translator") -> str:
    """``value`` in ``translator``'s language if it is a ``Message``; any other text as it is."""
    return value.translate(translator) if isinstance(value, Message) else ("" if value is None else str(value))


def N_(msgid: str) -> str:
    """Mark a message id for extraction; translate it where it is shown."""
    return msgid


def negotiate(accept_language: str | None) -> str | None:
    """The first of our languages named in an Accept-Language header, or None."""
    if not accept_language:
        return None
    ranked = []
    for position, part in enumerate(accept_language.split(",")):
        piece = part.strip().split(";")
        tag = piece[0].strip().lower()
        quality = 1.0
        for parameter in piece[1:]:
            if parameter.strip().startswith("q="):
                try:
                    quality = float(parameter.strip()[2:])
                except ValueError:
                    quality = 0.0
        ranked.append((-quality, position, tag.split("-")[0]))
    for _, _, tag in sorted(ranked):
        if tag in LANGUAGES:
            return tag
    return None
