"""Alembic migrations of the campaign store, shipped inside the package.

``script_location`` is the package resource ``bagalau.store.migrations:.``, so the
migrations work from an installed package as well as from a checkout.
Use them through ``bagalau db upgrade|downgrade|current`` or the functions
below; ``alembic -c <this folder>/alembic.ini upgrade head`` works too
(the URL then comes from ``BAGALAU_DATABASE_URL`` or the embedded default).
"""

from __future__ import annotations

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection, Engine

SCRIPT_LOCATION = "bagalau.store.migrations:."


def config(connection: Connection | None = None, url: str | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", SCRIPT_LOCATION)
    if url:
        cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def head() -> str:
    return ScriptDirectory.from_config(config()).get_current_head()


def current(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade(engine: Engine, revision: str = "head") -> None:
    with engine.begin() as connection:
        command.upgrade(config(connection), revision)


def downgrade(engine: Engine, revision: str = "-1") -> None:
    with engine.begin() as connection:
        command.downgrade(config(connection), revision)
