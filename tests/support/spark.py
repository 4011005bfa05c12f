"""The Spark fixture: one session for the whole test run (starting one costs seconds); skipped
with the reason where PySpark or Java is missing, except on CI, where the
Spark path must run."""

from __future__ import annotations

import os

import pytest

from bagalau.extracts.engines import EngineUnavailable, local_session


@pytest.fixture(scope="session")
def spark():
    try:
        session = local_session(cores=1)
    except EngineUnavailable as exc:
        if os.environ.get("CI"):
            pytest.fail(f"{exc} (on CI the PySpark path must run)")
        pytest.skip(str(exc))
    yield session
    session.stop()
