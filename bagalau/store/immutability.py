"""Append-only tables: the ORM refuses UPDATE and DELETE of them, and so do database
triggers on SQLite and PostgreSQL.

``APPEND_ONLY`` is every table that holds a result or a decision (the README lists
them with the reason), plus the audit log and the anchors. The campaign's own row
(its state), its members (report flags) and its deadlines (resolved as events
happen) stay mutable: they are workflow, and the audit chain commits to every
version of them (``records``). The registry (bodies, users) is mutable too."""

from __future__ import annotations

from sqlalchemy import event, inspect, text

from .models import (
    Anchor,
    AppliedPenaltyRow,
    AuditEntry,
    Base,
    Commission,
    CommissionMember,
    Conclusion,
    Decision,
    EvaluatorAssignment,
    Fact,
    FactRemoval,
    FindingDecision,
    ImprovementPlan,
    Objection,
    PlanAction,
    PlanCheck,
    Reconciliation,
    ReconciliationFinding,
    RunResult,
    ScoringRun,
    SubmissionVersion,
)

# --- immutability -------------------------------------------------------------------

RESULTS_AND_DECISIONS = (SubmissionVersion, Fact, FactRemoval, ScoringRun, RunResult, AppliedPenaltyRow, Conclusion,
                         Objection, Commission, CommissionMember, Decision, ImprovementPlan, PlanAction, PlanCheck,
                         EvaluatorAssignment, Reconciliation, ReconciliationFinding, FindingDecision)
IMMUTABLE = (*RESULTS_AND_DECISIONS, AuditEntry, Anchor)
IMMUTABLE_TABLES = tuple(model.__tablename__ for model in IMMUTABLE)
APPEND_ONLY = tuple(model.__tablename__ for model in RESULTS_AND_DECISIONS)


class ImmutableRowError(RuntimeError):
    pass


def _refuse(kind: str):
    def listener(mapper, connection, target):
        if kind == "update" and not _columns_changed(inspect(target)):
            return    # only a collection of it changed (e.g. members appended): no UPDATE of its row
        raise ImmutableRowError(f"{target.__tablename__} rows are written once and never {kind}d")
    return listener


def _columns_changed(state) -> bool:
    return any(state.attrs[prop.key].history.has_changes() for prop in state.mapper.column_attrs)


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
