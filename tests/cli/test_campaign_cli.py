"""The command line drives the whole campaign; errors are one clear line
with a non-zero exit and no traceback."""

from __future__ import annotations

import json

from sqlalchemy import text
from typer.testing import CliRunner

from bagalau import store
from bagalau.cli import app
from support.campaign import document
from support.store import *  # noqa: F401,F403

runner = CliRunner()


class Outcome:
    """A command's exit code and output, with the terminal's line wrapping undone."""

    def __init__(self, result):
        self.exit_code = result.exit_code
        self.raw = result.output
        self.output = " ".join(result.output.split())


def bagalau(url, *args, ok=True):
    result = Outcome(runner.invoke(app, [*args, "--database", url]))
    assert "Traceback" not in result.output
    if ok:
        assert result.exit_code == 0, result.output
    return result


def test_demo_campaign_end_to_end(empty_url):
    bagalau(empty_url, "db", "upgrade")
    result = bagalau(empty_url, "campaign", "demo")
    assert "SYNTHETIC DEMO DATA" in result.output
    assert "refused, as it must be: no commission has been appointed" in result.output
    assert "may not sit on the commission" in result.output and "2012 §107" in result.output
    assert "final rating" in result.output and "audit log OK" in result.output
    rating = json.loads(bagalau(empty_url, "rating", "--json").raw)
    assert rating["final"] is True and len(rating["rating"]) == 17
    assert [row["rank"] for row in rating["rating"]][:2] == [1, 2]
    status = json.loads(bagalau(empty_url, "campaign", "status", "--json").raw)
    assert status["state"] == "post_audit" and status["runs"] == 2
    # editing after final, through the command line
    result = bagalau(empty_url, "objection", "decide", "1", "--outcome", "rejected", "--reasoning", "x",
                     "--as", "Commission member 1 (demo)", ok=False)
    assert result.exit_code == 2
    assert "is final — its conclusions and rating are published" in result.output
    # a second demo run makes a second campaign in the same store
    again = bagalau(empty_url, "campaign", "demo")
    assert "demo-it-2012-2" in again.output
    assert "audit log OK" in bagalau(empty_url, "audit", "verify", "--lang", "en").output


