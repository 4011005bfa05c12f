"""`bagalau extracts …`: import source-system extracts, derive inputs from them, and
reconcile a campaign's reports with them.

The workspace of imported extracts is ``--workspace`` or
``BAGALAU_EXTRACTS_DIR`` (default: ``extracts/`` in the user's data
directory). Imports and aggregations show Rich progress bars on the error
console when it is a terminal (none when piped); a bad file prints every problem with its row and reason, imports
nothing and exits with status 2.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import List, Optional

import typer
from rich.markup import escape
from bagalau.cli.terminal import Table

from bagalau import campaigns, store
from bagalau.cli.campaigns import ACTOR, CAMPAIGN, DATABASE, ON, actor_name, effective, guarded, open_store
from bagalau.cli.console import _, err, fail, out, parse_pairs, styled
from bagalau.cli.progress import bars as progress_bars
from bagalau.extracts import definitions, generators
from bagalau.extracts.aggregation import Derived, Period, aggregate
from bagalau.extracts.definitions import DefinitionProblem, Tolerance
from bagalau.extracts.engines import DuckDBEngine, EngineUnavailable, SparkEngine
from bagalau.extracts.imports import ExtractError, import_file
from bagalau.extracts.reconcile import reconcile
from bagalau.extracts.schemas import KINDS, kind_named
from bagalau.extracts.workspace import Workspace

app = typer.Typer(no_args_is_help=True, help="Source-system extracts: import, derive inputs, reconcile reports.")
WORKSPACE = typer.Option(None, "--workspace", "-w", help="Folder of imported extracts (default: "
                                                          "$BAGALAU_EXTRACTS_DIR or the user's data directory).")
ENGINE = typer.Option("duckdb", "--engine", help="duckdb (embedded, default) or spark (PySpark in local mode; "
                                                  "needs bagalau[spark] and Java 17).")


def _progress():
    """Bars on a terminal; nothing when the error console is piped (``cli.progress``)."""
    return progress_bars()


def _engine(name: str):
    if name == "duckdb":
        return DuckDBEngine()
    if name == "spark":
        try:
            return SparkEngine()
        except EngineUnavailable as exc:
            fail(str(exc))
    fail(_("--engine must be duckdb or spark, not '%(value)s'", value=name))


def _parameters(items: list[str]) -> dict[str, int]:
    values = {}
    for key, value in parse_pairs(items, "--param").items():
        try:
            values[key] = int(value)
        except ValueError:
            fail(_("--param %(key)s takes a whole number, got '%(value)s'", key=key, value=value))
    return values


def _tolerances(items: list[str]) -> dict[str, Tolerance]:
    """`--tolerance app2_g1=0.05` (relative) or `--tolerance pass_m=abs:2`."""
    result = {}
    for key, value in parse_pairs(items, "--tolerance").items():
        try:
            result[key] = (Tolerance(absolute=Decimal(value[4:])) if value.startswith("abs:")
                           else Tolerance(relative=Decimal(value)))
        except Exception:  # noqa: BLE001 - any unreadable number is the same user error
            fail(_("--tolerance %(key)s: give a share (0.05) or abs:N, got '%(value)s'", key=key, value=value))
    return result


def _aggregate_with_bars(file, workspace: Workspace, period: Period, engine, parameters) -> Derived:
    with _progress() as bars:
        tasks = {kind: bars.add_task(f"{kind}", total=1.0) for kind in file.kinds}
        return aggregate(file, workspace, period, engine, parameters=parameters,
                         progress=lambda kind, done: bars.update(tasks[kind], completed=done))


@app.command("kinds")
def kinds_command(kind: Optional[str] = typer.Argument(None, help="show one kind's fields")) -> None:
    """The extract kinds and their record schemas (docs/extracts.md)."""
    if kind is None:
        table = Table("kind", "records", "source", "period column")
        for k in KINDS.values():
            table.add_row(k.name, f"{k.title['ru']}\n{k.title['en']}", k.source, k.period)
        out.print(table)
        return
    try:
        k = kind_named(kind)
    except KeyError as exc:
        fail(str(exc.args[0]))
    table = Table("field", "type", "required", "values", "meaning", title=f"{k.name} ({k.paragraphs})")
    for f in k.fields:
        values = ", ".join(f.choices) if f.choices else (f"≥ {f.minimum}" if f.minimum is not None else "")
        table.add_row(f.name, f.type, "yes" if f.required else "no", values, f.description)
    out.print(table)


@app.command("import")
def import_command(kind: str = typer.Argument(..., help=f"one of: {', '.join(KINDS)}"),
                   files: List[Path] = typer.Argument(..., help="CSV or Parquet files"),
                   workspace: Optional[Path] = WORKSPACE) -> None:
    """Validate extract files and keep them; a file with any problem imports nothing."""
    try:
        k = kind_named(kind)
    except KeyError as exc:
        fail(str(exc.args[0]))
    space = Workspace(workspace)
    failed = 0
    for path in files:
        try:
            with _progress() as bars:
                task = bars.add_task(f"{path.name}", total=None)
                kept = import_file(space, k, path, progress=lambda done, total: bars.update(
                    task, completed=done, total=total))
        except ExtractError as exc:
            failed += 1
            err.print(styled(_("error:"), "red") + " " + escape(str(exc)), highlight=False)
            continue
        out.print(f"{path.name}: {kept.rows:,} {kind} records imported as {kept.path.name}")
    if failed:
        raise typer.Exit(2)


@app.command("list")
def list_command(workspace: Optional[Path] = WORKSPACE) -> None:
    """The imported files, per kind, with their source and SHA-256."""
    space = Workspace(workspace)
    table = Table("kind", "file", "source", "rows", "imported", "sha256", title=str(space.folder))
    for kind in space.kinds():
        for f in space.describe(kind):
            table.add_row(kind, f.name, f.source, f"{f.rows:,}", f.imported_at, f.sha256[:16] + "…")
    out.print(table)


@app.command("aggregate")
def aggregate_command(edition: str = typer.Argument(..., help="an edition with an aggregation file"),
                      period: int = typer.Option(..., "--period", help="reporting year"),
                      engine: str = ENGINE, param: List[str] = typer.Option([], "--param", help="NAME=VALUE"),
                      as_json: bool = typer.Option(False, "--json"), show_sql: bool = typer.Option(False, "--sql"),
                      workspace: Optional[Path] = WORKSPACE) -> None:
    """Derive the edition's inputs per body from the imported extracts."""
    try:
        file = definitions.load(edition)
    except DefinitionProblem as exc:
        fail(str(exc))
    derived = _aggregate_with_bars(file, Workspace(workspace), Period.year(period), _engine(engine),
                                   _parameters(param))
    if show_sql:
        for kind, sql in derived.queries.items():
            err.print(f"[dim]-- {kind} ({derived.engine})\n{sql}[/]", highlight=False)
    if as_json:
        out.print_json(json.dumps({"edition": edition, "period": str(derived.period), "engine": derived.engine,
                                   "values": derived.values, "diagnostics": derived.diagnostics,
                                   "sources": derived.sources}, default=str))
        return
    names = [*file.measures()]
    diagnostics = sorted({d for v in derived.diagnostics.values() for d in v})
    table = Table("body", *names, *diagnostics, title=f"{edition}, {derived.period} ({derived.engine})")
    for body in derived.bodies():
        table.add_row(body, *[str(derived.values[body].get(n, "—")) for n in names],
                      *[str(derived.diagnostics.get(body, {}).get(d, "—")) for d in diagnostics])
    out.print(table)


