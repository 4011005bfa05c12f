"""Submissions, drafts, unreliable facts and evidence files through the API."""

from __future__ import annotations

import hashlib
import io
import json

import openpyxl
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from bagalau import store
from bagalau.store import audit
from bagalau.store.files import Evidence
from support.api import V1, bearer, make_app
from support.campaign import EVALUATOR, TWO, _claimed, build, raw_inputs, representative
from support.store import *  # noqa: F401,F403

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def api(factory, db_url, tmp_path):
    campaign_id, doc = build(factory, codes=TWO, until="submissions")
    with TestClient(make_app(db_url, tmp_path)) as client:
        client.campaign_id, client.doc, client.evidence_dir = campaign_id, doc, tmp_path / "evidence"
        yield client


def path(api, rest: str) -> str:
    return f"{V1}/campaigns/{api.campaign_id}/{rest}"


def test_versions_upload_download_and_the_409_of_a_stale_correction(api, factory):
    akmola = bearer(factory, representative("akmola"))
    versions = api.get(path(api, "bodies/akmola/submissions"), headers=akmola)
    assert versions.status_code == 200 and [v["version"] for v in versions.json()] == [1]
    v1 = api.get(path(api, "bodies/akmola/submissions/1"), headers=akmola).json()
    # the XLSX form of version 1 reads back to the same report; upload it changed as version 2
    xlsx = api.get(path(api, "bodies/akmola/submissions/1/file"), headers=akmola)
    assert xlsx.headers["content-disposition"].startswith("attachment") and xlsx.headers[
        "x-content-type-options"] == "nosniff"
    book = openpyxl.load_workbook(io.BytesIO(xlsx.content))
    sheet, cell = next(iter(book.defined_names["in_app2_g1"].destinations))
    assert book[sheet][cell.replace("$", "")].value == v1["values"]["app2_g1"]
    book[sheet][cell.replace("$", "")].value = v1["values"]["app2_g1"] - 1
    changed = io.BytesIO()
    book.save(changed)
    uploaded = api.post(path(api, "bodies/akmola/submissions/upload"), headers=akmola,
                        files={"file": ("report.xlsx", changed.getvalue(), "application/octet-stream")},
                        data={"expected_version": "1", "reason": "a typo"})
    assert uploaded.status_code == 201, uploaded.text
    assert uploaded.json()["version"] == 2 and uploaded.json()["changes"] == [
        {"field": "app2_g1", "from": v1["values"]["app2_g1"], "to": v1["values"]["app2_g1"] - 1}]
    # a correction made on version 1 is now a conflict
    stale = api.post(path(api, "bodies/akmola/submissions"), headers=akmola,
                     json={"values": v1["values"], "expected_version": 1})
    assert stale.status_code == 409 and "version 2" in stale.json()["detail"]
    # JSON download and upload
    as_json = api.get(path(api, "bodies/akmola/submissions/2/file"), params={"format": "json"}, headers=akmola)
    document = json.loads(as_json.content)
    assert document["body"] == "akmola" and document["inputs"]["app2_g1"] == v1["values"]["app2_g1"] - 1
    document["inputs"]["app2_g1"] = v1["values"]["app2_g1"]
    again = api.post(path(api, "bodies/akmola/submissions/upload"), headers=akmola, data={"expected_version": "2"},
                     files={"file": ("r.json", json.dumps(document).encode(), "application/json")})
    assert again.status_code == 201 and again.json()["version"] == 3


def test_invalid_reports_name_each_field_and_nothing_is_stored(api, factory):
    akmola = bearer(factory, representative("akmola"))
    values = {**raw_inputs(api.doc, "akmola"), "app2_g1": -5, "nonsense": 1}
    refused = api.post(path(api, "bodies/akmola/submissions"), headers=akmola,
                       json={"values": values, "expected_version": 1})
    assert refused.status_code == 422 and refused.headers["content-type"] == "application/problem+json"
    fields = {e["field"] for e in refused.json()["errors"]}
    assert {"inputs.app2_g1", "inputs.nonsense"} <= fields
    assert len(api.get(path(api, "bodies/akmola/submissions"), headers=akmola).json()) == 1
    html = api.post(path(api, "bodies/akmola/submissions/upload"), headers=akmola,
                    files={"file": ("r.json", b"<html><script>x</script></html>", "application/json")})
    assert html.status_code == 415      # markup is never taken as a report
    png = api.post(path(api, "bodies/akmola/submissions/upload"), headers=akmola,
                   files={"file": ("r.xlsx", b"\x89PNG\r\n\x1a\n" + b"0" * 64, "application/octet-stream")})
    assert png.status_code == 415


def test_another_bodys_reports_do_not_exist_for_a_body_officer(api, factory):
    akmola = bearer(factory, representative("akmola"))
    for url in ("bodies/aktobe/submissions", "bodies/aktobe/submissions/1", "bodies/aktobe/submissions/1/file",
                "bodies/aktobe/draft", "bodies/no-such/submissions/1"):
        answer = api.get(path(api, url), headers=akmola)
        assert answer.status_code == 404, url
    assert api.post(path(api, "bodies/aktobe/submissions"), headers=akmola,
                    json={"values": {}, "expected_version": 1}).status_code == 404
    assert api.get(path(api, "bodies/aktobe/submissions")).status_code == 401
    assert api.get(path(api, "bodies/aktobe/submissions"), headers=bearer(factory, EVALUATOR)).status_code == 200


