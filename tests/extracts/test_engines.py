"""DuckDB and PySpark (local mode) give identical inputs from the same extracts, for
every aggregation file shipped."""

from __future__ import annotations

from bagalau.extracts import definitions, generators
from bagalau.extracts.aggregation import Period, aggregate
from bagalau.extracts.engines import DuckDBEngine, SparkEngine
from bagalau.extracts.workspace import Workspace
from support.spark import spark  # noqa: F401  (the session fixture)

YEARS = {"it-2012": 2012, "citizens-2017": 2017, "orgdev-2023": 2024}
KIND_YEARS = {"edms_documents": 2012, "licences": 2012, "procurement_contracts": 2012,
              "service_requests": 2017, "complaints": 2017, "pass_events": 2024}


def _workspace(tmp_path) -> Workspace:
    workspace = Workspace(tmp_path / "ws")
    population = generators.Population.numbered(6, seed=7)
    for kind, year in KIND_YEARS.items():
        generators.write(kind, 1_500, workspace.kind_folder(kind), population, year, seed=7, chunk_rows=1_000)
    return workspace


def test_duckdb_and_spark_derive_the_same_inputs(tmp_path, spark):
    workspace = _workspace(tmp_path)
    duck, sparky = DuckDBEngine(threads=1), SparkEngine(spark)
    for edition, year in YEARS.items():
        file = definitions.load(edition)
        on_duckdb = aggregate(file, workspace, Period.year(year), duck)
        on_spark = aggregate(file, workspace, Period.year(year), sparky)
        assert on_duckdb.values and len(on_duckdb.values) == 6
        assert on_spark.values == on_duckdb.values, edition
        assert on_spark.diagnostics == on_duckdb.diagnostics, edition
        assert on_spark.covered == on_duckdb.covered
        types = lambda derived: {(b, k, type(v)) for b, vs in derived.values.items() for k, v in vs.items()}  # noqa
        assert types(on_spark) == types(on_duckdb)
    duck.close()


def test_generators_are_deterministic_by_seed(tmp_path):
    population = generators.Population.numbered(4, seed=1)
    one = list(generators.chunks("edms_documents", 300, population, 2012, seed=3, chunk_rows=200))
    two = list(generators.chunks("edms_documents", 300, population, 2012, seed=3, chunk_rows=200))
    other = list(generators.chunks("edms_documents", 300, population, 2012, seed=4, chunk_rows=200))
    assert [t.num_rows for t in one] == [200, 100]
    assert all(a.equals(b) for a, b in zip(one, two))
    assert not one[0].equals(other[0])
