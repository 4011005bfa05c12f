"""The engines an aggregation runs on. Both read the workspace's Parquet files where
they are and are given the same ``calendar`` table.

* ``DuckDBEngine``, the default: embedded, out of core (it spills to disk
  past its memory limit), all cores.
* ``SparkEngine``: PySpark, for a deployment that outgrows one machine
  (the optional extra ``bagalau[spark]``, and Java 17). The aggregation
  files' SQL is translated to Spark SQL by sqlglot; ``local_session``
  starts Spark in local mode, as the tests do.
"""

from __future__ import annotations

import os
import shutil
import threading
from typing import Callable, Protocol

import duckdb
import pyarrow as pa
import sqlglot

from .definitions import DIALECT
from .schemas import SQL_TYPES, Kind
from .workspace import Workspace


class EngineUnavailable(RuntimeError):
    """The engine cannot start here; the message says what to install."""


class Engine(Protocol):
    name: str

    def prepare(self, workspace: Workspace, kinds: list[Kind], calendar: pa.Table) -> None: ...
    def translate(self, sql: str) -> str: ...
    def run(self, sql: str, progress: Callable[[float], None] | None = None) -> list[tuple]: ...


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


class DuckDBEngine:
    name = "duckdb"

    def __init__(self, *, threads: int | None = None, memory_limit: str | None = None):
        self.con = duckdb.connect()
        if threads:
            self.con.execute(f"SET threads = {int(threads)}")
        if memory_limit:
            self.con.execute(f"SET memory_limit = {_literal(memory_limit)}")

    def prepare(self, workspace: Workspace, kinds: list[Kind], calendar: pa.Table) -> None:
        for kind in kinds:
            files = workspace.files(kind.name)
            if files:
                listed = ", ".join(_literal(str(p)) for p in files)
                self.con.execute(f"CREATE OR REPLACE VIEW {kind.name} AS SELECT * FROM read_parquet([{listed}])")
            else:
                columns = ", ".join(f'"{f.name}" {SQL_TYPES[f.type]}' for f in kind.fields)
                self.con.execute(f"CREATE OR REPLACE TEMP TABLE {kind.name} ({columns})")
        self.con.register("calendar", calendar)

    def translate(self, sql: str) -> str:
        return sql

    def run(self, sql: str, progress: Callable[[float], None] | None = None) -> list[tuple]:
        if progress is None:
            return self.con.execute(sql).fetchall()
        outcome: dict = {}

        def work():
            try:
                outcome["rows"] = self.con.execute(sql).fetchall()
            except BaseException as exc:  # handed to the caller's thread below
                outcome["error"] = exc

        worker = threading.Thread(target=work, daemon=True)
        worker.start()
        while worker.is_alive():
            worker.join(0.2)
            done = self.con.query_progress()
            if done is not None and done >= 0:
                progress(min(done, 100.0) / 100.0)
        if "error" in outcome:
            raise outcome["error"]
        return outcome["rows"]

    def close(self) -> None:
        self.con.close()


# --- PySpark --------------------------------------------------------------------------------

def _require_spark():
    try:
        import pyspark  # noqa: F401
    except ImportError:
        raise EngineUnavailable("the Spark engine needs PySpark: pip install 'bagalau[spark]'") from None
    if not (os.environ.get("JAVA_HOME") or shutil.which("java")):
        raise EngineUnavailable("the Spark engine needs Java 17 (Debian: apt-get install openjdk-17-jre-headless; "
                                "scripts/setup.sh installs it)")


def local_session(cores: int = 2):
    """A Spark session in local mode on this machine, quiet and bound to loopback."""
    _require_spark()
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    os.environ.setdefault("PYARROW_IGNORE_TIMEZONE", "1")
    from pyspark.sql import SparkSession
    session = (SparkSession.builder.master(f"local[{cores}]").appName("bagalau-extracts")
               .config("spark.ui.enabled", "false")
               .config("spark.driver.host", "127.0.0.1")
               .config("spark.driver.bindAddress", "127.0.0.1")
               .config("spark.sql.session.timeZone", "UTC")
               .config("spark.sql.shuffle.partitions", str(cores))
               .config("spark.ui.showConsoleProgress", "false")
               .config("spark.driver.extraJavaOptions", "-XX:+UseSerialGC -XX:TieredStopAtLevel=1")
               .getOrCreate())
    session.sparkContext.setLogLevel("ERROR")
    return session


def _spark_type(type_name: str):
    from pyspark.sql import types as T
    return {"string": T.StringType(), "integer": T.LongType(), "boolean": T.BooleanType(),
            "date": T.DateType(), "timestamp": T.TimestampNTZType(), "decimal": T.DecimalType(18, 2)}[type_name]


class SparkEngine:
    name = "spark"

    def __init__(self, session=None):
        self.spark = session if session is not None else local_session()

    def prepare(self, workspace: Workspace, kinds: list[Kind], calendar: pa.Table) -> None:
        from pyspark.sql import types as T
        for kind in kinds:
            schema = T.StructType([T.StructField(f.name, _spark_type(f.type), True) for f in kind.fields])
            files = [str(p) for p in workspace.files(kind.name)]
            frame = (self.spark.read.schema(schema).parquet(*files) if files
                     else self.spark.createDataFrame([], schema))
            frame.createOrReplaceTempView(kind.name)
        schema = T.StructType([T.StructField("day", T.DateType()), T.StructField("working", T.BooleanType()),
                               T.StructField("next_working_day", T.DateType())])
        rows = [(r["day"], r["working"], r["next_working_day"]) for r in calendar.to_pylist()]
        self.spark.createDataFrame(rows, schema).createOrReplaceTempView("calendar")

    def translate(self, sql: str) -> str:
        return sqlglot.transpile(sql, read=DIALECT, write="spark", pretty=True)[0]

    def run(self, sql: str, progress: Callable[[float], None] | None = None) -> list[tuple]:
        rows = [tuple(row) for row in self.spark.sql(self.translate(sql)).collect()]
        if progress:
            progress(1.0)
        return rows
