"""Progress in `bagalau campaign advance` (issue 8, item 8), as real processes on a store file:
scoring and the conclusions of many bodies show Rich progress bars on standard error when it is
a terminal (a pseudo-terminal here), in the language of --lang, and nothing at all when it is
piped; a campaign of few bodies shows none even on a terminal."""

from __future__ import annotations

import json

from bagalau import store
from bagalau.store import migrations
from support.campaign import EVALUATOR, build
from support.processes import on_a_terminal, piped

MANY = {"BAGALAU_PROGRESS_MIN_BODIES": "5"}      # "many" made small, so the test stays quick
KEY = {"BAGALAU_ANCHOR_KEY": "k-test:" + "ab" * 32}


def verified_campaign(tmp_path) -> str:
    """A store file with the 17 demo regions' campaign in verification (every report in)."""
    url = f"sqlite:///{tmp_path / 'store.db'}"
    engine = store.make_engine(url)
    migrations.upgrade(engine)
    build(store.make_sessionmaker(engine), until="verification")
    engine.dispose()
    return url


def advance(url: str, on: str, *extra) -> list[str]:
    return ["campaign", "advance", "--as", EVALUATOR, "--on", on, "--database", url, *extra]


def test_advance_shows_bars_for_many_bodies_on_a_terminal_and_nothing_when_piped(tmp_path):
    url = verified_campaign(tmp_path)
    status, stdout, terminal = on_a_terminal(*advance(url, "2013-05-20"), env=MANY)
    assert status == 0 and "verification → scored" in stdout
    assert "проверка отчётов" in terminal and "оценка органов" in terminal and "сохранение результатов" in terminal
    assert "17/17" in terminal
    assert "━" not in stdout                               # the bars never reach standard output

    quiet = piped(*advance(url, "2013-05-31"), env=MANY)
    assert quiet.returncode == 0 and "scored → drafts_sent" in quiet.stdout
    assert quiet.stderr == ""                              # no progress noise in what is captured

    status, stdout, terminal = on_a_terminal(*advance(url, "2013-06-12", "--lang", "kk",
                                                      "-o", tmp_path / "rating.json"), env={**MANY, **KEY})
    assert status == 0 and "drafts_sent → final" in stdout
    assert "түпкілікті қорытындылар" in terminal and "17/17" in terminal
    assert len(json.loads((tmp_path / "rating.json").read_text(encoding="utf-8"))["rating"]) == 17


def test_a_campaign_of_few_bodies_shows_no_bar_even_on_a_terminal(tmp_path):
    url = verified_campaign(tmp_path)
    status, stdout, terminal = on_a_terminal(*advance(url, "2013-05-20"), env={})
    assert status == 0 and "verification → scored" in stdout
    assert "оценка органов" not in terminal and "━" not in terminal
