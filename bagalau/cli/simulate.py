"""`bagalau simulate`: one cohort under two editions or two readings (issue 12)."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import List, Optional

import typer

from bagalau.cli import terminal
from bagalau.cli.app import app
from bagalau.cli.console import _, err, fail, out, parse_pairs, styled
from bagalau.engine.compiled import DefinitionError
from bagalau.engine.inputs import InputError, Problem, read_file
from bagalau.engine.scoring import ScoringError
from bagalau.simulation.simulate import Side, as_document, compare


@app.command()
def simulate(edition: str = typer.Argument(..., help="edition A, e.g. it-2012"),
             inputs: List[Path] = typer.Argument(..., help="JSON, YAML or XLSX files of the cohort"),
             to: Optional[str] = typer.Option(None, "--to", help="edition B (default: A again, with other options)"),
             option: List[str] = typer.Option([], "--option", help="a reading for both sides, e.g. A13=zero"),
             a_option: List[str] = typer.Option([], "--a-option", help="a reading for side A only"),
             b_option: List[str] = typer.Option([], "--b-option", help="a reading for side B only"),
             period: Optional[int] = typer.Option(None, help="reporting year (overrides the files)"),
             output_format: str = typer.Option("table", "--format", help="table, json or csv"),
             top: int = typer.Option(3, help="most affected bodies shown per node"),
             changed_only: bool = typer.Option(True, "--changed-only/--all-nodes",
                                               help="list only the nodes whose value changed")) -> None:
    """Score one cohort under edition A and edition B (or option set X and Y) and show what changes."""
    if output_format not in ("table", "json", "csv"):
        fail(_("--format is table, json or csv"))
    both = parse_pairs(option, "--option")
    a = Side(edition, {**both, **parse_pairs(a_option, "--a-option")})
    b = Side(to or edition, {**both, **parse_pairs(b_option, "--b-option")})
    if a.edition == b.edition and a.options == b.options:
        fail(_("nothing to compare: give --to EDITION or different --a-option/--b-option readings"))
    submissions = read_cohort(inputs)
    try:
        comparison = compare(a, b, submissions, period=period, top=top)
    except KeyError as exc:
        fail(str(exc.args[0]))
    except (ValueError, DefinitionError) as exc:
        if isinstance(exc, InputError):
            _problems(exc.problems)
        fail(str(exc))
    except ScoringError as exc:
        fail(str(exc))
    if output_format == "json":
        out.print_json(data=as_document(comparison), ensure_ascii=False)
        return
    if output_format == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(["body", "name", "profile", "total_a", "total_b", "change", "rank_a", "rank_b",
                         "grade_a", "grade_b", "changed_nodes"])
        for body in comparison.bodies:
            writer.writerow([body.id, body.name or "", body.profile or "", _text(body.total_a), _text(body.total_b),
                             _text(body.change), body.rank_a, body.rank_b or "", body.grade_a or "",
                             body.grade_b or "", " ".join(body.changed_nodes)])
        typer.echo(buffer.getvalue(), nl=False)
        return
    _tables(comparison, changed_only)


def _problems(problems: list[Problem]) -> None:
    err.print(styled(_("%(count)s input problem(s); nothing was simulated:", count=len(problems)), "red"))
    for problem in problems:
        err.print(f"  {problem}", highlight=False)
    raise typer.Exit(2)


def _text(value) -> str:
    return "" if value is None else format(value, "f")


def _tables(comparison, changed_only: bool) -> None:
    title = f"{comparison.a.label} → {comparison.b.label}"
    bodies = terminal.Table(title=f"{title}: bodies")
    for column in ("body", "profile", "total A", "total B", "change", "rank A → B", "grade A → B", "nodes changed"):
        bodies.add_column(column, justify="right" if column.startswith(("total", "change")) else "left")
    for body in sorted(comparison.bodies, key=lambda b: (b.profile or "", b.rank_b or 0, b.id)):
        bodies.add_row(body.name or body.id, body.profile or "", _text(body.total_a), _text(body.total_b),
                       _text(body.change), f"{body.rank_a} → {body.rank_b}",
                       f"{body.grade_a or ''} → {body.grade_b or ''}" if (body.grade_a or body.grade_b) else "",
                       str(len(body.changed_nodes)))
    out.print(bodies)
    nodes = terminal.Table(title=f"{title}: nodes (mean change of the shown value)")
    for column in ("node", "in", "bodies changed", "mean change", "most affected"):
        nodes.add_column(column)
    for node in comparison.nodes:
        if changed_only and not node.changed and node.in_a and node.in_b:
            continue
        where = "A and B" if node.in_a and node.in_b else ("A only" if node.in_a else "B only")
        nodes.add_row(node.id, where, f"{node.changed}/{node.bodies}", _text(node.mean_change),
                      ", ".join(f"{body_id} {change:+f}" for body_id, change in node.most_affected))
    out.print(nodes)
    if comparison.diff:
        table = terminal.Table(title=f"{comparison.a.edition} → {comparison.b.edition}: {len(comparison.diff)} change(s) in the act")
        for column in ("area", "id", "change", "before", "after"):
            table.add_column(column)
        for change in comparison.diff:
            table.add_row(change["area"], change["id"], change["kind"], change["before"], change["after"])
        out.print(table)
    for change in comparison.option_changes:
        out.print(f"reading {change['option']}: {change['a']} → {change['b']}")
    for side, share in comparison.fallback.items():
        reason = comparison.whole_reference.get(side)
        if share:
            out.print(f"side {side.upper()}: {share:.1%} of bodies scored by the reference scorer"
                      + (f" ({reason})" if reason else ""), style="dim")


def read_cohort(inputs: list[Path]) -> list:
    """Every body of the input files; a bad file or a body id used twice is an error (exit 2)."""
    submissions, problems = [], []
    for path in inputs:
        try:
            submissions += read_file(path)
        except InputError as exc:
            problems += exc.problems
    seen: set[str] = set()
    for submission in submissions:
        if submission.body_id in seen:
            problems.append(Problem(submission.body_id, "id", submission.origin, "body id used twice"))
        seen.add(submission.body_id)
    if problems:
        _problems(problems)
    return submissions
