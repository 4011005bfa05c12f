"""Issue 8, "Tamper suite", on SQLite and PostgreSQL: someone with direct access to the
database (foreign keys off, the append-only triggers dropped) changes, deletes or inserts
a row of every table that holds a result or a decision, truncates the audit chain, or
rewrites an entry and recomputes every later hash. `audit verify` with the anchor
exported with the final rating catches each one and names what changed.

One finished campaign is built per backend; each case tampers inside a transaction,
verifies through that same connection, and rolls back (both databases roll back DDL)."""

from __future__ import annotations

import json
from types import SimpleNamespace

import pytest
from sqlalchemy import text as sql
from sqlalchemy.orm import Session

from bagalau import campaigns, store
from bagalau.campaigns import integrity
from bagalau.store import anchoring, audit
from bagalau.store.records import MUTABLE
from support.campaign import finished
from support.store import BACKENDS, as_attacker, fresh_database

KEYRING = anchoring.Keyring()
KEYRING.add_line("test-key-1:" + "5a" * 32, "tests")

# For each table: a column an attacker would change, and its new value (SQL, the same on both databases).
UPDATES = {
    "submissions": ('"values"', """'{"app2_g1": 0}'"""),
    "facts": ("verified_value", "'7'"),
    "fact_removals": ("decision_id", "decision_id + 100"),
    "scoring_runs": ("options", """'{"A13": "zero"}'"""),
    "run_results": ("total", "'99.9'"),
    "penalties_applied": ("amount", "'5'"),
    "conclusions": ("total", "'99.90'"),
    "objections": ("text", "'withdrawn'"),
    "commissions": ("appointed_by", "'mallory'"),
    "commission_members": ("user_id", "user_id + 100"),
    "decisions": ("outcome", "'rejected'"),
    "improvement_plans": ("recorded_by", "'mallory'"),
    "plan_actions": ("deadline", "'2099-01-01'"),
    "plan_checks": ("status", "'not_done'"),
    "evaluator_assignments": ("user_id", "user_id + 100"),
    "reconciliations": ("engine", "'forged'"),
    "reconciliation_findings": ("derived_value", "'0'"),
    "finding_decisions": ("outcome", "'dismissed'"),
    "campaigns": ("state", "'commission'"),
    "campaign_bodies": ("late", "NOT late"),
    "deadlines": ("due", "'2099-01-01'"),
    "report_drafts": ("saved_by", "'mallory'"),
}
# For an inserted copy of a row: new values for its key and its unique columns.
COPY_WITH = {
    "submissions": {"version": "version + 100"}, "scoring_runs": {"number": "number + 100"},
    "run_results": {"run_id": "run_id + 1000"}, "decisions": {"objection_id": "objection_id + 1000"},
    "commissions": {"body_code": "'zz-forged'"}, "fact_removals": {"fact_id": "fact_id + 1000"},
    "commission_members": {"user_id": "user_id + 1000"}, "evaluator_assignments": {"user_id": "user_id + 1000"},
    "reconciliations": {"number": "number + 100"},
}
APPEND_ONLY = store.APPEND_ONLY
assert set(UPDATES) == set(APPEND_ONLY) | set(MUTABLE)


@pytest.fixture(scope="module", params=BACKENDS)
def done(request, tmp_path_factory):
    with fresh_database(request.param, tmp_path_factory.mktemp("tamper")) as url:
        engine = store.make_engine(url)
        store.Base.metadata.create_all(engine)
        factory = store.make_sessionmaker(engine)
        ids = finished(factory, keyring=KEYRING)
        with store.transaction(factory) as s:
            anchor = anchoring.document(campaigns.final_anchor(s, campaigns.get_campaign(s, ids["campaign"])))
        yield SimpleNamespace(engine=engine, factory=factory, ids=ids, anchor=anchor)
        engine.dispose()


def verify(connection, anchor) -> integrity.IntegrityReport:
    with Session(bind=connection) as session:
        return integrity.verify_store(session, [anchor], KEYRING)


