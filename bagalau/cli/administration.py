"""Command-line commands for the administrator: the store's schema (``db``), the
registry of bodies (``bodies``) and the users (``users``)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Optional

import typer
from sqlalchemy import select

from bagalau import campaigns, store
from bagalau.campaigns import accounts, registry
from bagalau.cli.console import out
from bagalau.cli.store_access import ACTOR, DATABASE, PUBLIC_URL, guarded, open_store
from bagalau.cli.terminal import Table
from bagalau.store import migrations

db_app = typer.Typer(no_args_is_help=True, help="The store's schema (Alembic migrations).")
bodies_app = typer.Typer(no_args_is_help=True, help="The registry of state bodies (CSV / XLSX).")
users_app = typer.Typer(no_args_is_help=True, help="Users and their roles.")


# --- db -----------------------------------------------------------------------------

@db_app.command("upgrade")
@guarded
def db_upgrade(revision: str = typer.Argument("head"), database: Optional[str] = DATABASE) -> None:
    """Create or update the schema (Alembic upgrade)."""
    url = store.database_url(database)
    engine = store.make_engine(url)
    migrations.upgrade(engine, revision)
    out.print(f"{store.describe(url)}: at revision {migrations.current(engine)}")


@db_app.command("downgrade")
@guarded
def db_downgrade(revision: str = typer.Argument("-1", help="e.g. -1 or base (drops every table)"),
                 database: Optional[str] = DATABASE) -> None:
    """Step the schema back (Alembic downgrade)."""
    url = store.database_url(database)
    engine = store.make_engine(url)
    migrations.downgrade(engine, revision)
    out.print(f"{store.describe(url)}: at revision {migrations.current(engine) or 'base (empty)'}")


@db_app.command("current")
@guarded
def db_current(database: Optional[str] = DATABASE) -> None:
    """Show the schema revision."""
    url = store.database_url(database)
    out.print(f"{store.describe(url)}: revision {migrations.current(store.make_engine(url)) or 'none'} "
              f"(head {migrations.head()})")


# --- registry and users -------------------------------------------------------------------

@bodies_app.command("import")
@guarded
def bodies_import(file: Path, database: Optional[str] = DATABASE, actor: Optional[str] = ACTOR) -> None:
    """Import bodies from CSV or XLSX (all rows or none)."""
    factory = open_store(database)
    with store.transaction(factory) as s:
        summary = registry.import_bodies(s, file, actor or os.environ.get("BAGALAU_USER") or "registry import")
    out.print(f"{file}: {summary['created']} created, {summary['updated']} updated, {summary['unchanged']} unchanged")


@bodies_app.command("export")
@guarded
def bodies_export(file: Path, database: Optional[str] = DATABASE) -> None:
    """Export the registry to CSV or XLSX."""
    factory = open_store(database)
    with store.transaction(factory) as s:
        count = registry.export_bodies(s, file)
    out.print(f"wrote {count} bodies to {file}")


@users_app.command("add")
@guarded
def users_add(name: str, role: str = typer.Option(..., help="administrator, methodologist, evaluator, commission, "
                                                           "body (a body officer) or observer"),
              body: Optional[str] = typer.Option(None, help="body officers: their body; evaluators: their "
                                                            "evaluating body"),
              password_stdin: bool = typer.Option(False, "--password-stdin",
                                                  help="read an initial password from standard input; without "
                                                       "it, a one-time setup link is printed"),
              public_url: str = PUBLIC_URL, database: Optional[str] = DATABASE) -> None:
    """Add a user with a role, and an initial password or a one-time setup link."""
    password = _read_password() if password_stdin else None
    factory = open_store(database)
    with store.transaction(factory) as s:
        user = campaigns.add_user(s, name, role, body, actor=os.environ.get("BAGALAU_USER") or "administrator (cli)")
        link = _credentials(s, user, password, public_url)
    out.print(f"user {name}: {role}" + (f" for {body}" if body else ""))
    if link:
        out.print(f"one-time setup link (valid {accounts.SETUP_VALID.days * 24} h): {link}", soft_wrap=True)


@users_app.command("setup-link")
@guarded
def users_setup_link(name: str, public_url: str = PUBLIC_URL, database: Optional[str] = DATABASE) -> None:
    """Print a new one-time link with which the user sets a password."""
    factory = open_store(database)
    with store.transaction(factory) as s:
        link = _credentials(s, campaigns.get_user(s, name), None, public_url)
    out.print(f"one-time setup link for {name}: {link}", soft_wrap=True)


@users_app.command("password")
@guarded
def users_password(name: str, database: Optional[str] = DATABASE) -> None:
    """Set a user's password from standard input (ends their sessions, lifts a lock-out)."""
    password = _read_password()
    factory = open_store(database)
    with store.transaction(factory) as s:
        _credentials(s, campaigns.get_user(s, name), password, "")
    out.print(f"password of {name} set")


def _read_password() -> str:
    import sys
    if sys.stdin.isatty():
        return typer.prompt("password", hide_input=True, confirmation_prompt=True)
    return sys.stdin.readline().rstrip("\r\n")


def _credentials(session, user, password: str | None, public_url: str) -> str | None:
    actor = os.environ.get("BAGALAU_USER") or "administrator (cli)"
    if password is not None:
        accounts.set_password(session, user, password, actor)
        return None
    return f"{public_url.rstrip('/')}/setup#{accounts.create_setup_token(session, user, actor)}"


@users_app.command("list")
@guarded
def users_list(database: Optional[str] = DATABASE) -> None:
    factory = open_store(database)
    table = Table("name", "role", "body", "password", "locked until")
    with store.transaction(factory) as s:
        for user in s.execute(select(store.User).order_by(store.User.name)).scalars():
            table.add_row(user.name, user.role, user.body_code or "", "set" if user.password_hash else "—",
                          str(user.locked_until or ""))
    out.print(table)
