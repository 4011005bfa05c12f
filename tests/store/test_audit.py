"""The audit log is a hash chain: verify passes on an untouched log and
names the first entry that was changed, removed or forged."""

from __future__ import annotations

import hashlib
import time
import json

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from bagalau.store import audit
from bagalau import store
from support.store import *  # noqa: F401,F403  (fixtures: db_url, engine, factory)


def _write(factory, count=5):
    with store.transaction(factory) as s:
        for i in range(count):
            audit.record(s, f"user{i % 2}", "test.action", f"thing:{i}", {"i": i, "note": "Бағалау ✓", "n": [1, 2]})


def test_chain_links_each_entry_to_the_previous_hash(factory):
    _write(factory)
    with store.transaction(factory) as s:
        rows = audit.entries(s)
        assert [r.seq for r in rows] == [1, 2, 3, 4, 5]
        assert rows[0].prev_hash == audit.GENESIS
        for previous, entry in zip(rows, rows[1:]):
            assert entry.prev_hash == previous.hash
        # the hash is sha256 of the canonical JSON of the fields and the previous hash
        first = rows[0]
        fields = {"prev_hash": first.prev_hash, "seq": 1, "timestamp": first.timestamp, "actor": "user0",
                  "action": "test.action", "entity": "thing:0", "campaign_id": None,
                  "payload": {"i": 0, "note": "Бағалау ✓", "n": [1, 2]}}
        canonical = json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        assert first.hash == hashlib.sha256(canonical.encode()).hexdigest()
        report = audit.verify_chain(s)
    assert report.ok and report.checked == 5


def _tamper(engine, statement):
    """What someone with direct database access could do: lift the append-only
    trigger, then change the table."""
    with engine.begin() as connection:
        store.drop_triggers(connection, ("audit_log",), function=False)
        connection.exec_driver_sql(statement)


def test_changing_one_payload_breaks_verification_at_that_entry(engine, factory):
    _write(factory)
    _tamper(engine, """UPDATE audit_log SET payload = '{"i":99,"n":[1,2],"note":"x"}' WHERE seq = 3""")
    with store.transaction(factory) as s:
        report = audit.verify_chain(s)
    assert not report.ok and report.broken_seq == 3 and report.checked == 2
    assert "do not match its hash" in report.reason


def test_deleting_an_entry_is_detected(engine, factory):
    _write(factory)
    _tamper(engine, "DELETE FROM audit_log WHERE seq = 2")
    with store.transaction(factory) as s:
        report = audit.verify_chain(s)
    assert not report.ok and report.broken_seq == 3 and "deleted" in report.reason


def test_recomputing_one_hash_does_not_hide_a_change(engine, factory):
    """A forger who rewrites an entry and its hash still breaks the next link."""
    _write(factory)
    with store.transaction(factory) as s:
        entry = audit.entries(s)[1]
        forged = audit.entry_hash(entry.prev_hash, entry.seq, entry.timestamp, "mallory", entry.action, entry.entity,
                                  entry.campaign_id, entry.payload)
    _tamper(engine, f"UPDATE audit_log SET actor = 'mallory', hash = '{forged}' WHERE seq = 2")
    with store.transaction(factory) as s:
        report = audit.verify_chain(s)
    assert not report.ok and report.broken_seq == 3 and "prev_hash" in report.reason


def test_the_database_refuses_updates_and_deletes_of_the_log(engine, factory):
    _write(factory, 2)
    for statement in ("UPDATE audit_log SET actor = 'x' WHERE seq = 1", "DELETE FROM audit_log WHERE seq = 2"):
        with pytest.raises(DBAPIError, match="append-only"):
            with engine.begin() as connection:
                connection.execute(text(statement))
    with store.transaction(factory) as s:
        assert audit.verify_chain(s).ok


def test_the_orm_refuses_to_change_an_entry(factory):
    _write(factory, 1)
    with pytest.raises(store.ImmutableRowError):
        with store.transaction(factory) as s:
            entry = audit.entries(s)[0]
            entry.actor = "someone else"
            s.flush()


def test_an_entry_is_written_with_its_change_or_not_at_all(factory):
    """A failed transaction leaves neither the change nor its audit entry."""
    with pytest.raises(RuntimeError):
        with store.transaction(factory) as s:
            s.add(store.Body(code="x", kind="central_body", profile="central", name_ru="X"))
            audit.record(s, "me", "body.add", "body:x", {})
            raise RuntimeError("crash before commit")
    with store.transaction(factory) as s:
        assert audit.entries(s) == [] and s.get(store.Body, "x") is None


def test_concurrent_writers_queue_for_the_head_instead_of_failing(factory, db_url):
    """Two transactions append at the same time: the second waits for the first to commit and then
    appends after it (PostgreSQL: the chain's advisory lock). Without the lock the second read the same
    head and its commit failed on the primary key: a body submitting while another did was refused."""
    if not db_url.startswith("postgresql"):
        pytest.skip("SQLite has one writer at a time: its own write lock serialises the appends")
    import threading
    first_appended, outcome = threading.Event(), {}

    def first() -> None:
        with store.transaction(factory) as s:
            audit.record(s, "a", "test.first", "x:1", {})
            first_appended.set()
            time.sleep(0.5)                      # still holding the head, uncommitted

    def second() -> None:
        first_appended.wait(5)
        try:
            with store.transaction(factory) as s:
                outcome["seq"] = audit.record(s, "b", "test.second", "x:2", {}).seq
        except Exception as exc:  # noqa: BLE001 - the test reports it
            outcome["error"] = repr(exc)

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)
    assert outcome == {"seq": 2}
    with factory() as s:
        assert audit.verify_chain(s).ok and audit.verify_chain(s).checked == 2
