"""Append-only tables: the ORM refuses UPDATE and DELETE of them, and so do database
triggers on SQLite and PostgreSQL."""

from __future__ import annotations

from sqlalchemy import event, text

from .models import (
    AppliedPenaltyRow,
    AuditEntry,
    Base,
    RunResult,
    ScoringRun,
    SubmissionVersion,
)

# --- immutability -------------------------------------------------------------------

IMMUTABLE = (SubmissionVersion, ScoringRun, RunResult, AppliedPenaltyRow, AuditEntry)
IMMUTABLE_TABLES = tuple(model.__tablename__ for model in IMMUTABLE)


class ImmutableRowError(RuntimeError):
    pass


def _refuse(kind: str):
    def listener(mapper, connection, target):
        raise ImmutableRowError(f"{target.__tablename__} rows are written once and never {kind}d")
    return listener


for _model in IMMUTABLE:
    event.listen(_model, "before_update", _refuse("update"))
    event.listen(_model, "before_delete", _refuse("delete"))


def trigger_ddl(dialect: str, table: str) -> tuple[list[str], list[str]]:
    """SQL that makes ``table`` refuse UPDATE and DELETE, and SQL that undoes it."""
    if dialect == "sqlite":
        create = [f"CREATE TRIGGER {table}_no_{op} BEFORE {op.upper()} ON {table} "
                  f"BEGIN SELECT RAISE(ABORT, '{table} is append-only: rows are never {op}d'); END"
                  for op in ("update", "delete")]
        drop = [f"DROP TRIGGER IF EXISTS {table}_no_{op}" for op in ("update", "delete")]
    elif dialect == "postgresql":
        create = [f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                  "FOR EACH ROW EXECUTE FUNCTION bagalau_append_only()"]
        drop = [f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}"]
    else:
        return [], []
    return create, drop


PG_FUNCTION = """CREATE OR REPLACE FUNCTION bagalau_append_only() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION '% is append-only: rows are never changed or deleted', TG_TABLE_NAME;
END $$ LANGUAGE plpgsql"""
PG_FUNCTION_DROP = "DROP FUNCTION IF EXISTS bagalau_append_only()"


def create_triggers(connection, tables: tuple[str, ...] = IMMUTABLE_TABLES) -> None:
    dialect = connection.dialect.name
    if dialect == "postgresql":
        connection.execute(text(PG_FUNCTION))
    for table in tables:
        for statement in trigger_ddl(dialect, table)[0]:
            connection.execute(text(statement))


def drop_triggers(connection, tables: tuple[str, ...] = IMMUTABLE_TABLES, function: bool = True) -> None:
    dialect = connection.dialect.name
    for table in tables:
        for statement in trigger_ddl(dialect, table)[1]:
            connection.execute(text(statement))
    if dialect == "postgresql" and function:
        connection.execute(text(PG_FUNCTION_DROP))


@event.listens_for(Base.metadata, "after_create")
def _after_create(target, connection, **kw):
    create_triggers(connection)


@event.listens_for(Base.metadata, "before_drop")
def _before_drop(target, connection, **kw):
    drop_triggers(connection)
