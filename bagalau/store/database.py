"""Engine and sessions: the database URL (SQLite in the user's data directory by default,
or PostgreSQL), and the transaction every campaign step runs in."""

from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from .models import APP_NAME, ENV_URL

# --- engine and sessions ------------------------------------------------------------

def default_path() -> Path:
    import platformdirs
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)) / "bagalau.sqlite"


def database_url(url: str | None = None) -> str:
    """The URL to use: the argument, else $BAGALAU_DATABASE_URL, else the embedded SQLite file."""
    if url:
        return url
    if os.environ.get(ENV_URL):
        return os.environ[ENV_URL]
    path = default_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{path}"


class MissingDriver(RuntimeError):
    """The URL names a database whose driver is not installed; the message says what to install."""


POSTGRES_EXTRA = "pip install 'bagalau[postgres]'"


def make_engine(url: str | None = None, **kwargs) -> Engine:
    url = database_url(url)
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    if url.startswith("sqlite"):
        kwargs.setdefault("connect_args", {}).setdefault("timeout", 30)
    try:
        engine = create_engine(url, **kwargs)
    except ImportError as exc:
        if url.startswith("postgresql"):
            raise MissingDriver(
                f"the database {describe(url)} is PostgreSQL, but its driver is not installed "
                f"({' '.join(str(exc).split())}); install it with {POSTGRES_EXTRA} "
                "(the embedded SQLite store needs nothing)") from None
        raise MissingDriver(f"the driver of the database {describe(url)} is not installed: "
                            f"{' '.join(str(exc).split())}") from None
    if engine.dialect.name == "sqlite":
        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, record):
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()
    return engine


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def transaction(factory: sessionmaker[Session]) -> Iterator[Session]:
    """A session whose work is committed together at the end, or not at all."""
    session = factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def describe(url: str) -> str:
    """The URL without a password, for messages."""
    from sqlalchemy.engine import make_url
    return make_url(url).render_as_string(hide_password=True)
