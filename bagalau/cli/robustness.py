"""`bagalau robustness`: how a rating depends on the edition's readings (issue 12)."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import List, Optional

import typer

from bagalau.cli import terminal
from bagalau.cli.app import app
from bagalau.cli.console import _, err, fail, out, styled
from bagalau.cli.simulate import read_cohort
from bagalau.engine import catalog
from bagalau.engine.compiled import DefinitionError
from bagalau.engine.inputs import InputError, Problem
from bagalau.engine.scoring import ScoringError
from bagalau.simulation import robustness as rb
from bagalau.simulation.columns import Columns


@app.command()
def robustness(edition: str = typer.Argument(..., help="the edition, e.g. it-2012"),
               inputs: List[Path] = typer.Argument(..., help="JSON, YAML or XLSX files of the cohort"),
               top: int = typer.Option(10, help="flag bodies whose place in the top N changes"),
               sample: Optional[int] = typer.Option(None, help="combinations to run when there are more than "
                                                              f"{rb.ALL_BELOW} (default {rb.ALL_BELOW})"),
               seed: int = typer.Option(0, help="seed of the sample"),
               output_format: str = typer.Option("table", "--format", help="table, json or csv"),
               flagged_only: bool = typer.Option(False, "--flagged-only", help="list only flagged bodies")) -> None:
    """Score a cohort under every combination of the edition's readings (or a seeded sample)
    and show each body's range of totals, ranks and grades, flagging what depends on a reading."""
    if output_format not in ("table", "json", "csv"):
        fail(_("--format is table, json or csv"))
    try:
        catalog.methodology(edition)
    except KeyError:
        fail(_("unknown edition '%(edition)s'", edition=edition))
    submissions = read_cohort(inputs)
    if not submissions:
        fail(_("no bodies in the input files"))
    default_profile = next(iter(catalog.methodology(edition).profiles), None)
    groups: dict = {}
    for submission in submissions:
        groups.setdefault(submission.profile or default_profile, []).append(submission)
    combos = rb.combinations(edition, sample=sample, seed=seed)
    results = []
    try:
        for profile, members in groups.items():
            compiled = catalog.load(edition, profile)
            for member in members:
                member.profile = profile
            results.append(rb.run(edition, Columns.from_submissions(compiled, members), combos, top=top))
    except InputError as exc:
        _problems(exc.problems)
    except (KeyError, ValueError, DefinitionError, ScoringError) as exc:
        fail(str(exc.args[0] if isinstance(exc, KeyError) else exc))
    if output_format == "json":
        out.print_json(data=_document(edition, combos, top, results), ensure_ascii=False)
        return
    if output_format == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(["body", "profile", "total_low", "total_high", "rank_best", "rank_worst", "grades",
                         f"in_top_{top}", "flagged", "note"])
        for result in results:
            for body in result.bodies:
                writer.writerow([body.id, result.profile or "", body.total_low, body.total_high, body.rank_best,
                                 body.rank_worst, " | ".join(body.grades), f"{body.top_in}/{len(combos)}",
                                 int(body.flagged), body.note])
        typer.echo(buffer.getvalue(), nl=False)
        return
    for result in results:
        _table(result, len(combos), flagged_only)


def _document(edition, combos, top, results) -> dict:
    return {
        "schema": "bagalau.robustness/1", "edition": edition, "combinations": len(combos), "top": top,
        "options": sorted(combos[0]) if combos else [],
        "bodies": [{"id": b.id, "profile": r.profile, "total_low": format(b.total_low, "f"),
                    "total_high": format(b.total_high, "f"), "rank_best": b.rank_best, "rank_worst": b.rank_worst,
                    "grades": b.grades, "in_top": b.top_in, "flagged": b.flagged, "depends_on": b.depends_on,
                    "note": b.note} for r in results for b in r.bodies],
        "reference_share": {r.profile or "": r.reference_share for r in results},
    }


def _table(result, combinations: int, flagged_only: bool) -> None:
    title = (f"{result.edition}{' / ' + result.profile if result.profile else ''}: {combinations} combination(s) "
             f"of readings, top {result.top}")
    table = terminal.Table(title=title)
    for column in ("body", "total", "rank", "grades", f"in top {result.top}", "note"):
        table.add_column(column)
    for body in sorted(result.bodies, key=lambda b: (b.rank_best, b.id)):
        if flagged_only and not body.flagged:
            continue
        total = f"{body.total_low}" if body.total_low == body.total_high else f"{body.total_low} – {body.total_high}"
        rank = f"{body.rank_best}" if body.rank_best == body.rank_worst else f"{body.rank_best} – {body.rank_worst}"
        table.add_row(body.id, total, rank, " | ".join(body.grades), f"{body.top_in}/{combinations}", body.note)
    out.print(table)
    flagged = sum(b.flagged for b in result.bodies)
    out.print(f"{flagged} of {len(result.bodies)} bodies depend on a reading", style="dim")


def _problems(problems: list[Problem]) -> None:
    err.print(styled(_("%(count)s input problem(s); nothing was run:", count=len(problems)), "red"))
    for problem in problems:
        err.print(f"  {problem}", highlight=False)
    raise typer.Exit(2)
