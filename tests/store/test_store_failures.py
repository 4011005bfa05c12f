"""No data is lost or half-written on failure: a scoring run killed in the
middle leaves no partial snapshot, an exception in the middle writes
nothing, and two concurrent edits of one submission conflict instead of
silently overwriting each other."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
import time

import pytest
from sqlalchemy import event, func, select

from bagalau.store import anchoring, audit
from bagalau import campaigns
from bagalau import store
from support.campaign import EVALUATOR, at, build, raw_inputs, report, representative, step
from support.store import *  # noqa: F401,F403

CHILD = textwrap.dedent("""
    import sys, time
    from sqlalchemy import event
    from bagalau import campaigns
    from bagalau import store
    url, campaign_id, marker, evaluator = sys.argv[1:5]
    factory = store.make_sessionmaker(store.make_engine(url))
    written = 0

    @event.listens_for(store.RunResult, "after_insert")
    def pause_half_way(mapper, connection, target):
        global written
        written += 1
        if written == 8:                      # 8 of 17 results are in the open transaction
            open(marker, "w").write(str(written))
            time.sleep(120)                   # the parent kills us here

    with store.transaction(factory) as s:
        campaigns.run_scoring(s, campaigns.get_campaign(s, int(campaign_id)), evaluator)
""")


def _snapshot_rows(factory, campaign_id):
    with store.transaction(factory) as s:
        runs = s.execute(select(func.count()).select_from(store.ScoringRun)
                         .where(store.ScoringRun.campaign_id == campaign_id)).scalar()
        results = s.execute(select(func.count()).select_from(store.RunResult)).scalar()
        penalties = s.execute(select(func.count()).select_from(store.AppliedPenaltyRow)).scalar()
        state = campaigns.get_campaign(s, campaign_id).state
        chain = audit.verify_chain(s)
        actions = [e.action for e in audit.entries(s)]
    return runs, results, penalties, state, chain, actions


def test_a_scoring_run_killed_half_way_leaves_no_snapshot(db_url, factory, tmp_path):
    campaign_id, _ = build(factory)
    before = _snapshot_rows(factory, campaign_id)
    marker = tmp_path / "half-way"
    script = tmp_path / "child.py"
    script.write_text(CHILD)
    child = subprocess.Popen([sys.executable, str(script), db_url, str(campaign_id), str(marker), EVALUATOR],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        while not marker.exists():
            assert child.poll() is None, child.stderr.read().decode()
            assert time.monotonic() < deadline, "the child never reached the middle of the run"
            time.sleep(0.05)
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
    assert child.returncode == -signal.SIGKILL
    runs, results, penalties, state, chain, actions = _snapshot_rows(factory, campaign_id)
    assert (runs, results, penalties) == (0, 0, 0)
    assert state == "verification"
    assert chain.ok and actions == before[5]            # no audit entry for the lost run
    # the store is consistent and usable: the same run now completes
    run = step(factory, campaign_id, lambda s, c: campaigns.run_scoring(s, c, EVALUATOR))
    assert run.number == 1
    runs, results, _, state, chain, _ = _snapshot_rows(factory, campaign_id)
    assert (runs, results, state, chain.ok) == (1, 17, "scored", True)


FINALISING_CHILD = textwrap.dedent("""
    import sys, time
    from sqlalchemy import event
    from bagalau import campaigns, store
    from bagalau.demo.campaign import at
    from bagalau.store import anchoring
    url, campaign_id, marker, evaluator = sys.argv[1:5]
    factory = store.make_sessionmaker(store.make_engine(url))
    ring = anchoring.Keyring()
    ring.add_line("k1:" + "11" * 32, "test")

    @event.listens_for(store.Anchor, "after_insert")
    def pause_before_commit(mapper, connection, target):
        open(marker, "w").write("final conclusions, state and checkpoint written; not committed")
        time.sleep(120)                       # the parent kills us here

    with store.transaction(factory) as s:
        campaigns.finalise(s, campaigns.get_campaign(s, int(campaign_id)), evaluator, at=at(6, 12), keyring=ring)
