"""The public resources (methodologies, registry, campaigns) and the problem
details of refusals."""

from __future__ import annotations

import io

import openpyxl
import pytest
from fastapi.testclient import TestClient

from support.api import V1, bearer, ensure_user, make_app
from support.campaign import build, representative
from support.store import *  # noqa: F401,F403


@pytest.fixture
def api(factory, db_url, tmp_path):
    campaign_id, _ = build(factory, codes=["akmola", "aktobe"], until="submissions")
    ensure_user(factory, "admin", "administrator")
    with TestClient(make_app(db_url, tmp_path)) as client:
        client.campaign_id = campaign_id
        yield client


def test_methodologies_are_public(api):
    editions = api.get(f"{V1}/methodologies").json()
    assert "it-2012" in {e["id"] for e in editions}
    tree = api.get(f"{V1}/methodologies/it-2012").json()
    assert tree["id"] == "it-2012" and tree["nodes"][0]["id"] == "1"
    assert api.get(f"{V1}/methodologies/ict-2015", params={"profile": "local"}).status_code == 200
    assert {"nodes", "options", "readings"} <= set(api.get(f"{V1}/methodologies/citizens-2017/provenance").json())
    changes = api.get(f"{V1}/methodologies/orgdev-2020/diff/orgdev-2023").json()
    assert changes and {"kind", "area", "id", "before", "after"} == set(changes[0])
    xlsx = api.get(f"{V1}/methodologies/it-2012/template")
    assert xlsx.headers["content-disposition"].startswith("attachment") and xlsx.content[:2] == b"PK"
    openpyxl.load_workbook(io.BytesIO(xlsx.content))
    missing = api.get(f"{V1}/methodologies/no-such")
    assert missing.status_code == 404 and missing.json()["detail"].startswith("unknown methodology 'no-such'")


def test_registry_is_public_and_imported_by_administrators(api, factory):
    assert "akmola" in {b["code"] for b in api.get(f"{V1}/bodies").json()}
    csv = "code,kind,parent,name_ru\nnew-a,central_body,,Новый\nbad,nonsense,,Плохой\n".encode()
    refused = api.post(f"{V1}/bodies/import", files={"file": ("reg.csv", csv, "text/csv")},
                       headers=bearer(factory, representative("akmola")))
    assert refused.status_code == 403
    bad = api.post(f"{V1}/bodies/import", files={"file": ("reg.csv", csv, "text/csv")},
                   headers=bearer(factory, "admin"))
    assert bad.status_code == 422
    assert bad.json()["errors"] == [{"field": "kind", "reason": "unknown kind 'nonsense'; use one of central_body, "
                                     "department, territorial_subdivision, oblast_akimat, city_akimat, district, "
                                     "rural_okrug, subordinate_organisation", "location": "row 3"}]
    good = api.post(f"{V1}/bodies/import", files={"file": ("reg.csv", csv.split(b"bad,")[0], "text/csv")},
                    headers=bearer(factory, "admin"))
    assert good.json() == {"created": 1, "updated": 0, "unchanged": 0}


def test_campaign_status_shows_each_body_only_to_whom_may_see_it(api, factory):
    path = f"{V1}/campaigns/{api.campaign_id}"
    as_body = api.get(path, headers=bearer(factory, representative("akmola"))).json()
    rows = {row["body"]: row for row in as_body["bodies"]}
    assert rows["akmola"]["visible"] and rows["akmola"]["version"] == 1
    assert rows["aktobe"] == {"body": "aktobe", "profile": "local", "visible": False, "version": None,
                              "submitted": None, "flags": [], "facts": None, "total": None, "objections": []}
    public = api.get(path).json()
    assert not any(row["visible"] for row in public["bodies"]) and public["state"] == "submissions"
    assert all(row["visible"] for row in api.get(path, headers=bearer(factory, "admin")).json()["bodies"])


def test_refusals_are_problem_details(api, factory):
    body_officer = bearer(factory, representative("akmola"))
    forbidden = api.post(f"{V1}/campaigns/{api.campaign_id}/advance", json={}, headers=body_officer)
    assert forbidden.status_code == 403
    assert forbidden.headers["content-type"] == "application/problem+json"
    assert forbidden.json()["detail"] == (f"{representative('akmola')} (body) may not close submissions; "
                                          "only: evaluator")
    anonymous = api.post(f"{V1}/campaigns/{api.campaign_id}/advance", json={})
    assert anonymous.status_code == 401
    invalid = api.post(f"{V1}/campaigns", json={"name": "x", "period": "soon"}, headers=bearer(factory, "admin"))
    assert invalid.status_code == 422
    fields = {e["field"] for e in invalid.json()["errors"]}
    assert {"body.period", "body.methodology", "body.evaluator", "body.bodies"} <= fields
    assert api.get(f"{V1}/campaigns/999").json()["detail"] == "unknown campaign '999'"
