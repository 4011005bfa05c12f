"""Interface languages: Kazakh, Russian and English, from Babel catalogs.

The catalogs are the ``.po`` files in ``locales/<lang>/LC_MESSAGES/messages.po``;
they are compiled in memory when first used (no ``.mo`` files to keep in step).
Message ids are the English text. Kazakh and Russian are required for every
message a person reads; English falls back to the message id.

``translator(lang, strict=...)`` gives the gettext functions of one language. In
strict mode (the tests; ``BAGALAU_STRICT_I18N=1``) a message id without a
Kazakh or a Russian translation raises ``MissingTranslation`` wherever it is
rendered, so a page that shows an untranslated message fails its test.

``python -m bagalau.i18n update`` extracts the message ids from the code and
the templates into the catalogs (keeping the translations); ``... check``
lists those still without a Kazakh or Russian translation and exits 1.
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
DOMAIN = "messages"


class MissingTranslation(LookupError):
    """A message id rendered without its Kazakh or Russian translation."""


def po_path(lang: str) -> Path:
    return LOCALES / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


@lru_cache(maxsize=None)
def catalog(lang: str) -> Catalog:
    with po_path(lang).open("rb") as handle:
        return read_po(handle, locale=lang, domain=DOMAIN)


@lru_cache(maxsize=None)
def translations(lang: str) -> Translations:
    """The compiled catalog of ``lang`` (English: the message ids themselves)."""
    buffer = io.BytesIO()
    write_mo(buffer, catalog(lang), use_fuzzy=False)
    buffer.seek(0)
    return Translations(fp=buffer, domain=DOMAIN)


def _translated(lang: str, msgid: str) -> bool:
    message = catalog(lang).get(msgid)
    if message is None or message.fuzzy:
        return False
    strings = message.string if isinstance(message.string, (list, tuple)) else [message.string]
    return all(strings) and bool(strings)


@lru_cache(maxsize=None)
def missing(msgid: str) -> tuple[str, ...]:
    """The required languages in which ``msgid`` has no translation."""
    return tuple(lang for lang in REQUIRED if not _translated(lang, msgid))


def strict_default() -> bool:
    return os.environ.get("BAGALAU_STRICT_I18N", "") not in ("", "0", "false", "no")


@dataclass(frozen=True)
class Translator:
    """gettext and ngettext of one language; ``strict`` raises for a message
    id without its Kazakh or Russian translation."""
    lang: str
    strict: bool = False

    def _check(self, msgid: str) -> None:
        if self.strict:
            lacking = missing(msgid)
            if lacking:
                raise MissingTranslation(f"no {'/'.join(lacking)} translation of the message {msgid!r} "
                                         f"(add it to bagalau/i18n/locales/*/LC_MESSAGES/messages.po)")

    def gettext(self, msgid: str) -> str:
        self._check(msgid)
        return translations(self.lang).gettext(msgid)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        self._check(singular)
        return translations(self.lang).ngettext(singular, plural, n)

    @property
    def locale(self) -> Locale:
        return Locale.parse(self.lang)


@lru_cache(maxsize=None)
def translator(lang: str, strict: bool | None = None) -> Translator:
    if lang not in LANGUAGES:
        lang = DEFAULT
    return Translator(lang, strict_default() if strict is None else strict)


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
