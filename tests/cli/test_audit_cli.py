"""`bagalau audit verify --anchor` from the command line, on committed tampering: the
issue's case (a final total set to 99.90 in the SQLite file of the demo campaign),
a truncated chain, and the commands around anchors (keygen, checkpoint, bad files)."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import text

from bagalau import store
from bagalau.store import anchoring, migrations
from bagalau.cli import app
from support.campaign import build, finished
from support.cli import bagalau, runner
from support.store import *  # noqa: F401,F403

KEY = "issue-8:" + "3c" * 32


@pytest.fixture(autouse=True)
def english(monkeypatch):
    """These tests read the English messages (the command line's default language is Russian)."""
    monkeypatch.setenv("BAGALAU_LANG", "en")


@pytest.fixture
def migrated(empty_url):
    """(url, session factory) of a database at the migrations' head, as the command line wants it."""
    engine = store.make_engine(empty_url)
    migrations.upgrade(engine)
    yield empty_url, store.make_sessionmaker(engine)
    engine.dispose()


@pytest.fixture
def sqlite_store(tmp_path):
    """(url, session factory) of a migrated SQLite file: the anchor commands do not depend on the database."""
    url = f"sqlite:///{tmp_path / 'store.sqlite'}"
    engine = store.make_engine(url)
    migrations.upgrade(engine)
    yield url, store.make_sessionmaker(engine)
    engine.dispose()


@pytest.fixture
def keyed(monkeypatch):
    monkeypatch.delenv(anchoring.ENV_KEY_FILE, raising=False)
    monkeypatch.setenv(anchoring.ENV_KEY, KEY)


def tamper(url: str, *statements: str) -> None:
    """Committed, as someone with write access to the database would do it."""
    engine = store.make_engine(url)
    with engine.begin() as connection:
        store.drop_triggers(connection, function=False)
        for statement in statements:
            connection.execute(text(statement))
    engine.dispose()


def test_the_issues_sqlite_file_with_a_total_of_99_90(tmp_path, keyed):
    """Issue 8, item 1: in the SQLite file of the demo campaign, the 17th body's final
    total is set to 99.90. `bagalau rating` shows it; `audit verify` must not say OK."""
    url = f"sqlite:///{tmp_path / 'bagalau.sqlite'}"
    bagalau(url, "campaign", "demo", "--output", str(tmp_path / "out"))
    anchor = next((tmp_path / "out").glob("*.anchor.json"))
    assert "OK: nothing was changed" in bagalau(url, "audit", "verify", "--anchor", str(anchor)).output
    before = json.loads(bagalau(url, "rating", "--json").raw)["rating"]
    last = max(before, key=lambda row: row["rank"])
    tamper(url, f"UPDATE conclusions SET total = '99.90' WHERE kind = 'final' AND body_code = '{last['body']}'")
    after = json.loads(bagalau(url, "rating", "--json").raw)["rating"]
    assert next(r for r in after if r["body"] == last["body"]) == {**last, "total": "99.90"}    # as the issue saw
    result = bagalau(url, "audit", "verify", "--anchor", str(anchor), ok=False)
    assert result.exit_code == 1 and "FAILED: 2 finding(s)" in result.output
    assert f"({last['body']}, final): field total changed since audit entry" in result.output
    assert f"total is 99.90, but run 2 recomputed gives {last['total']}" in result.output
    assert "entries 1–" in result.output and "unchanged" in result.output      # the chain itself is intact
    report = json.loads(bagalau(url, "audit", "verify", "--anchor", str(anchor), "--json", ok=False).raw)
    assert report["changed_rows"] == [{"table": "conclusions", "key": report["changed_rows"][0]["key"],
                                       "what": "changed", "fields": ["total"],
                                       "audit_entry": report["changed_rows"][0]["audit_entry"]}]


def test_rating_export_then_truncation_on_both_databases(migrated, tmp_path, keyed):
    db_url, factory = migrated
    ids = finished(factory)
    rating = tmp_path / "rating.json"
    bagalau(db_url, "rating", "-c", "test-2012", "--output", str(rating))
    anchor = json.loads((tmp_path / "rating.anchor.json").read_text())
    assert json.loads(rating.read_text())["anchor"]["entries"] == anchor["entries"]
    assert anchor["key_id"] == "issue-8" and anchor["campaign"] == "test-2012"
    assert "OK" in bagalau(db_url, "audit", "verify", "--anchor", str(tmp_path / "rating.anchor.json")).output
    covered = anchor["entries"]
    tamper(db_url, f"DELETE FROM audit_log WHERE seq > {covered - 2}")
    result = bagalau(db_url, "audit", "verify", "--anchor", str(tmp_path / "rating.anchor.json"), ok=False)
    assert result.exit_code == 1
    assert f"TRUNCATED: the anchor covers entries 1–{covered}, the log ends at entry {covered - 2}" in result.output
    assert ids["campaign"] == 1


def test_anchor_commands_and_bad_anchor_files(sqlite_store, tmp_path, monkeypatch):
    db_url, factory = sqlite_store
    monkeypatch.delenv(anchoring.ENV_KEY, raising=False)
    generated = runner.invoke(app, ["audit", "keygen", "--id", "k2026"])
    assert generated.exit_code == 0
    key_line = generated.output.strip()
    assert key_line.startswith("k2026:") and len(bytes.fromhex(key_line.split(":")[1])) == 32
    keys = tmp_path / "anchor.keys"
    keys.write_text(f"# retired, kept to verify old checkpoints\nold:{'aa' * 32}\n{key_line}\n")
    monkeypatch.setenv(anchoring.ENV_KEY_FILE, str(keys))
    build(factory, until="created", codes=["akmola"])
    made = bagalau(db_url, "audit", "checkpoint", "-o", str(tmp_path / "now.json"), "--reason", "daily")
    assert "key k2026" in made.output
    assert "OK" in bagalau(db_url, "audit", "verify", "--anchor", str(tmp_path / "now.json")).output
    # a key file without that key cannot check the anchor's signature
    keys.write_text(f"old:{'aa' * 32}\n")
    result = bagalau(db_url, "audit", "verify", "--anchor", str(tmp_path / "now.json"), ok=False)
    assert result.exit_code == 1 and "its key 'k2026' is not in the keyring" in result.output
    for content, message in (("{not json", "not an anchor file (not JSON"), ('{"format": "x"}', "its format is not"),
                             ('{"format": "bagalau-anchor/1"}', "lacks or garbles: entries, head")):
        (tmp_path / "bad.json").write_text(content)
        result = bagalau(db_url, "audit", "verify", "--anchor", str(tmp_path / "bad.json"), ok=False)
        assert result.exit_code == 2 and message in result.output
    result = bagalau(db_url, "audit", "verify", "--anchor", str(tmp_path / "missing.json"), ok=False)
    assert result.exit_code == 2 and "cannot read the anchor file" in result.output
    keys.write_text("short:abcd\n")
    result = bagalau(db_url, "audit", "checkpoint", ok=False)
    assert result.exit_code == 2 and "has 2 bytes; at least 32 are needed" in result.output
    monkeypatch.delenv(anchoring.ENV_KEY_FILE)
    unsigned = bagalau(db_url, "audit", "checkpoint")
    assert "UNSIGNED" in unsigned.output and "the checkpoint is not signed" in unsigned.output
