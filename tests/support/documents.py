"""A demo campaign (2012, 17 regions, final) in one SQLite store for the document tests.

The top-level conftest imports the fixture, so that one store serves every module
(a conftest.py in tests/documents would shadow the top-level one)."""

from __future__ import annotations

import pytest

from bagalau import store
from bagalau.demo import campaign as demo_campaign
from bagalau.store import migrations
from support.store import fresh_database


class DemoStore:
    def __init__(self, url: str, factory, result):
        self.url, self.factory, self.result = url, factory, result


@pytest.fixture(scope="session")
def demo_store(tmp_path_factory):
    with fresh_database("sqlite", tmp_path_factory.mktemp("documents")) as url:
        engine = store.make_engine(url)
        migrations.upgrade(engine)
        factory = store.make_sessionmaker(engine)
        result = demo_campaign.run(factory, say=lambda line: None)
        yield DemoStore(url, factory, result)
        engine.dispose()


EDITIONS = ("ict-2015", "citizens-2017", "orgdev-2023", "openness-2025")


class EditionStore:
    def __init__(self, url: str, factory, campaigns: dict, bodies: dict, facts: dict):
        self.url, self.factory, self.campaigns, self.bodies, self.facts = url, factory, campaigns, bodies, facts


def _unreliable(raw: dict, compiled) -> tuple[str, object] | None:
    """An integer input the body reported above zero, verified one lower (a fact)."""
    for key, value in raw.items():
        item = compiled.inputs.get(key)
        if item is not None and item.type == "integer" and isinstance(value, int) and value > 1 \
                and (item.min is None or value - 1 >= item.min):
            return key, value - 1
    return None


@pytest.fixture(scope="session")
def edition_store(tmp_path_factory):
    """One campaign per later edition (2015, 2017, 2023, 2025), each with a central and a
    local body from the demo cohorts, scored (draft documents); 2015 and 2017 with an
    unreliable fact on the central body."""
    from bagalau import campaigns as lifecycle, demo
    from bagalau.campaigns import registry
    from bagalau.engine import catalog
    from bagalau.engine.inputs import Submission
    from bagalau.demo.campaign import EVALUATOR_BODY, EVALUATORS, METHODOLOGIST, at, representative

    with fresh_database("sqlite", tmp_path_factory.mktemp("editions")) as url:
        engine = store.make_engine(url)
        migrations.upgrade(engine)
        factory = store.make_sessionmaker(engine)
        ids, chosen, facts = {}, {}, {}
        with store.transaction(factory) as s:
            demo_campaign.seed(s, [])
        for edition in EDITIONS:
            compiled = catalog.load(edition)
            period = demo.default_period(compiled.source)
            cohort = demo.cohort_document(compiled, period)["bodies"]
            bodies = [next(b for b in cohort if b["profile"] == "central"),
                      next(b for b in reversed(cohort) if b["profile"] == "local")]
            codes = [b["id"] for b in bodies]
            chosen[edition] = codes
            with store.transaction(factory) as s:
                registry.import_records(s, [{"code": b["id"], "parent": "", "name_ru": b["name"], "name_en": b["id"],
                                             "kind": "central_body" if b["profile"] == "central" else "oblast_akimat"}
                                            for b in bodies], "system", "test")
                for code in codes:
                    lifecycle.add_user(s, representative(code), "body", code)
                campaign = lifecycle.create_campaign(
                    s, name=f"docs-{edition}", methodology_id=edition, period=period, evaluator=EVALUATOR_BODY,
                    bodies=codes, actor=METHODOLOGIST, settings={"submission_deadline": f"{period + 1}-03-01"},
                    evaluators={code: [EVALUATORS[0]] for code in codes}, at=at(1, 15))
                ids[edition] = campaign_id = campaign.id

            def step(action, campaign_id=campaign_id):
                with store.transaction(factory) as s:
                    return action(s, lifecycle.get_campaign(s, campaign_id))
            step(lambda s, c: lifecycle.open_submissions(s, c, EVALUATORS[0], at=at(2, 1)))
            for b in bodies:
                step(lambda s, c, b=b: lifecycle.submit(s, c, b["id"], Submission(b["id"], b["name"], b["inputs"],
                                                                                  period=period, origin="test"),
                                                         representative(b["id"]), expected_version=0, at=at(2, 20)))
            step(lambda s, c: lifecycle.close_submissions(s, c, EVALUATORS[0], at=at(3, 11)))
            if edition in ("ict-2015", "citizens-2017"):
                found = _unreliable(bodies[0]["inputs"], catalog.load(edition, "central"))
                if found is not None:
                    step(lambda s, c: lifecycle.add_fact(s, c, codes[0], found[0], found[1], "Verification act (test)",
                                                         EVALUATORS[0], rule="unreliable_fact", at=at(4, 10)))
                    facts[edition] = found
            step(lambda s, c: lifecycle.run_scoring(s, c, EVALUATORS[0], at=at(5, 20)))
        yield EditionStore(url, factory, ids, chosen, facts)
        engine.dispose()
