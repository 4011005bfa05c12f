"""The store from the command line: what every command on it shares.

The command line on the store is an administrator's tool: whoever holds the
database can write to it anyway. ``--as`` names the user a step is taken for,
and the campaign steps check that user's role against the access policy
(``campaigns.policy``), as the API does for a signed-in user.

Every command opens the store given by ``--database`` or
``BAGALAU_DATABASE_URL`` (default: the embedded SQLite file in the user's
data directory, brought up to date automatically) and acts as the user
named by ``--as`` or ``BAGALAU_USER``. Each command is one transaction:
it is written whole or not at all. Errors print one clear message and
exit with status 2.

This module holds the options (``--database``, ``--as``, ``--campaign``,
``--on``), the error guard, and the opening of the store; ``app`` is the
Typer application the store's commands attach to (``campaigns``,
``submissions``, ``objections``, ``administration``, ``audit``).
"""

from __future__ import annotations

import os
from datetime import date, datetime, timezone
from functools import wraps

import typer
from sqlalchemy.exc import OperationalError, ProgrammingError, SQLAlchemyError

from bagalau import campaigns, store
from bagalau.campaigns import registry
from bagalau.cli.console import CONFLICT, _, err, fail
from bagalau.engine.inputs import InputError
from bagalau.store import migrations

app = typer.Typer(add_completion=False, pretty_exceptions_enable=False)


DATABASE = typer.Option(None, "--database", help="Database URL (default: $BAGALAU_DATABASE_URL, or the embedded "
                                                 "SQLite file in the user's data directory).")
ACTOR = typer.Option(None, "--as", help="Who acts (a user name); default $BAGALAU_USER.")
CAMPAIGN = typer.Option(None, "--campaign", "-c", help="Campaign id or name (default: the latest).")
ON = typer.Option(None, "--on", help="Effective date YYYY-MM-DD (default: now), e.g. to enter a past step.")
PUBLIC_URL = typer.Option("http://127.0.0.1:8000", "--public-url", envvar="BAGALAU_PUBLIC_URL",
                          help="where users reach Bagalau (for setup links)")


def guarded(function):
    """Turn the errors users can cause into one clear message, no traceback."""
    @wraps(function)
    def wrapper(*args, **kwargs):
        try:
            return function(*args, **kwargs)
        except campaigns.ConflictError as exc:
            fail(_("conflict: %(reason)s", reason=exc), CONFLICT)
        except campaigns.CampaignError as exc:
            fail(str(exc))
        except registry.RegistryError as exc:
            fail(str(exc))
        except InputError as exc:
            fail(_("%(count)s input problem(s); nothing was stored:", count=len(exc.problems)) + "\n  "
                 + "\n  ".join(str(p) for p in exc.problems))
        except (OperationalError, ProgrammingError) as exc:
            fail(_("database error: %(reason)s", reason=str(exc.orig).strip().splitlines()[0] if exc.orig else exc)
                 + "\n  " + _("(is the database reachable, and its schema current? `bagalau db upgrade`)"))
        except SQLAlchemyError as exc:
            fail(_("the database refused the change: %(reason)s; nothing was written", reason=database_reason(exc)))
    return wrapper


def database_reason(exc: Exception) -> str:
    """What the database said, without SQLAlchemy's wrapping: no "(sqlite3.IntegrityError)", no SQL."""
    import re
    text = str(getattr(exc, "orig", None) or exc).strip()
    text = re.sub(r"^\([\w.]+\)\s*", "", text.splitlines()[0] if text else "")
    return text or "no reason given"


def actor_name(given: str | None) -> str:
    name = given or os.environ.get("BAGALAU_USER")
    if not name:
        fail(_("say who acts: --as NAME or BAGALAU_USER (users: `bagalau users list`)"))
    return name


def effective(on: str | None) -> datetime | None:
    if on is None:
        return None
    try:
        day = date.fromisoformat(on)
    except ValueError:
        fail(_("--on takes a date YYYY-MM-DD, got '%(value)s'", value=on))
    return datetime(day.year, day.month, day.day, 12, 0, tzinfo=timezone.utc)


def open_store(database: str | None, upgrade: bool = True):
    """A session factory for the store, its schema checked (the embedded SQLite file is upgraded)."""
    url = store.database_url(database)
    engine = store.make_engine(url)
    head = migrations.head()
    try:
        current = migrations.current(engine)
    except OperationalError as exc:
        fail(_("cannot open the database %(database)s: %(reason)s", database=store.describe(url),
                reason=str(exc.orig).strip().splitlines()[0]))
    if current != head:
        if upgrade and engine.dialect.name == "sqlite":
            migrations.upgrade(engine)
            err.print(f"[dim]store {store.describe(url)}: schema brought to revision {head}[/]")
        else:
            fail(_("the database %(database)s is at schema revision %(current)s, not %(head)s; run `bagalau db upgrade`",
                   database=store.describe(url), current=current or "none", head=head))
    return store.make_sessionmaker(engine)