def last_key(connection, table: str) -> dict:
    columns = [c.name for c in store.Base.metadata.tables[table].primary_key.columns]
    row = connection.exec_driver_sql(f"SELECT {', '.join(columns)} FROM {table} ORDER BY "
                                     f"{', '.join(c + ' DESC' for c in columns)} LIMIT 1").mappings().first()
    assert row is not None, f"the finished campaign has no {table} row"
    return dict(row)


def where(key: dict) -> str:
    return " AND ".join(f"{c} = {v!r}" if isinstance(v, str) else f"{c} = {v}" for c, v in key.items())


def found(report, table: str, what: str, key: dict | None = None):
    hits = [f for f in report.row_findings if f.table == table and f.what == what
            and (key is None or f.key == list(key.values()))]
    assert hits, f"no '{what}' finding for {table}: {report.findings}"
    return hits[0]


def test_the_finished_campaign_verifies(done):
    with store.transaction(done.factory) as s:
        report = integrity.verify_store(s, [done.anchor], KEYRING)
        counts = {name: s.execute(store.Base.metadata.tables[name].select()).first() is not None
                  for name in APPEND_ONLY}
    assert report.ok, report.findings
    assert all(counts.values()), counts                  # every result and decision table is exercised
    assert report.anchors_checked[0].ok and report.runs_recomputed == 2 and report.conclusions_checked == 4


@pytest.mark.parametrize("table", list(UPDATES))
def test_an_update_is_found_and_named(done, table):
    column, value = UPDATES[table]
    with as_attacker(done.engine) as c:
        key = last_key(c, table)
        c.exec_driver_sql(f"UPDATE {table} SET {column} = {value} WHERE {where(key)}")
        report = verify(c, done.anchor)
    assert not report.ok and report.chain.ok and report.anchors_checked[0].ok
    if column.strip('"') in key:                        # the key itself changed: the row is gone, another is new
        found(report, table, "deleted", key)
        found(report, table, "inserted")
    else:
        finding = found(report, table, "changed", key)
        assert column.strip('"') in finding.fields and str(finding).startswith(f"{table} ")
        assert f"field {column.strip(chr(34))} changed since audit entry" in str(finding)


@pytest.mark.parametrize("table", APPEND_ONLY)
def test_a_delete_is_found_and_named(done, table):
    with as_attacker(done.engine) as c:
        key = last_key(c, table)
        c.exec_driver_sql(f"DELETE FROM {table} WHERE {where(key)}")
        report = verify(c, done.anchor)
    assert not report.ok and report.chain.ok
    assert "no longer in the database — deleted" in str(found(report, table, "deleted", key))


@pytest.mark.parametrize("table", APPEND_ONLY)
def test_an_insert_is_found_and_named(done, table):
    tab = store.Base.metadata.tables[table]
    overrides = {**({"id": "id + 1000"} if "id" in tab.c else {}), **COPY_WITH.get(table, {})}
    columns = [c.name for c in tab.columns]
    quoted = [f'"{c}"' for c in columns]
    with as_attacker(done.engine) as c:
        key = last_key(c, table)
        c.exec_driver_sql(f"INSERT INTO {table} ({', '.join(quoted)}) SELECT "
                          f"{', '.join(overrides.get(col, q) for col, q in zip(columns, quoted))} "
                          f"FROM {table} WHERE {where(key)}")
        report = verify(c, done.anchor)
    assert not report.ok and report.chain.ok
    finding = found(report, table, "inserted")
    assert finding.key != list(key.values()) and "not recorded in the audit log" in str(finding)