@app.command("generate")
def generate_command(kind: str = typer.Argument(..., help=f"one of: {', '.join(KINDS)}"),
                     rows: int = typer.Option(..., "--rows"), year: int = typer.Option(..., "--year"),
                     output: Path = typer.Option(..., "--output", "-o", help="folder for the Parquet files"),
                     bodies: int = typer.Option(50, "--bodies", help="number of synthetic bodies"),
                     body_codes: Optional[str] = typer.Option(None, "--body-codes", help="comma-separated codes"),
                     seed: int = typer.Option(2012, "--seed")) -> None:
    """SYNTHETIC extract files (deterministic by seed), for demos and benchmarks."""
    try:
        kind_named(kind)
    except KeyError as exc:
        fail(str(exc.args[0]))
    population = (generators.Population.make(body_codes.split(","), seed) if body_codes
                  else generators.Population.numbered(bodies, seed))
    with _progress() as bars:
        task = bars.add_task(f"{kind} (synthetic)", total=rows)
        paths = generators.write(kind, rows, output, population, year, seed,
                                 progress=lambda done, total: bars.update(task, completed=done))
    out.print(f"{len(paths)} file(s) of synthetic {kind} in {output}")


@app.command("demo")
def demo_command(rows: int = typer.Option(200_000, "--rows", help="synthetic records over all kinds"),
                 workspace: Path = typer.Option(Path("out/demo/extracts"), "--workspace", "-w",
                                                help="the demo's own folder, emptied on every run")) -> None:
    """SYNTHETIC extracts of every kind for the demo regions: import, then derive the inputs."""
    from bagalau.demo import extracts as demo_extracts
    space = Workspace(workspace)
    with _progress() as bars:
        tasks: dict[str, int] = {}

        def show(kind: str, done: int, total: int) -> None:
            if kind not in tasks:
                tasks[kind] = bars.add_task(f"import {kind} (synthetic)", total=total)
            bars.update(tasks[kind], completed=done, total=total)

        try:
            results = demo_extracts.run(space, rows, progress=show)
        except demo_extracts.NotADemoWorkspace as exc:
            fail(str(exc))
    for edition, derived in results.items():
        file = definitions.load(edition)
        names = [*file.measures()]
        table = Table("body", *names, title=f"{edition}, {derived.period}: inputs from SYNTHETIC extracts")
        for body in derived.bodies():
            table.add_row(body, *[str(derived.values[body].get(n, "—")) for n in names])
        out.print(table)
    out.print(f"[dim]workspace: {space.folder}[/]")


