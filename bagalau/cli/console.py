"""What both command-line modules share: the consoles, the language of the run and its messages
(``_``), the error exit, KEY=VALUE options."""

from __future__ import annotations

import os

import typer
from rich.console import Console
from rich.markup import escape

from bagalau.i18n import DOMAIN, ENGINE, LANGUAGES, localize, translator

LANG_ENV = "BAGALAU_LANG"
DEFAULT_LANG = "ru"
_language: str | None = None


def set_language(lang: str | None) -> None:
    """The language of this run's messages (``--lang`` of a command sets it)."""
    global _language
    _language = lang if lang in LANGUAGES else None


def language() -> str:
    """This run's language: ``--lang``, else ``BAGALAU_LANG``, else Russian."""
    if _language is not None:
        return _language
    chosen = os.environ.get(LANG_ENV, "").strip().lower()
    return chosen if chosen in LANGUAGES else DEFAULT_LANG


def _(msgid: str, **params) -> str:
    """A message of the command line in this run's language (``engine`` catalog), its
    ``%(name)s`` placeholders filled from ``params``."""
    text = translator(language(), None, ENGINE).gettext(msgid)
    return text % params if params else text

class _Console(Console):
    """A console that never crops a line: a table wider than the terminal (``terminal.Table``)
    reaches it whole, and the terminal wraps it."""

    def print(self, *objects, crop: bool = False, **kwargs) -> None:
        super().print(*objects, crop=crop, **kwargs)


out = _Console()
err = _Console(stderr=True)

# Exit statuses of every command (README, "Exit statuses").
OK = 0
PROBLEMS = 1        # `check` or `audit verify` found problems in what it was asked to check
BAD_INPUT = 2       # bad input, usage or a refused step: the message says what and where
INTERNAL = 3        # an internal error (a bug): one line, BAGALAU_DEBUG=1 for the traceback
CONFLICT = 4        # someone else changed the same record first; nothing was written: reload and retry
ABORTED = 130       # interrupted (Ctrl-C)


def said(message) -> str:
    """A message of the store or the campaigns (``i18n.Message``, ``messages`` catalog) in this run's language;
    other text as it is."""
    return localize(message, translator(language(), None, DOMAIN))


def styled(text: str, style: str) -> str:
    """``text`` (not markup) in a Rich ``style``: the message may hold brackets."""
    return f"[{style}]{escape(text)}[/]"


def fail(message: str, code: int = 2) -> None:
    """Print one clear error line and exit (status 2 unless said otherwise)."""
    err.print(styled(_("error:"), "red") + " " + escape(message), highlight=False)
    raise typer.Exit(code)


def warn(message: str) -> None:
    """Print one warning line (the run goes on)."""
    err.print(styled(_("warning:"), "yellow") + " " + escape(message), highlight=False)


def wrote(path) -> None:
    """Say that a file was written (on standard error: standard output may be the file)."""
    err.print(_("wrote %(path)s", path=path), highlight=False, markup=False)


def parse_pairs(items: list[str], what: str) -> dict[str, str]:
    """`--option A13=zero --option A32=full` → {"A13": "zero", "A32": "full"}."""
    result = {}
    for item in items:
        if "=" not in item:
            fail(_("%(option)s takes KEY=VALUE, got '%(value)s'", option=what, value=item))
        key, value = item.split("=", 1)
        result[key.strip()] = value.strip()
    return result