def test_the_issues_case_a_final_total_set_to_99_90(done):
    """Issue 8: one body's final total set to 99.90 changed the rating and verify said OK."""
    with as_attacker(done.engine) as c:
        row = c.exec_driver_sql("SELECT id, body_code FROM conclusions WHERE kind = 'final' ORDER BY rank DESC, id "
                                "LIMIT 1").first()
        c.exec_driver_sql(f"UPDATE conclusions SET total = '99.90' WHERE id = {row.id}")
        report = verify(c, done.anchor)
    assert not report.ok
    assert found(report, "conclusions", "changed", {"id": row.id}).fields == ("total",)
    recomputed = [f for f in report.findings if "total is 99.90, but run 2 recomputed gives" in f]
    assert recomputed and row.body_code in recomputed[0]


def test_a_truncated_chain_is_found(done):
    covered = done.anchor["entries"]
    with as_attacker(done.engine) as c:
        c.exec_driver_sql(f"DELETE FROM audit_log WHERE seq > {covered - 3}")
        report = verify(c, done.anchor)
    assert report.chain.ok                              # what is left is a valid chain...
    result = report.anchors_checked[0]                  # ...but not the one that was anchored
    assert not result.ok and result.message.startswith(f"TRUNCATED: the anchor covers entries 1–{covered}, the "
                                                        f"log ends at entry {covered - 3}")
    assert not report.ok


def test_an_entry_rewritten_with_every_later_hash_recomputed_is_found(done):
    """The thorough attacker: changes a final total, rewrites the audit entry that committed
    to it so that it commits to the new row, and recomputes the chain from there. The chain
    and the rows agree with each other; the anchor does not, and names the entry."""
    with as_attacker(done.engine) as c:
        conclusion = c.exec_driver_sql("SELECT id FROM conclusions WHERE kind = 'final' ORDER BY id LIMIT 1").first()
        c.exec_driver_sql(f"UPDATE conclusions SET total = '99.90' WHERE id = {conclusion.id}")
        seq = _recommit(c, "conclusions", [conclusion.id])
        report = verify(c, done.anchor)
    assert report.chain.ok and not report.row_findings
    result = report.anchors_checked[0]
    assert not result.ok and result.first_bad_seq == seq
    assert result.message.startswith(f"REWRITTEN: entry {seq} is not the entry the anchor signed")
    assert any("total is 99.90, but run 2 recomputed" in f for f in report.findings)


def _recommit(connection, table: str, key: list) -> int:
    """Rewrite the entry that committed to the row so it commits to the row as it is now,
    then recompute every later hash. Returns the rewritten entry's seq."""
    from bagalau.store import records
    tab = store.Base.metadata.tables[table]
    row = connection.execute(tab.select().where(tab.c.id == key[0])).mappings().one()
    entries = connection.exec_driver_sql("SELECT seq, timestamp, actor, action, entity, campaign_id, payload, "
                                         "prev_hash, hash FROM audit_log ORDER BY seq").all()
    target = next(e for e in entries if any(r["table"] == table and r["key"] == key
                                            for r in json.loads(e.payload).get("records", [])))
    payload = json.loads(target.payload)
    payload["records"] = [records.commitment(table, key, records.content_of(tab, row))
                          if r["table"] == table and r["key"] == key else r for r in payload["records"]]
    prev = None
    for entry in entries:
        if entry.seq < target.seq:
            prev = entry.hash
            continue
        text = audit.canonical(payload) if entry.seq == target.seq else entry.payload
        new = audit.entry_hash(prev, entry.seq, entry.timestamp, entry.actor, entry.action, entry.entity,
                               entry.campaign_id, text)
        connection.execute(sql("UPDATE audit_log SET payload = :p, prev_hash = :prev, hash = :h WHERE seq = :seq"),
                           {"p": text, "prev": prev, "h": new, "seq": entry.seq})
        prev = new
    return target.seq


def test_a_forged_anchor_file_is_refused(done):
    forged = {**done.anchor, "entries": done.anchor["entries"] - 5}
    with store.transaction(done.factory) as s:
        result = anchoring.verify(s, forged, KEYRING)
    assert not result.ok and "FORGED OR ALTERED" in result.message