""")


def _final_state(factory, campaign_id):
    from bagalau.campaigns import integrity
    with store.transaction(factory) as s:
        c = campaigns.get_campaign(s, campaign_id)
        finals = s.execute(select(func.count()).select_from(store.Conclusion)
                           .where(store.Conclusion.kind == "final")).scalar()
        anchors = s.execute(select(func.count()).select_from(store.Anchor)).scalar()
        return c.state, finals, anchors, integrity.verify_store(s, keyring=anchoring.Keyring())


def test_finalising_killed_before_its_commit_leaves_no_half_final_state(db_url, factory, tmp_path):
    """kill -9 when the final conclusions, the state change and the signed checkpoint are all
    written but not committed: afterwards the campaign is as it was before finalising, the
    store verifies, and finalising again completes."""
    campaign_id, _ = build(factory, codes=["akmola", "aktobe", "astana"])
    step(factory, campaign_id, lambda s, c: campaigns.run_scoring(s, c, EVALUATOR, at=at(5, 20)))
    step(factory, campaign_id, lambda s, c: campaigns.send_draft_conclusions(s, c, EVALUATOR, at=at(5, 31)))
    marker, script = tmp_path / "written", tmp_path / "finalise.py"
    script.write_text(FINALISING_CHILD)
    child = subprocess.Popen([sys.executable, str(script), db_url, str(campaign_id), str(marker), EVALUATOR],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        while not marker.exists():
            assert child.poll() is None, child.stderr.read().decode()
            assert time.monotonic() < deadline, "the child never reached the end of finalising"
            time.sleep(0.05)
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
    assert child.returncode == -signal.SIGKILL
    state, finals, anchors, report = _final_state(factory, campaign_id)
    assert (state, finals, anchors) == ("drafts_sent", 0, 0)
    assert report.ok, report.findings
    step(factory, campaign_id, lambda s, c: campaigns.finalise(s, c, EVALUATOR, at=at(6, 12)))
    state, finals, anchors, report = _final_state(factory, campaign_id)
    assert (state, finals, anchors) == ("final", 3, 1)
    assert report.ok and report.stored_anchors == 1, report.findings


def test_an_error_half_way_through_a_run_writes_nothing(factory):
    campaign_id, _ = build(factory)
    written = {"n": 0}

    def fail_half_way(mapper, connection, target):
        written["n"] += 1
        if written["n"] == 9:
            raise RuntimeError("disk full (simulated)")

    event.listen(store.RunResult, "after_insert", fail_half_way)
    try:
        with pytest.raises(RuntimeError, match="disk full"):
            step(factory, campaign_id, lambda s, c: campaigns.run_scoring(s, c, EVALUATOR))
    finally:
        event.remove(store.RunResult, "after_insert", fail_half_way)
    assert written["n"] == 9
    runs, results, penalties, state, chain, actions = _snapshot_rows(factory, campaign_id)
    assert (runs, results, penalties, state) == (0, 0, 0, "verification")
    assert chain.ok and "scoring.run" not in actions


def test_a_stale_correction_is_refused_with_a_conflict(factory):
    campaign_id, doc = build(factory, until="submissions", codes=["akmola", "aktobe"])
    raw = raw_inputs(doc, "akmola")
    # two people both start from version 1
    first = {**raw, "app2_g1": 1}
    second = {**raw, "app2_g1": 2}
    step(factory, campaign_id, lambda s, c: campaigns.submit(s, c, "akmola", report("akmola", first),
                                                             representative("akmola"), expected_version=1))
    with pytest.raises(campaigns.ConflictError, match="latest submission is version 2, but this change was made "
                                                      "on version 1"):
        step(factory, campaign_id, lambda s, c: campaigns.submit(s, c, "akmola", report("akmola", second),
                                                                 EVALUATOR, expected_version=1))
    with store.transaction(factory) as s:
        c = campaigns.get_campaign(s, campaign_id)
        latest = campaigns.latest_submission(s, c, "akmola")
        assert (latest.version, latest.values["app2_g1"]) == (2, 1)        # the first edit survived
        assert [e.action for e in audit.entries(s, campaign_id)].count("submission.add") == 3


def test_two_concurrent_edits_of_one_submission_conflict(factory):
    """B reads version 1 and validates; A writes version 2 and commits; then B
    writes. B must fail with ConflictError, and A's version must survive."""
    campaign_id, doc = build(factory, until="submissions", codes=["akmola", "aktobe"])
    raw = raw_inputs(doc, "akmola")
    b_ready, a_done = threading.Event(), threading.Event()
    outcome: dict = {}

    def hold_b(mapper, connection, target):
        if threading.current_thread().name == "B":
            b_ready.set()
            assert a_done.wait(30)

    event.listen(store.SubmissionVersion, "before_insert", hold_b)

    def run_b():
        try:
            step(factory, campaign_id, lambda s, c: campaigns.submit(
                s, c, "akmola", report("akmola", {**raw, "app2_g1": 2}), EVALUATOR, expected_version=1))
            outcome["b"] = "written"
        except Exception as exc:  # the outcome is checked below
            outcome["b"] = exc

    thread = threading.Thread(target=run_b, name="B")
    try:
        thread.start()
        assert b_ready.wait(30)
        step(factory, campaign_id, lambda s, c: campaigns.submit(
            s, c, "akmola", report("akmola", {**raw, "app2_g1": 1}), representative("akmola"), expected_version=1))
        a_done.set()
        thread.join(60)
    finally:
        a_done.set()
        event.remove(store.SubmissionVersion, "before_insert", hold_b)
    assert isinstance(outcome["b"], campaigns.ConflictError), outcome
    assert "someone else changed the same record" in str(outcome["b"])
    with store.transaction(factory) as s:
        c = campaigns.get_campaign(s, campaign_id)
        latest = campaigns.latest_submission(s, c, "akmola")
        assert (latest.version, latest.values["app2_g1"], latest.submitted_by) == (2, 1, representative("akmola"))
        assert audit.verify_chain(s).ok


def test_submissions_are_never_updated_in_place(factory):
    campaign_id, _ = build(factory, until="submissions", codes=["akmola"])
    with pytest.raises(store.ImmutableRowError):
        with store.transaction(factory) as s:
            version = campaigns.latest_submission(s, campaigns.get_campaign(s, campaign_id), "akmola")
            version.values = {}
            s.flush()


def test_two_concurrent_state_changes_conflict(factory):
    """Both evaluators see the campaign 'created'; the first opens submissions;
    the second's change is refused instead of being applied twice."""
    campaign_id, _ = build(factory, until="created", codes=["akmola"])
    first, second = factory(), factory()
    try:
        a = campaigns.get_campaign(first, campaign_id)
        b = campaigns.get_campaign(second, campaign_id)
        assert a.state == b.state == "created"
        campaigns.open_submissions(first, a, EVALUATOR)
        first.commit()
        with pytest.raises(campaigns.ConflictError, match="someone else changed the same record"):
            campaigns.open_submissions(second, b, EVALUATOR)
        second.rollback()
    finally:
        first.close()
        second.close()
    with store.transaction(factory) as s:
        assert campaigns.get_campaign(s, campaign_id).state == "submissions"
        assert [e.action for e in audit.entries(s, campaign_id)].count("campaign.state") == 1
