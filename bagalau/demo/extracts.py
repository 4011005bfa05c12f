"""The extracts demo: SYNTHETIC source-system records for the demo regions (every kind,
from the seeded generators), imported through the same validation as real
files, then aggregated into the inputs of it-2012, citizens-2017 and
orgdev-2023. Names of regions are public facts; every record is made up."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Callable

from bagalau.extracts import definitions, generators
from bagalau.extracts.aggregation import Derived, Period, aggregate
from bagalau.extracts.engines import DuckDBEngine
from bagalau.extracts.imports import import_file
from bagalau.extracts.schemas import KINDS
from bagalau.extracts.workspace import Workspace

from .regions import REGIONS_2012

YEARS = {"edms_documents": 2012, "licences": 2012, "procurement_contracts": 2012, "service_requests": 2017,
         "complaints": 2017, "pass_events": 2024}
EDITIONS = {"it-2012": 2012, "citizens-2017": 2017, "orgdev-2023": 2024}
SHARES = {"pass_events": 0.5, "edms_documents": 0.3, "service_requests": 0.12, "complaints": 0.04,
          "procurement_contracts": 0.02, "licences": 0.02}


MARKER = ".bagalau-demo"


class NotADemoWorkspace(ValueError):
    pass


def _fresh(workspace: Workspace) -> None:
    """Empty a demo workspace; refuse a folder that holds anything else."""
    folder = workspace.folder
    if folder.exists() and any(folder.iterdir()) and not (folder / MARKER).exists():
        raise NotADemoWorkspace(f"{folder} holds files that are not from the demo; give the demo its own "
                                "--workspace")
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    (folder / MARKER).write_text("SYNTHETIC extracts of `bagalau extracts demo`; emptied on every run\n")


def run(workspace: Workspace, rows: int = 200_000, seed: int = 2012,
        progress: Callable[[str, int, int], None] | None = None) -> dict[str, Derived]:
    """Generate, import and aggregate; returns the derived inputs per edition."""
    _fresh(workspace)
    population = generators.Population.make([code for code, _, _ in REGIONS_2012], seed)
    with tempfile.TemporaryDirectory(prefix="bagalau-extracts-demo-") as folder:
        for kind, share in SHARES.items():
            target = Path(folder) / kind
            paths = generators.write(kind, max(1, int(rows * share)), target, population, YEARS[kind], seed)
            for path in paths:
                import_file(workspace, KINDS[kind], path,
                            progress=(lambda done, total, k=kind: progress(k, done, total)) if progress else None)
    engine = DuckDBEngine()
    try:
        return {edition: aggregate(definitions.load(edition), workspace, Period.year(year), engine)
                for edition, year in EDITIONS.items()}
    finally:
        engine.close()

