"""Alembic environment: runs the migrations on the connection it is given
(``config.attributes["connection"]``), or on the configured URL."""

from __future__ import annotations

from alembic import context

from bagalau import store

config = context.config
target_metadata = store.Base.metadata


def run(connection) -> None:
    context.configure(connection=connection, target_metadata=target_metadata,
                      render_as_batch=connection.dialect.name == "sqlite", compare_type=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        run(connection)
        return
    engine = store.make_engine(config.get_main_option("sqlalchemy.url") or None)
    with engine.begin() as connection:
        run(connection)
    engine.dispose()


if context.is_offline_mode():
    context.configure(url=store.database_url(config.get_main_option("sqlalchemy.url") or None),
                      target_metadata=target_metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()
else:
    run_migrations_online()
