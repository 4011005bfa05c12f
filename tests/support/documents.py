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
