"""Fixtures for tests of the campaign store, on SQLite and PostgreSQL.

Every test gets a fresh database state: a new SQLite file in its tmp_path,
or a new schema in the PostgreSQL test database (dropped afterwards). The
PostgreSQL cases run whenever the server in BAGALAU_TEST_POSTGRES_URL
(default postgresql+psycopg://postgres@127.0.0.1:5432/bagalau_test) is
reachable, and are skipped with the reason otherwise.

Import the fixtures into a test module: ``from support.store import *``.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from contextlib import contextmanager
from functools import lru_cache
from urllib.parse import quote

import pytest
from sqlalchemy import create_engine, text

from bagalau import store

PG_URL = os.environ.get("BAGALAU_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/bagalau_test")


@lru_cache(maxsize=1)
def postgres_problem() -> str | None:
    """None when the PostgreSQL test database answers, else why not."""
    try:
        engine = create_engine(PG_URL, connect_args={"connect_timeout": 3})
        with engine.connect() as connection:
            connection.execute(text("select 1"))
        engine.dispose()
        return None
    except Exception as exc:  # any failure to connect means: skip, with the reason
        return f"PostgreSQL not reachable at {store.describe(PG_URL)}: {str(exc).splitlines()[0]}"


BACKENDS = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param("postgresql", id="postgresql"),
]


def _fresh_url(backend: str, tmp_path) -> tuple[str, callable]:
    if backend == "sqlite":
        # In memory-backed /dev/shm where there is one: creating the schema on a
        # disk that syncs every DDL statement is 50× slower, and nothing here
        # needs to survive a machine crash (a killed process is not one).
        if os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK):
            folder = tempfile.mkdtemp(prefix="bagalau-test-", dir="/dev/shm")
            return f"sqlite:///{folder}/store.sqlite", lambda: shutil.rmtree(folder, ignore_errors=True)
        return f"sqlite:///{tmp_path / 'store.sqlite'}", lambda: None
    problem = postgres_problem()
    if problem:
        if os.environ.get("BAGALAU_REQUIRE_POSTGRES"):
            pytest.fail(f"{problem} (BAGALAU_REQUIRE_POSTGRES is set: on CI the PostgreSQL cases must run)")
        pytest.skip(problem)
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_URL, connect_args={"options": "-csynchronous_commit=off"})
    with admin.begin() as connection:
        connection.execute(text(f"CREATE SCHEMA {schema}"))
    separator = "&" if "?" in PG_URL else "?"
    # synchronous_commit=off: commits do not wait for the WAL flush (a test
    # database needs no crash durability); transactions behave the same.
    url = f"{PG_URL}{separator}options={quote(f'-csearch_path={schema} -csynchronous_commit=off')}"

    def drop() -> None:
        with admin.begin() as connection:
            connection.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        admin.dispose()
    return url, drop


@pytest.fixture(params=BACKENDS)
def empty_url(request, tmp_path):
    """The URL of a fresh, empty database (no tables)."""
    url, drop = _fresh_url(request.param, tmp_path)
    yield url
    drop()


@pytest.fixture
def db_url(empty_url):
    """The URL of a fresh database with the schema created from the models."""
    engine = store.make_engine(empty_url)
    store.Base.metadata.create_all(engine)
    engine.dispose()
    return empty_url


@pytest.fixture
def engine(db_url):
    engine = store.make_engine(db_url)
    yield engine
    engine.dispose()


@pytest.fixture
def factory(engine):
    return store.make_sessionmaker(engine)


@contextmanager
def fresh_database(backend: str, folder):
    """A fresh, empty database for a longer-lived fixture: yields its URL, drops it after."""
    url, drop = _fresh_url(backend, folder)
    try:
        yield url
    finally:
        drop()


@contextmanager
def as_attacker(engine):
    """A connection as someone with direct access to the database would use it: foreign
    keys unchecked and the append-only triggers dropped, in one transaction that is rolled
    back afterwards (SQLite and PostgreSQL both roll back DDL)."""
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
            connection.commit()
        transaction = connection.begin()
        if sqlite:
            connection.exec_driver_sql("BEGIN")
        else:
            connection.exec_driver_sql("SET LOCAL session_replication_role = replica")
        store.drop_triggers(connection, function=False)
        try:
            yield connection
        finally:
            transaction.rollback()
            if sqlite:
                connection.exec_driver_sql("PRAGMA foreign_keys=ON")
                connection.commit()
