"""The Alembic migrations: upgrade from empty, downgrade to base, upgrade
again; the migrated schema is exactly the ORM's (autogenerate finds no
difference); append-only tables refuse changes at the database level."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, select, text
from sqlalchemy.exc import DBAPIError
from typer.testing import CliRunner

from bagalau import store
from bagalau.campaigns import integrity
from bagalau.store import anchoring, audit, migrations
from bagalau.cli import app
from support.campaign import EVALUATOR, finished
from support.store import *  # noqa: F401,F403

TABLES = {"bodies", "users", "campaigns", "campaign_bodies", "evaluator_assignments", "deadlines", "submissions",
          "auth_sessions", "api_tokens", "setup_tokens", "evidence_files", "evidence", "jobs",
          "facts", "scoring_runs", "run_results", "penalties_applied", "conclusions", "objections", "commissions",
          "commission_members", "decisions", "improvement_plans", "plan_actions", "audit_log", "fact_removals",
          "plan_checks", "anchors", "reconciliations",
          "reconciliation_findings", "finding_decisions", "report_drafts"}


def _tables(engine) -> set[str]:
    return set(inspect(engine).get_table_names()) - {"alembic_version"}


def _diff(engine) -> list:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, store.Base.metadata)


def test_upgrade_downgrade_upgrade(empty_url):
    engine = store.make_engine(empty_url)
    assert _tables(engine) == set() and migrations.current(engine) is None
    migrations.upgrade(engine)
    assert migrations.current(engine) == migrations.head()
    assert _tables(engine) == TABLES
    assert _diff(engine) == []                       # the migration builds exactly the ORM's schema
    migrations.downgrade(engine, "base")
    assert _tables(engine) == set() and migrations.current(engine) is None
    migrations.upgrade(engine)
    assert _tables(engine) == TABLES and _diff(engine) == []
    engine.dispose()


def test_migrated_schema_keeps_data_rules(empty_url):
    engine = store.make_engine(empty_url)
    migrations.upgrade(engine)
    with engine.begin() as connection:
        connection.execute(text("INSERT INTO audit_log (seq, timestamp, actor, action, entity, payload, prev_hash, hash)"
                                " VALUES (1, 't', 'a', 'b', 'c', '{}', 'p', 'h')"))
    with pytest.raises(DBAPIError, match="append-only"):
        with engine.begin() as connection:
            connection.execute(text("UPDATE audit_log SET actor = 'x'"))
    with pytest.raises(DBAPIError):
        with engine.begin() as connection:   # the second entry cannot claim the same predecessor
            connection.execute(text("INSERT INTO audit_log (seq, timestamp, actor, action, entity, payload, "
                                    "prev_hash, hash) VALUES (2, 't', 'a', 'b', 'c', '{}', 'p', 'h2')"))
    migrations.downgrade(engine, "base")
    engine.dispose()


def test_db_commands(empty_url):
    runner = CliRunner()
    result = runner.invoke(app, ["db", "upgrade", "--database", empty_url])
    assert result.exit_code == 0, result.output
    assert f"at revision {migrations.head()}" in result.output
    result = runner.invoke(app, ["db", "current", "--database", empty_url])
    assert migrations.head() in result.output
    result = runner.invoke(app, ["db", "downgrade", "base", "--database", empty_url])
    assert result.exit_code == 0 and "base (empty)" in result.output
    engine = store.make_engine(empty_url)
    assert _tables(engine) == set()
    engine.dispose()


def test_a_non_embedded_database_behind_the_schema_is_not_used(empty_url):
    """Commands other than `db` refuse a database whose schema is not current (SQLite is upgraded for you)."""
    runner = CliRunner()
    result = runner.invoke(app, ["campaign", "status", "--database", empty_url], env={"BAGALAU_LANG": "en"})
    if empty_url.startswith("sqlite"):
        assert "there is no campaign yet" in result.output and result.exit_code == 2
    else:
        assert result.exit_code == 2 and "run `bagalau db upgrade`" in result.output
    assert "Traceback" not in result.output


def test_data_moves_down_to_0002_and_back(empty_url):
    """0003 turns the columns that were changed in place into rows that supersede. Down to
    0002 and up again keeps what they said, and the store still verifies: the upgrade
    commits to every row as it stands (a ``store.commit`` entry), and the anchor exported
    before still matches the chain it covers."""
    ring = anchoring.Keyring()
    ring.add_line("m:" + "42" * 32, "test")
    engine = store.make_engine(empty_url)
    migrations.upgrade(engine)
    factory = store.make_sessionmaker(engine)
    ids = finished(factory, codes=["akmola", "aktobe"], keyring=ring, reconcile=False)
    with store.transaction(factory) as s:
        anchor = anchoring.document(anchoring.stored(s)[0])
        second_run = s.execute(text("SELECT id FROM scoring_runs WHERE number = 2")).scalar()
    migrations.downgrade(engine, "0002")
    with engine.connect() as c:
        one = lambda sql: c.execute(text(sql)).one()  # noqa: E731
        assert one(f"SELECT status FROM objections WHERE id = {ids['objection']}") == ("accepted",)
        assert [tuple(r) for r in c.execute(text("SELECT id, removed_by_decision_id FROM facts ORDER BY id"))] == [
            (ids["facts"][0], ids["decision"]), (ids["facts"][1], None)]
        assert one(f"SELECT run_id FROM decisions WHERE id = {ids['decision']}") == (second_run,)
        assert one(f"SELECT status, checked_in_campaign_id, check_note FROM plan_actions WHERE id = {ids['action']}"
                   ) == ("done", ids["next"], "seen on site")
    migrations.upgrade(engine)
    with store.transaction(factory) as s:
        assert s.get(store.Objection, ids["objection"]).status == "accepted"
        assert [f.removed_by_decision_id for f in s.execute(select(store.Fact).order_by(store.Fact.id)).scalars()] \
            == [ids["decision"], None]
        assert s.get(store.Decision, ids["decision"]).run_id == second_run
        action = s.get(store.PlanAction, ids["action"])
        assert (action.status, action.check_note, action.checked_in_campaign_id) == ("done", "seen on site", ids["next"])
        assert action.last_check.checked_by == EVALUATOR
        report = integrity.verify_store(s, [anchor], ring)
        assert audit.entries(s)[-1].action == "store.commit"
    assert report.ok, report.findings
    assert any("predates flag snapshots" in w for w in report.warnings)
    engine.dispose()
