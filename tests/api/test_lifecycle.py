"""The whole 2012 demo campaign through the API alone: the registry imported,
accounts made, every body submits, the evaluator records facts (one with an
evidence file) and scores as a job, draft conclusions go out, a body objects
with a document, the commission previews and decides (a rescore), the rating
becomes final and public, a plan is recorded, and the audit verification
passes. Only the first administrator is made in the store (as `bagalau users
add` makes them); everything after is HTTP."""

from __future__ import annotations

import csv
import hashlib
import io
from datetime import date

from fastapi.testclient import TestClient

from bagalau.campaigns.registry import COLUMNS
from bagalau.demo import campaign as demo
from support.api import PASSWORD, V1, ensure_user, login, make_app
from support.campaign import _claimed, document
from support.store import *  # noqa: F401,F403

PDF = b"%PDF-1.4\n% the approved plan of measures\n%%EOF\n"


class Person:
    """A user's own client: signs in with the password (a session cookie), then makes a
    personal token and speaks with it, as a program would."""

    def __init__(self, app, name: str):
        self.client = TestClient(app)
        info = login(self.client, name)
        made = self.client.post(f"{V1}/tokens", json={"name": "lifecycle"}, headers={"X-CSRF-Token": info["csrf_token"]})
        assert made.status_code == 201, made.text
        self.client.cookies.clear()
        self.headers = {"Authorization": f"Bearer {made.json()['token']}"}

    def __getattr__(self, method):
        call = getattr(self.client, method)
        return lambda url, **kw: call(f"{V1}{url}", headers={**self.headers, **kw.pop("headers", {})}, **kw)


def ok(response, status: int = 200):
    assert response.status_code == status, f"{response.request.method} {response.request.url}: {response.text}"
    return response.json() if response.content and "json" in response.headers.get("content-type", "") else response