@app.command("reconcile")
@guarded
def reconcile_command(engine: str = ENGINE, tolerance: List[str] = typer.Option(
                          [], "--tolerance", help="INPUT=share (0.05) or INPUT=abs:N; 'default' for all"),
                      param: List[str] = typer.Option([], "--param", help="NAME=VALUE"),
                      workspace: Optional[Path] = WORKSPACE, campaign: Optional[str] = CAMPAIGN,
                      database: Optional[str] = DATABASE, actor: Optional[str] = ACTOR,
                      on: Optional[str] = ON) -> None:
    """Compare the campaign's reports with the extracts: a reconciliation act of proposed facts."""
    who = actor_name(actor)
    factory = open_store(database)
    tolerances, parameters = _tolerances(tolerance), _parameters(param)
    runner = _engine(engine)
    with store.transaction(factory) as s:
        c = campaigns.get_campaign(s, campaign)
        try:
            file = definitions.load(c.methodology_id)
        except DefinitionProblem as exc:
            fail(str(exc))
        with _progress() as bars:
            tasks = {kind: bars.add_task(kind, total=1.0) for kind in file.kinds}
            act, _ = reconcile(s, c, Workspace(workspace), runner, who, tolerances=tolerances,
                               parameters=parameters, at=effective(on),
                               progress=lambda kind, done: bars.update(tasks[kind], completed=done))
        _print_act(s, act)


def _print_act(s, act) -> None:
    table = Table("#", "body", "input", "reported", "extracts", "difference", "tolerance", "status", "paragraph",
                  title=f"Reconciliation act №{act.number} ({act.edition}, {act.period}, {act.engine})")
    for f in act.findings:
        table.add_row(str(f.id), f.body_code, f.input_id, str(f.reported_value), str(f.derived_value), f.difference,
                      f.tolerance, campaigns.finding_status(s, f), f.paragraph or "")
    out.print(table)
    uncovered = {body: why for body, why in act.coverage.items() if isinstance(why, str)}
    for body, why in uncovered.items():
        out.print(f"[dim]{body}: {why}[/]")
    if not act.findings:
        out.print("no differences beyond the tolerances")


@app.command("findings")
@guarded
def findings_command(campaign: Optional[str] = CAMPAIGN, database: Optional[str] = DATABASE) -> None:
    """The campaign's reconciliation acts and the status of each proposed fact."""
    factory = open_store(database)
    with store.transaction(factory) as s:
        acts = campaigns.reconciliation_acts(s, campaigns.get_campaign(s, campaign))
        if not acts:
            out.print("no reconciliation acts yet (`bagalau extracts reconcile`)")
        for act in acts:
            _print_act(s, act)


@app.command("confirm")
@guarded
def confirm_command(finding: int, campaign: Optional[str] = CAMPAIGN, database: Optional[str] = DATABASE,
                    actor: Optional[str] = ACTOR, on: Optional[str] = ON) -> None:
    """Confirm a proposed fact: it becomes an unreliable fact with the extracts' value."""
    who = actor_name(actor)
    factory = open_store(database)
    with store.transaction(factory) as s:
        decision = campaigns.decide_finding(s, campaigns.get_campaign(s, campaign), finding, "confirmed", who,
                                            at=effective(on))
        out.print(f"finding #{finding} confirmed: fact #{decision.fact_id}")


@app.command("dismiss")
@guarded
def dismiss_command(finding: int, reason: str = typer.Option(..., "--reason", help="why the report stands"),
                    campaign: Optional[str] = CAMPAIGN, database: Optional[str] = DATABASE,
                    actor: Optional[str] = ACTOR, on: Optional[str] = ON) -> None:
    """Dismiss a proposed fact (a confirmed one's fact is withdrawn at the next scoring run)."""
    who = actor_name(actor)
    factory = open_store(database)
    with store.transaction(factory) as s:
        decision = campaigns.decide_finding(s, campaigns.get_campaign(s, campaign), finding, "dismissed", who,
                                            reasoning=reason, at=effective(on))
        withdrawn = f"; fact #{decision.withdrawn_fact_id} withdrawn" if decision.withdrawn_fact_id else ""
        out.print(f"finding #{finding} dismissed{withdrawn}")
