"""The `bagalau` Typer application and its console entry point.

Command groups live in their own modules (``methodologies``, ``campaigns``…)
and attach themselves to ``app``; ``bagalau.cli`` imports them all.
"""

from __future__ import annotations

import sys
from typing import Optional

import typer
from rich.markup import escape
from typer.core import TyperGroup

from bagalau.cli import terminal
from bagalau.cli.console import ABORTED, BAD_INPUT, INTERNAL, _, err, out, set_language, styled


class WideTablesGroup(TyperGroup):
    """The root command group; it gives every command the ``--wide`` switch (``terminal.wide_option``)
    once the command tree is built, so that any table can be printed unwrapped for piping."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        wide = terminal.wide_option()
        for command in _leaves(self):
            if not any(param.name == "wide" for param in command.params):
                command.params.append(wide)


def _leaves(group: TyperGroup):
    """Every command under ``group``, in its sub-groups too."""
    for command in group.commands.values():
        if isinstance(getattr(command, "commands", None), dict):     # a group
            yield from _leaves(command)
        else:
            yield command


app = typer.Typer(cls=WideTablesGroup, add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  help="Bagalau: executable, explainable assessment methodologies of Kazakhstan's state bodies.")


def version_text() -> str:
    from importlib.metadata import PackageNotFoundError, version
    try:
        return version("bagalau")
    except PackageNotFoundError:
        return "unknown (not installed)"


def _show_version(value: bool) -> None:
    if value:
        out.print(f"bagalau {version_text()}", highlight=False)
        raise typer.Exit(0)


@app.callback()
def root(version: Optional[bool] = typer.Option(None, "--version", is_eager=True, callback=_show_version,
                                                help="Print the version and exit.")) -> None:
    """Bagalau: executable, explainable assessment methodologies of Kazakhstan's state bodies."""
    set_language(None)      # this run's: its command's --lang, else BAGALAU_LANG (not an earlier run's, in-process)


def main() -> None:
    """Console entry point. An unexpected failure prints one line, not a
    traceback (set BAGALAU_DEBUG=1 to see it), and exits with status 3."""
    import os
    try:
        code = app(standalone_mode=False)
        sys.exit(code if isinstance(code, int) else 0)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except typer.Abort:
        err.print(_("aborted"))
        sys.exit(ABORTED)
    except typer.TyperException as exc:  # usage errors: show them as the tool's help would
        show = getattr(exc, "show", None)
        if show:
            show()
        else:
            err.print(_("error:") + f" {exc}", highlight=False, markup=False)
        sys.exit(getattr(exc, "exit_code", BAD_INPUT))
    except Exception as exc:  # noqa: BLE001 - the last line of defence for users
        from bagalau.store.database import MissingDriver
        if isinstance(exc, MissingDriver):     # not a bug: something to install
            err.print(styled(_("error:"), "red") + " " + escape(str(exc)), highlight=False)
            sys.exit(BAD_INPUT)
        if os.environ.get("BAGALAU_DEBUG"):
            raise
        err.print(styled(_("internal error:"), "red") + f" {type(exc).__name__}: {escape(str(exc))} "
                  + escape(_("(set BAGALAU_DEBUG=1 for the details, and please report it)")), highlight=False)
        sys.exit(INTERNAL)