def test_the_2012_demo_campaign_through_the_api(factory, db_url, tmp_path):
    doc = document()
    codes = [b["id"] for b in doc["bodies"]]
    ensure_user(factory, "admin", "administrator", password=PASSWORD)
    with TestClient(make_app(db_url, tmp_path, login_limits_per_client=("1000/minute",))) as app_client:
        app = app_client.app

        def pin(day: str) -> str:
            """The deployment pins the server's day (as a demo does); the client may only repeat it."""
            app.state.today = date.fromisoformat(day)
            return day
        admin = Person(app, "admin")
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(demo.registry_records())
        ok(admin.post("/bodies/import", files={"file": ("registry.csv", buffer.getvalue().encode(), "text/csv")}))
        evaluator, commission, methodologist = demo.EVALUATORS[0], demo.COMMISSION[0], demo.METHODOLOGIST
        accounts = [(methodologist, "methodologist", None), (evaluator, "evaluator", demo.EVALUATOR_BODY),
                    (commission, "commission", None),
                    *[(demo.representative(code), "body", code) for code in codes]]
        for name, role, body in accounts:
            ok(admin.post("/users", json={"name": name, "role": role, "body": body, "password": PASSWORD}), 201)
        people = {name: Person(app, name) for name, _, _ in accounts}
        ev, member, public = people[evaluator], people[commission], TestClient(app)

        created = ok(people[methodologist].post("/campaigns", json={
            "name": "demo-2012", "methodology": "it-2012", "period": 2012, "evaluator": demo.EVALUATOR_BODY,
            "bodies": codes, "evaluators": {code: [evaluator] for code in codes}}), 201)
        c = f"/campaigns/{created['id']}"
        assert ok(ev.post(f"{c}/advance", json={"on": pin("2013-02-01")}))["state"] == "submissions"
        for entry in doc["bodies"]:
            officer = people[demo.representative(entry["id"])]
            ok(officer.post(f"{c}/bodies/{entry['id']}/submissions",
                            json={"values": entry["inputs"], "expected_version": 0}), 201)
        assert ok(ev.post(f"{c}/advance", json={"on": pin("2013-03-11")}))["state"] == "verification"

        target, other = codes[0], codes[1]
        facts = {}
        for body in (target, other):
            facts[body] = ok(ev.post(f"{c}/facts", json={
                "body": body, "input": _claimed(next(b["inputs"] for b in doc["bodies"] if b["id"] == body)),
                "verified": False, "document": f"On-site visit act ({body})", "on": pin("2013-04-10")}), 201)["id"]
        act = ok(ev.post(f"{c}/facts/{facts[target]}/evidence", files={"file": ("visit act.pdf", PDF, "application/pdf")}),
                 201)
        assert act["sha256"] == hashlib.sha256(PDF).hexdigest()

        job = ok(ev.post(f"{c}/runs", json={"reason": "scoring"}), 202)
        job = ok(ev.get(f"/jobs/{job['id']}"))
        assert job["status"] == "succeeded" and job["result"]["run"] == 1
        # until the rating is final, a body sees only its own explanation; the public sees no rating
        mine = people[demo.representative(target)]
        assert ok(mine.get(f"{c}/bodies/{target}/explanation"))["run"] == 1
        assert mine.get(f"{c}/bodies/{other}/explanation").status_code == 404
        assert public.get(f"{V1}{c}/rating").status_code == 401
        provisional = ok(ev.get(f"{c}/rating"))
        assert provisional["final"] is False and len(provisional["rating"]) == len(codes)

        ok(ev.post(f"{c}/conclusions/drafts", json={"on": pin("2013-05-31")}), 201)
        drafts = ok(mine.get(f"{c}/bodies/{target}/conclusions"))
        assert [d["kind"] for d in drafts] == ["draft"]
        objection = ok(mine.post(f"{c}/bodies/{target}/objections", data={
            "text": "the measure is in the approved plan", "contested": [f"fact #{facts[target]}"],
            "on": pin("2013-06-03")}, files=[("files", ("plan.pdf", PDF, "application/pdf"))]), 201)
        assert objection["documents"] == ["plan.pdf"] and len(objection["evidence"]) == 1
        ok(ev.post(f"{c}/bodies/{target}/commission", json={"members": [commission], "on": pin("2013-06-04")}), 201)
        # §107: the evaluator who recorded the fact could not sit on it
        options = ok(member.get(f"{c}/objections/{objection['id']}/options"))
        assert [o["outcome"] for o in options][:2] == ["rejected", "accepted"]
        preview = ok(member.post(f"{c}/objections/{objection['id']}/preview",
                                 json={"remove_facts": [facts[target]]}))
        assert target in preview["changed"]
        decided = ok(member.post(f"{c}/objections/{objection['id']}/decision", json={
            "outcome": "accepted", "reasoning": "the plan confirms the measure", "remove_facts": [facts[target]],
            "on": pin("2013-06-05")}), 201)
        assert decided["status"] == "accepted" and decided["decision"]["run"] == 2
        after = {row["body"]: row for row in ok(ev.get(f"{c}/runs/2"))["results"]}
        total = next(b["total_after"] for b in preview["bodies"] if b["body"] == target)
        assert after[target]["total"] == total             # the preview said what the decision did

        final = ok(ev.post(f"{c}/finalise", json={"on": pin("2013-06-12")}), 201)
        assert {row["kind"] for row in final} == {"final"}
        rating = ok(public.get(f"{V1}{c}/rating"))
        assert rating["final"] is True and [r["rank"] for r in rating["rating"]][0] == 1
        assert rating["anchor"] is not None
        assert ok(public.get(f"{V1}{c}/bodies/{other}/explanation"))["run"] == 2   # published once final
        ok(mine.post(f"{c}/bodies/{target}/plan", json={"actions": [
            {"action": "Register documents on the day", "responsible": "Office head", "deadline": "2013-09-30"}],
            "on": pin("2013-07-01")}), 201)
        assert ok(ev.get("/campaigns/" + str(created["id"])))["state"] == "post_audit"

        verified = ok(admin.get("/audit/verify"))
        assert verified["ok"] is True, verified["findings"]
        assert verified["chain"]["ok"] and verified["runs_recomputed"] == 2
        decisions = ok(admin.get("/audit", params={"campaign": created["id"], "action": "objection."}))
        assert [e["action"] for e in decisions["entries"]] == ["objection.file", "objection.decide"]
        attached = ok(ev.get("/audit", params={"campaign": created["id"], "action": "evidence.attach"}))
        assert {e["payload"]["sha256"] for e in attached["entries"]} == {hashlib.sha256(PDF).hexdigest()}
