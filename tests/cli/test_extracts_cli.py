"""`bagalau extracts …` on the command line: a bad file exits 2 naming its rows and imports
nothing; synthetic extracts import and aggregate."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from bagalau.cli import app

runner = CliRunner()


def test_import_list_aggregate(tmp_path, monkeypatch):
    monkeypatch.setenv("BAGALAU_EXTRACTS_DIR", str(tmp_path / "ws"))
    bad = tmp_path / "bad.csv"
    bad.write_text("licence_id,body_code,issued_on,formed_in_is\nl1,b1,2012-01-05,true\nl2,b1,2012-02-30,maybe\n",
                   encoding="utf-8")
    result = runner.invoke(app, ["extracts", "import", "licences", str(bad)])
    assert result.exit_code == 2
    assert "row 2, issued_on: expected a date YYYY-MM-DD, found '2012-02-30'" in result.output
    assert "row 2, formed_in_is: expected true or false, found 'maybe'" in result.output
    assert "is empty" not in result.output and not (tmp_path / "ws" / "licences").exists()

    result = runner.invoke(app, ["extracts", "generate", "licences", "--rows", "500", "--year", "2012",
                                 "--bodies", "3", "-o", str(tmp_path / "gen")])
    assert result.exit_code == 0, result.output
    generated = sorted((tmp_path / "gen").glob("*.parquet"))
    result = runner.invoke(app, ["extracts", "import", "licences", *map(str, generated)])
    assert result.exit_code == 0 and "500 licences records imported" in result.output
    assert "licences" in runner.invoke(app, ["extracts", "list"]).output
    result = runner.invoke(app, ["extracts", "aggregate", "it-2012", "--period", "2012", "--json"])
    assert result.exit_code == 0, result.output
    values = json.loads(result.stdout[result.stdout.index("{"):])["values"]
    assert sum(int(v["app1_r2_3_1"]) for v in values.values()) == 500