def test_the_whole_cycle_by_hand(empty_url, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)                  # finalising writes the rating and its anchor here
    monkeypatch.setenv("BAGALAU_LANG", "en")     # the steps' lines are read in English here
    db_url = empty_url
    bagalau(db_url, "db", "upgrade")
    doc = document()
    bodies = tmp_path / "bodies.csv"
    bodies.write_text("code,kind,parent,name_ru\nwg,central_body,,Рабочая группа\n"
                      "akmola,oblast_akimat,,Акимат Акмолинской области\n"
                      "aktobe,oblast_akimat,,Акимат Актюбинской области\n", encoding="utf-8")
    assert "3 created" in bagalau(db_url, "bodies", "import", str(bodies)).output
    for name, role, body in (("eva", "evaluator", None), ("meth", "methodologist", None), ("com1", "commission", None),
                             ("rep-akmola", "body", "akmola"), ("rep-aktobe", "body", "aktobe")):
        bagalau(db_url, "users", "add", name, "--role", role, *(["--body", body] if body else []))
    bagalau(db_url, "campaign", "create", "--name", "c2012", "--methodology", "it-2012", "--period", "2012",
            "--evaluator", "wg", "--kind", "oblast_akimat", "--assign", "akmola=eva", "--as", "meth")
    assert "submissions" in bagalau(db_url, "campaign", "advance", "--as", "eva", "--on", "2013-02-01").output
    for code in ("akmola", "aktobe"):
        path = tmp_path / f"{code}.json"
        raw = next(b for b in doc["bodies"] if b["id"] == code)["inputs"]
        path.write_text(json.dumps({"period": 2012, "body": code, "inputs": raw}), encoding="utf-8")
        assert "stored version 1" in bagalau(db_url, "submit", code, str(path), "--as", f"rep-{code}").output
    # a correction without saying which version it corrects is a conflict, with its own exit status 4
    result = bagalau(db_url, "submit", "akmola", str(tmp_path / "akmola.json"), "--as", "rep-akmola", ok=False)
    assert result.exit_code == 4 and "latest submission is version 1" in result.output
    bagalau(db_url, "campaign", "advance", "--as", "eva")                     # → verification
    fact = bagalau(db_url, "verify", "add-fact", "akmola", "app2_g6", "0", "--document", "EDMS extract",
                   "--as", "eva").output
    assert "fact #1" in fact
    assert "scored" in bagalau(db_url, "campaign", "advance", "--as", "eva").output
    bagalau(db_url, "campaign", "advance", "--as", "eva", "--on", "2013-05-31")   # drafts
    assert "deadline 2013-06-07" in bagalau(db_url, "objection", "file", "akmola", "--text", "wrong",
                                            "--document", "EDMS printout", "--as", "rep-akmola",
                                            "--on", "2013-06-03").output
    result = bagalau(db_url, "objection", "decide", "1", "--outcome", "accepted", "--reasoning", "ok",
                     "--remove-fact", "1", "--as", "eva", ok=False)      # the evaluator sees it: told why not
    assert result.exit_code == 2 and "no commission has been appointed" in result.output
    result = bagalau(db_url, "objection", "decide", "1", "--outcome", "accepted", "--reasoning", "ok",
                     "--remove-fact", "1", "--as", "com1", ok=False)     # on no commission: it does not exist
    assert result.exit_code == 2 and "no objection #1 in campaign" in result.output
    result = bagalau(db_url, "objection", "commission", "akmola", "--member", "eva", "--as", "eva", ok=False)
    assert result.exit_code == 2 and "eva may not sit on the commission for 'akmola'" in result.output
    bagalau(db_url, "objection", "commission", "akmola", "--member", "com1", "--as", "eva")
    assert "rescored as run #2" in bagalau(db_url, "objection", "decide", "1", "--outcome", "accepted",
                                           "--reasoning", "ok", "--remove-fact", "1", "--as", "com1").output
    result = bagalau(db_url, "campaign", "advance", "--as", "eva", "--on", "2013-06-05", ok=False)
    assert "objection window is open until 2013-06-07" in result.output
    finalised = bagalau(db_url, "campaign", "advance", "--as", "eva", "--on", "2013-06-10").output
    assert "commission → final" in finalised and "final rating anchored" in finalised
    assert json.loads((tmp_path / "c2012-final-rating.anchor.json").read_text())["entries"] > 0
    monkeypatch.delenv("BAGALAU_LANG")
    assert "окончательный рейтинг" in bagalau(db_url, "rating").output          # Russian unless --lang says
    assert "түпкілікті рейтинг" in bagalau(db_url, "rating", "--lang", "kk").output
    assert "final rating" in bagalau(db_url, "rating", "--lang", "en").output
    monkeypatch.setenv("BAGALAU_LANG", "en")
    assert "plan #1" in bagalau(db_url, "campaign", "plan", "akmola", "--action", "Fix EDMS|IT head|2013-12-01",
                                "--as", "rep-akmola").output
    shown = json.loads(bagalau(db_url, "audit", "show", "--json", "--limit", "500").raw)
    assert {"campaign.create", "submission.add", "fact.add", "fact.remove", "scoring.run", "objection.decide",
            "plan.record"} <= {entry["action"] for entry in shown}
    out = tmp_path / "export.xlsx"
    assert "3 bodies" in bagalau(db_url, "bodies", "export", str(out)).output
    assert "hash chain intact" in bagalau(db_url, "audit", "verify", "--lang", "en").output
    # tamper with one row: verify fails with exit 1 and names the entry
    engine = store.make_engine(db_url)
    with engine.begin() as connection:
        store.drop_triggers(connection, ("audit_log",), function=False)
        connection.execute(text("UPDATE audit_log SET payload = '{}' WHERE seq = 5"))
    engine.dispose()
    result = bagalau(db_url, "audit", "verify", "--lang", "en", ok=False)
    assert result.exit_code == 1 and "BROKEN at entry 5" in result.output


def test_bad_input_files_are_reported_clearly(empty_url, tmp_path):
    db_url = empty_url
    bagalau(db_url, "db", "upgrade")
    bad = tmp_path / "bodies.csv"
    bad.write_text("code,kind,parent,name_ru\na,central_body,,A\nb,nonsense,,B\nc,central_body,,C\n", encoding="utf-8")
    result = bagalau(db_url, "bodies", "import", str(bad), ok=False)
    assert result.exit_code == 2 and "row 3, field 'kind': unknown kind 'nonsense'" in result.output
    assert "nothing was imported" in result.output
    result = bagalau(db_url, "campaign", "status", ok=False)
    assert result.exit_code == 2 and "there is no campaign yet" in result.output


def test_users_add_sets_a_password_or_prints_a_setup_link(empty_url):
    from bagalau.campaigns import accounts
    db_url = empty_url
    bagalau(db_url, "db", "upgrade")
    result = runner.invoke(app, ["users", "add", "adm", "--role", "administrator", "--password-stdin",
                                 "--database", db_url], input="a long admin password\n")
    assert result.exit_code == 0, result.output
    result = runner.invoke(app, ["users", "add", "obs", "--role", "observer", "--database", db_url])
    assert result.exit_code == 0 and "one-time setup link" in result.output and "/setup#" in result.output
    engine = store.make_engine(db_url)
    with store.transaction(store.make_sessionmaker(engine)) as s:
        assert accounts.authenticate(s, "adm", "a long admin password").name == "adm"
        assert s.query(store.SetupToken).count() == 1
    engine.dispose()
    short = runner.invoke(app, ["users", "password", "adm", "--database", db_url], input="short\n")
    assert short.exit_code == 2 and "at least 12 characters" in short.output
