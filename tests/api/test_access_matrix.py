"""The access matrix: every role × every endpoint × own or other body, from ONE
table, on SQLite and PostgreSQL.

Each row of ``MATRIX`` is an endpoint; for each campaign state it gives one
letter per role in ``ROLES`` order, for the caller's own body and for another
body (endpoints about no body have one string):

    A  allowed: the policy lets the request through (2xx, or a 409/422 from the step itself, e.g.
       the campaign's state; never 401/403/404)
    1  401: sign in first
    3  403: refused, and the refusal may say so
    4  404: refused as if it did not exist: another body's resource, to a body officer; an
       objection (named by its number) to whoever may not see it, in the words a number that
       exists nowhere gets (``policy.visible``)

"own" for a body officer is their body; for the commission member the body whose
commission they sit on; for everyone else the same body (akmola); "other" is
aktobe. {o} is the objection of the own body, or of the other one (which has no commission
yet: deciding it is refused by the step, "appoint one first", to those who may see it). Unsafe requests are made so that an allowed one is refused by the step
(state, missing documents...) after the policy, and nothing changes between rows.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient

from bagalau import campaigns, store
from support.api import V1, make_app
from support.api_world import OTHER, OWN, PDF, ROLES, open_campaign, users
from support.campaign import COMMISSION, finished
from support.store import *  # noqa: F401,F403



@dataclass
class Row:
    method: str
    path: str                       # {c} campaign, {b} body, {o} objection, {f} a fact of own, {e} evidence of own,
    #                                 {a} an action of own's improvement plan
    open: str | tuple[str, str] | None     # in state 'commission' (objections being considered)
    final: str | tuple[str, str] | None = None     # in state 'final' (post_audit), reads only
    json: dict | None = None
    data: dict | None = None
    file: bool = False
    report: bool = False            # the file is a JSON report of the body


STAFF = ("AAA3AA31", "AAA33431")            # staff read; a body its own; the commission its body's
WRITE_BODY = ("33A33A31", "33A33431")       # the body itself and the campaign's evaluators
EVALUATORS = "33A33331"

MATRIX: list[Row] = [
    Row("GET", "/campaigns/{c}", "AAAAAAAA", "AAAAAAAA"),
    Row("GET", "/campaigns/{c}/schedule", "AAAAAAAA"),
    Row("GET", "/campaigns/{c}/runs", "AAAAAAAA"),
    Row("GET", "/campaigns/{c}/bodies/{b}/submissions", STAFF, STAFF),
    Row("GET", "/campaigns/{c}/bodies/{b}/submissions/1", STAFF, STAFF),
    Row("GET", "/campaigns/{c}/bodies/{b}/submissions/1/file?format=json", STAFF),
    Row("GET", "/campaigns/{c}/bodies/{b}/draft", WRITE_BODY),
    Row("GET", "/campaigns/{c}/facts?body={b}", STAFF, STAFF),
    Row("GET", "/campaigns/{c}/evidence/{e}", "AAA3AA31"),
    Row("GET", "/campaigns/{c}/evidence?body={b}", STAFF),
    Row("GET", "/campaigns/{c}/runs/1", "AAA3AA31", "AAAAAAAA"),
    Row("GET", "/campaigns/{c}/bodies/{b}/explanation", STAFF, "AAAAAAAA"),
    Row("GET", "/campaigns/{c}/runs/1/explanations/{b}", STAFF, "AAAAAAAA"),
    Row("GET", "/campaigns/{c}/rating", "AAA33331", "AAAAAAAA"),
    Row("GET", "/campaigns/{c}/bodies/{b}/conclusions", STAFF, STAFF),
    Row("GET", "/campaigns/{c}/objections?body={b}", STAFF, STAFF),
    Row("GET", "/campaigns/{c}/objections/{o}", ("AAA4AA41", "AAA44441")),
    Row("GET", "/campaigns/{c}/bodies/{b}/plan", STAFF, STAFF),
    Row("GET", "/campaigns/{c}/bodies/{b}/post-audit", STAFF),
    Row("GET", "/campaigns/{c}/objections/{o}/options", ("33A4A341", "33A44441")),
    # allowed ones find no commission for the other body (it filed no objection): 404 as for anyone
    Row("GET", "/campaigns/{c}/bodies/{b}/commission", ("AAA3AA31", "44433431")),
    Row("GET", "/audit?campaign={c}", "AAA33331", "AAA33331"),
    Row("GET", "/audit/verify", "AA333331"),
    # unsafe: allowed ones are refused by the step after the policy, so nothing changes
    Row("POST", "/campaigns/{c}/bodies/{b}/submissions", WRITE_BODY, json={"values": {}, "expected_version": 1}),
    Row("POST", "/campaigns/{c}/bodies/{b}/submissions/upload", WRITE_BODY, report=True),
    Row("PUT", "/campaigns/{c}/bodies/{b}/draft", WRITE_BODY, json={"values": {"app2_g1": "1"}}),
    Row("DELETE", "/campaigns/{c}/bodies/{b}/draft", WRITE_BODY),
    Row("POST", "/campaigns/{c}/bodies/{b}/draft/submit", WRITE_BODY, json={}),
    Row("POST", "/campaigns/{c}/facts", EVALUATORS, json={"body": "{b}", "input": "app2_g1", "verified": 1,
                                                          "document": "act"}),
    Row("POST", "/campaigns/{c}/facts/preview", EVALUATORS, json={"body": "{b}", "input": "app2_g1", "verified": 1}),
    Row("POST", "/campaigns/{c}/facts/{f}/evidence", EVALUATORS, file=True),
    Row("POST", "/campaigns/{c}/runs", EVALUATORS, json={}),
    Row("POST", "/campaigns/{c}/conclusions/drafts", EVALUATORS, json={}),
    Row("POST", "/campaigns/{c}/bodies/{b}/objections", ("33333A31", "33333431"), data={"text": "no documents"}),
    Row("POST", "/campaigns/{c}/objections/{o}/evidence", ("33343A41", "33344441"), file=True),
    Row("POST", "/campaigns/{c}/bodies/{b}/commission", EVALUATORS, json={"members": [COMMISSION[1]]}),
    Row("POST", "/campaigns/{c}/objections/{o}/preview", ("33A4A341", "33A44441"),
        json={"outcome": "rejected", "remove_facts": [2**30]}),
    Row("POST", "/campaigns/{c}/objections/{o}/decision", ("3334A341", "AAA44441"), json={
        "outcome": "rejected", "reasoning": "x", "remove_facts": [1]}),
    Row("POST", "/campaigns/{c}/finalise", EVALUATORS, json={}),
    Row("POST", "/campaigns/{c}/bodies/{b}/plan", WRITE_BODY, json={"actions": [
        {"action": "a", "responsible": "r", "deadline": "2013-09-30"}]}),
    Row("POST", "/campaigns/{c}/advance", EVALUATORS, json={}),
    # the post-audit is taken in the next campaign: in this one an evaluator's check is refused by the step
    Row("POST", "/campaigns/{c}/post-audit/{a}", None, EVALUATORS, json={"status": "done", "note": "seen"}),
]


def expected(letters: str | tuple[str, str], role: int, own: bool) -> str:
    if isinstance(letters, tuple):
        letters = letters[0 if own else 1]
    return letters[role]


def outcome(status: int) -> str:
    return {401: "1", 403: "3", 404: "4"}.get(status, "A" if status < 500 else f"5xx:{status}")


def run_matrix(client: TestClient, headers, ids: dict, state: str) -> list[str]:
    wrong = []
    for row in MATRIX:
        letters = row.open if state == "open" else row.final
        if letters is None:
            continue
        for own in ((True, False) if isinstance(letters, tuple) else (True,)):
            values = {**{k: str(v) for k, v in ids.items()}, "b": OWN if own else OTHER}
            values["o"] = str(ids["o"] if own else ids.get("o_other", ids["o"]))
            url = V1 + row.path.format(**values)
            body = None if row.json is None else {k: (v.format(**values) if isinstance(v, str) else v)
                                                  for k, v in row.json.items()}
            for index, role in enumerate(ROLES):
                files = {"file": ("act.pdf", PDF, "application/pdf")} if row.file else None
                if row.report:
                    files = {"file": ("r.json", json.dumps({"body": values["b"], "inputs": {}}).encode(),
                                      "application/json")}
                response = client.request(row.method, url, headers=headers[role], json=body, data=row.data,
                                          files=files)
                got, want = outcome(response.status_code), expected(letters, index, own)
                if got != want:
                    wrong.append(f"{state} {row.method} {url} as {role} ({'own' if own else 'other'}): "
                                 f"expected {want}, got {response.status_code} {response.text[:160]}")
    return wrong


def test_access_matrix_before_the_rating_is_final(factory, db_url, tmp_path):
    ids = open_campaign(factory)
    headers = users(factory)
    with TestClient(make_app(db_url, tmp_path)) as client:
        wrong = run_matrix(client, headers, ids, "open")
        with store.transaction(factory) as s:
            assert campaigns.get_campaign(s, ids["c"]).state == "commission"     # nothing moved it
    assert not wrong, "\n".join(wrong)


def test_access_matrix_once_the_rating_is_final(factory, db_url, tmp_path):
    made = finished(factory)
    headers = users(factory)
    ids = {"c": made["campaign"], "o": made["objection"], "f": made["facts"][0], "e": 0, "a": made["action"]}
    with TestClient(make_app(db_url, tmp_path)) as client:
        wrong = run_matrix(client, headers, ids, "final")
    assert not wrong, "\n".join(wrong)


def test_the_table_covers_every_operation_of_the_campaign_api():
    """A new endpoint without a row here fails this test."""
    from bagalau.api import Settings, create_app
    import tempfile
    app = create_app(Settings(database_url=f"sqlite:///{tempfile.mkdtemp()}/s.sqlite"))
    covered = {(row.method, row.path.split("?")[0].replace("{c}", "{campaign}").replace("{b}", "{body}")
                .replace("{o}", "{objection_id}").replace("{a}", "{action_id}").replace("{f}", "{fact_id}").replace("{e}", "{evidence_id}")
                .replace("/runs/1/", "/runs/{number}/").replace("/submissions/1", "/submissions/{version}"))
               for row in MATRIX}
    covered = {(m, p.replace("/runs/1", "/runs/{number}")) for m, p in covered}
    operations = {(method.upper(), path.removeprefix(V1))
                  for path, item in app.openapi()["paths"].items() for method in item
                  if path.startswith(f"{V1}/campaigns/{{campaign}}") or path.startswith(f"{V1}/audit")}
    missing = sorted(operations - covered)
    assert not missing, f"endpoints without a row in MATRIX: {missing}"


def test_an_objection_the_caller_may_not_see_is_answered_as_one_that_does_not_exist(factory, db_url, tmp_path):
    """The refusal reveals nothing: the same 404, word for word, as for a number that exists nowhere;
    the public is asked to sign in whatever the number."""
    ids = open_campaign(factory)
    headers = users(factory)
    decision = {"outcome": "rejected", "reasoning": "x"}
    with TestClient(make_app(db_url, tmp_path)) as client:
        def answer(role: str, objection: int, what: str = "decision"):
            url = f"{V1}/campaigns/{ids['c']}/objections/{objection}"
            response = (client.post(f"{url}/decision", json=decision, headers=headers[role]) if what == "decision"
                        else client.get(url, headers=headers[role]))
            return response.status_code, response.json()["detail"].replace(f"#{objection}", "#N")
        for role in ("body", "commission", "outsider", "observer"):
            assert answer(role, ids["o_other"]) == answer(role, 2**30), role
            assert answer(role, ids["o_other"])[0] == 404
        assert answer("public", ids["o"], "read")[0] == answer("public", 2**30, "read")[0] == 401
        status, detail = answer("methodologist", ids["o"])      # sees it: may be told why not
        assert status == 403 and "may not decide an objection" in detail
