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


class MigrationError(RuntimeError):
    pass


def upgrade(engine: Engine, revision: str = "head") -> None:
    _migrate(engine, lambda connection: command.upgrade(config(connection), revision))


def downgrade(engine: Engine, revision: str = "-1") -> None:
    _migrate(engine, lambda connection: command.downgrade(config(connection), revision))


def _migrate(engine: Engine, run) -> None:
    """Run migrations in one transaction. On SQLite, whose ALTER TABLE is limited, Alembic
    rebuilds a table to change it; SQLite's own procedure for that switches foreign keys
    off for the rebuild, checks them before the commit, and opens the transaction
    explicitly (the sqlite3 module would otherwise commit each DDL statement on its own)."""
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
            connection.commit()
        try:
            with connection.begin():
                if sqlite:
                    connection.exec_driver_sql("BEGIN")
                run(connection)
                if sqlite:
                    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                    if broken:
                        raise MigrationError(f"the migration would leave {len(broken)} broken foreign key(s), "
                                             f"e.g. {tuple(broken[0])}; nothing was changed")
        finally:
            if sqlite:
                connection.exec_driver_sql("PRAGMA foreign_keys=ON")
                connection.commit()