def test_a_draft_is_saved_checked_refused_when_stale_and_submitted(api, factory):
    akmola = bearer(factory, representative("akmola"))
    empty = api.get(path(api, "bodies/akmola/draft"), headers=akmola).json()
    assert empty["revision"] == 0 and empty["values"] == {}
    values = {**{k: str(v) if not isinstance(v, (list, dict)) else v
                 for k, v in raw_inputs(api.doc, "akmola").items()}}
    values["app2_g1"] = "-3"
    saved = api.put(path(api, "bodies/akmola/draft"), headers=akmola,
                    json={"values": values, "expected_revision": 0})
    assert saved.status_code == 200, saved.text
    revision = saved.json()["revision"]
    assert any(p["field"] == "app2_g1" and p["severity"] == "error" for p in saved.json()["problems"])
    assert api.put(path(api, "bodies/akmola/draft"), headers=akmola,
                   json={"values": values, "expected_revision": revision - 1}).status_code == 409
    refused = api.post(path(api, "bodies/akmola/draft/submit"), headers=akmola, json={"expected_revision": revision})
    assert refused.status_code == 422
    values["app2_g1"] = str(raw_inputs(api.doc, "akmola")["app2_g1"] - 1)
    fixed = api.put(path(api, "bodies/akmola/draft"), headers=akmola,
                    json={"values": values, "expected_revision": revision}).json()
    submitted = api.post(path(api, "bodies/akmola/draft/submit"), headers=akmola,
                         json={"expected_revision": fixed["revision"], "reason": "corrected"})
    assert submitted.status_code == 201 and submitted.json()["version"] == 2
    assert api.get(path(api, "bodies/akmola/draft"), headers=akmola).json()["revision"] == 0


def test_facts_and_evidence_files(api, factory):
    evaluator = bearer(factory, EVALUATOR)
    assert api.post(path(api, "advance"), json={}, headers=evaluator).json()["state"] == "verification"
    claimed = _claimed(raw_inputs(api.doc, "akmola"))
    preview = api.post(path(api, "facts/preview"), headers=evaluator,
                       json={"body": "akmola", "input": claimed, "verified": False})
    assert preview.status_code == 200, preview.text
    assert "akmola" in preview.json()["changed"] and preview.json()["nodes"]
    assert api.get(path(api, "facts"), headers=evaluator).json() == []          # the preview wrote nothing
    fact = api.post(path(api, "facts"), headers=evaluator, json={
        "body": "akmola", "input": claimed, "verified": False, "document": "On-site visit act"})
    assert fact.status_code == 201, fact.text
    fact_id = fact.json()["id"]
    # evidence: stored by its hash, served as a download, its hash in the audit chain
    upload = api.post(path(api, f"facts/{fact_id}/evidence"), headers=evaluator,
                      files={"file": ("../../etc/passwd act.pdf", PDF, "text/html")})
    assert upload.status_code == 201, upload.text
    info = upload.json()
    sha = hashlib.sha256(PDF).hexdigest()
    assert info["sha256"] == sha and info["media_type"] == "application/pdf"
    assert info["filename"] == "passwd act.pdf"          # a name is only ever shown, never a path
    assert (api.evidence_dir / sha[:2] / sha).read_bytes() == PDF
    assert not any(p.name == "passwd act.pdf" for p in api.evidence_dir.rglob("*"))
    download = api.get(path(api, f"evidence/{info['id']}"), headers=evaluator)
    assert download.content == PDF and download.headers["content-disposition"].startswith("attachment")
    assert download.headers["x-content-type-options"] == "nosniff"
    assert download.headers["content-type"] == "application/pdf"
    with store.transaction(factory) as s:
        entry = [e for e in audit.entries(s) if e.action == "evidence.attach"][-1]
        assert json.loads(entry.payload)["sha256"] == sha and audit.verify_chain(s).ok
    # the other body's officer does not see it; the own body does
    assert api.get(path(api, f"evidence/{info['id']}"),
                   headers=bearer(factory, representative("aktobe"))).status_code == 404
    assert api.get(path(api, f"evidence/{info['id']}"),
                   headers=bearer(factory, representative("akmola"))).status_code == 200
    assert [f["id"] for f in api.get(path(api, "facts"), headers=bearer(factory, representative("aktobe"))).json()
            ] == []
    assert api.get(path(api, "facts"), params={"body": "akmola"},
                   headers=bearer(factory, representative("aktobe"))).status_code == 404
    # HTML, and too large, are refused; nothing is stored
    html = api.post(path(api, f"facts/{fact_id}/evidence"), headers=evaluator,
                    files={"file": ("act.pdf", b"<!DOCTYPE html><script>alert(1)</script>", "application/pdf")})
    assert html.status_code == 415
    with store.transaction(factory) as s:
        assert len(list(s.execute(select(Evidence)).scalars())) == 1
