"""Schemathesis against /api/openapi.json, authenticated as each role: no 5xx and
no response that breaks its documented schema.

Every generated request is sent as each role in turn, on a store that holds a
campaign with every kind of resource (tests/support/api_world.py); the
campaign and body path parameters are pointed at real ones most of the time,
so that requests reach the code behind the policy. The default suite runs a
small bounded number of examples per operation; set BAGALAU_SCHEMATHESIS_EXAMPLES
(e.g. 50, as CI does) for the full run."""

from __future__ import annotations

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error, response_schema_conformance

from bagalau import store
from support.api import make_app
from support.api_world import OTHER, OWN, ROLES, open_campaign, users
from support.store import fresh_database

EXAMPLES = int(os.environ.get("BAGALAU_SCHEMATHESIS_EXAMPLES") or 2)


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    folder = tmp_path_factory.mktemp("schemathesis")
    with fresh_database("sqlite", folder) as url:
        engine = store.make_engine(url)
        store.Base.metadata.create_all(engine)
        factory = store.make_sessionmaker(engine)
        ids = open_campaign(factory)
        headers = users(factory)
        app = make_app(url, folder, login_limits_per_client=("100000/minute",),
                       login_limits_per_name=("100000/minute",))
        yield app, headers, ids
        engine.dispose()


def _operations():
    """The operations of the OpenAPI document (of an application on an empty store: the document does not
    depend on the data)."""
    import tempfile
    from bagalau.api import Settings, create_app
    app = create_app(Settings(database_url=f"sqlite:///{tempfile.mkdtemp(prefix='bagalau-openapi-')}/s.sqlite"))
    loaded = schemathesis.openapi.from_asgi("/api/openapi.json", app)
    return sorted(result.ok().label for result in loaded.get_all_operations())


@pytest.fixture(scope="module")
def operations(world):
    loaded = schemathesis.openapi.from_asgi("/api/openapi.json", world[0])
    return {result.ok().label: result.ok() for result in loaded.get_all_operations()}


@pytest.mark.parametrize("label", _operations())
def test_no_server_error_and_no_schema_violation(label, operations, world):
    _, headers, ids = world

    @given(operations[label].as_strategy())
    @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck), phases=[Phase.explicit, Phase.generate])
    def check(case):
        parameters = case.path_parameters or {}
        if "campaign" in parameters and len(str(parameters["campaign"])) % 4 != 3:
            parameters["campaign"] = str(ids["c"])
        if "body" in parameters and len(str(parameters["body"])) % 3 != 2:
            parameters["body"] = OWN if len(str(parameters["body"])) % 2 else OTHER
        for role in ROLES:
            case.call_and_validate(headers={**(case.headers or {}), **headers[role]},
                                   checks=[not_a_server_error, response_schema_conformance], timeout=120)

    check()
