"""Commands on methodologies: list, show, check, template, score, resolve, diff, demo."""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path
from typing import List, Optional

import typer
from rich.console import Console

from bagalau import demo
from bagalau.cli import progress as progress_bars, terminal
from bagalau.cli.app import app
from bagalau.cli.console import _, err, fail, out, parse_pairs, styled, warn, wrote
from bagalau.engine import catalog
from bagalau.engine import forms as templates
from bagalau.engine.cohort import CohortScorer, rank
from bagalau.engine.compiled import DefinitionError
from bagalau.engine.editions import diff as diff_editions
from bagalau.engine.explanations import number_text
from bagalau.engine.inputs import InputError, OtherProfile, Problem, ValidatedInputs, read_file
from bagalau.engine.scoring import Scorer, ScoringError
from bagalau.engine.validation import check_file
from bagalau.i18n import N_


def load_methodology(methodology_id: str, profile: str | None = None):
    if profile is not None:
        check_profile(methodology_id, profile)
    try:
        return catalog.load(methodology_id, profile)
    except KeyError as exc:
        fail(str(exc.args[0]))
    except DefinitionError as exc:
        fail(_("the definition of %(edition)s has problems; run `bagalau check` on it:", edition=methodology_id)
             + f"\n{exc}")


def check_profile(methodology_id: str, profile: str) -> None:
    """Fail with the profiles that exist when ``profile`` is not one of the edition's."""
    source = load_methodology(methodology_id).source
    if profile not in source.profiles:
        fail(_("%(edition)s has no profiles; leave out --profile", edition=methodology_id) if not source.profiles
             else _("unknown profile '%(profile)s' for %(edition)s; its profiles are: %(profiles)s",
                    profile=profile, edition=methodology_id, profiles=", ".join(source.profiles)))


@app.command()
def methodologies() -> None:
    """List the methodology editions Bagalau knows."""
    table = terminal.Table(title="Methodology editions (bagalau show ID for the tree)")
    table.add_column("id", no_wrap=True)
    for column in ("family", "act", "signed", "status"):
        table.add_column(column)
    broken = []
    for methodology_id in catalog.definition_paths():
        try:
            m = catalog.methodology(methodology_id)
        except DefinitionError:
            broken.append(methodology_id)
            continue
        table.add_row(m.id, m.family, f"{m.act.kind} № {m.act.number}" + (f" (amends {m.base})" if m.base else ""),
                      str(m.act.signed), m.act.status)
    out.print(table)
    for methodology_id in broken:
        err.print(styled(_("%(edition)s: the definition has problems; run `bagalau check` on it",
                           edition=methodology_id), "red"))


@app.command()
def show(methodology_id: str,
         provenance: bool = typer.Option(False, "--provenance", help="List reconstructed and entered rules, options and readings."),
         lang: str = terminal.lang_option(),
         profile: Optional[str] = typer.Option(None, help="e.g. central or local, for editions with profiles")) -> None:
    """Print the tree of an edition with weights, formulas and paragraphs."""
    compiled = load_methodology(methodology_id, profile)
    if provenance:
        for table in terminal.provenance_table(compiled, lang):
            out.print(table)
        return
    out.print(terminal.definition_tree(compiled, lang))


@app.command()
def check(files: List[Path]) -> None:
    """Validate definition files; print every problem with its path in the file."""
    failed = False
    for path in files:
        compiled, problems = check_file(path)
        if problems:
            failed = True
            err.print(styled(_("%(path)s: %(count)s problem(s)", path=path, count=len(problems)), "red"))
            for problem in problems:
                err.print(f"  {problem}", highlight=False)
        else:
            out.print(f"[green]{path}: ok[/] ({len(compiled.nodes)} nodes, {len(compiled.inputs)} inputs, "
                      f"content hash {compiled.content_hash[:12]})")
    if failed:
        raise typer.Exit(1)


@app.command()
def template(methodology_id: str,
             format: str = typer.Option("xlsx", "--format", help="xlsx or json"),
             output: Optional[Path] = typer.Option(None, "--output", "-o", help="file to write"),
             profile: Optional[str] = typer.Option(None, help="e.g. central or local")) -> None:
    """Print an empty input file laid out like the act's forms (to standard output unless -o is given)."""
    compiled = load_methodology(methodology_id, profile)
    if format not in ("xlsx", "json"):
        fail(_("--format must be xlsx or json, not '%(value)s'", value=format))
    if output is None:
        if format == "xlsx" and sys.stdout.isatty():
            fail(_("an XLSX workbook is binary and would garble the terminal: give -o FILE, "
                   "redirect (> form.xlsx) or use --format json"))
        sys.stdout.buffer.write(templates.render(compiled, format))
        sys.stdout.buffer.flush()
        return
    try:
        templates.write(compiled, output, format)
    except OSError as exc:
        fail(_("cannot write %(path)s: %(reason)s", path=output, reason=exc.strerror or exc))
    wrote(output)


def read_and_validate(cohort: CohortScorer, files: list[Path], profile: str | None = None) -> list[ValidatedInputs]:
    """Read and check every body; ``profile`` is the default for bodies whose file names none."""
    problems: list[Problem] = []
    validated: list[ValidatedInputs] = []
    seen: dict[str, str] = {}
    read: list[tuple[Path, list]] = []
    for path in files:
        try:
            read.append((path, read_file(path)))
        except InputError as exc:
            problems += exc.problems
    count = sum(len(submissions) for _, submissions in read)
    with progress_bars.for_bodies(count) as bars:
        task = bars.add_task("checking bodies", total=count)
        for path, submissions in read:
            _validate_all(cohort, path, submissions, profile, seen, validated, problems,
                          lambda: bars.advance(task))
    if not problems and not validated:
        fail(_("the cohort is empty: no bodies in %(files)s; nothing was scored",
               files=", ".join(map(str, files))))
    if problems:
        err.print(styled(_("%(count)s input problem(s); nothing was scored:", count=len(problems)), "red"))
        for problem in problems:
            err.print(f"  {problem}", highlight=False)
        raise typer.Exit(2)
    for body in validated:
        for warning in body.warnings:
            warn(str(warning))
    return validated


def _validate_all(cohort: CohortScorer, path: Path, submissions, profile: str | None, seen: dict[str, str],
                  validated: list[ValidatedInputs], problems: list[Problem], advance) -> None:
    for submission in submissions:
        advance()
        submission.profile = submission.profile or profile
        if submission.body_id in seen:
            problems.append(Problem(submission.body_id, "id", str(path),
                                    f"body id also used in {seen[submission.body_id]}"))
            continue
        seen[submission.body_id] = str(path)
        expected = cohort.source.id
        if submission.methodology and submission.methodology not in (expected, *cohort.source.lineage):
            problems.append(Problem(submission.body_id, "methodology", str(path),
                                    f"the file was filled for '{submission.methodology}', not for '{expected}'"))
            continue
        try:
            validated.append(cohort.validate(submission))
        except InputError as exc:
            for problem in exc.problems:
                if isinstance(problem, OtherProfile):
                    problem.reason += (f": write \"profile\": \"{problem.profile}\" in the file (or the workbook's "
                                       f"profile cell), or pass --profile {problem.profile}")
            problems += exc.problems
        except DefinitionError as exc:  # an unknown profile
            problems.append(Problem(submission.body_id, "profile", submission.origin, str(exc)))


@app.command()
def score(methodology_id: str,
          inputs: List[Path] = typer.Argument(..., help="JSON, YAML or XLSX files, one body or many"),
          as_json: bool = typer.Option(False, "--json", help="Print scores as JSON, keyed by the act's ids."),
          explain: bool = typer.Option(False, "--explain", help="Print the explanation tree of every body."),
          option: List[str] = typer.Option([], "--option", help="Choose a reading, e.g. A13=zero."),
          period: Optional[int] = typer.Option(None, help="Reporting year (overrides the files)."),
          profile: Optional[str] = typer.Option(None, help="e.g. local: the profile of bodies whose file names none"),
          lang: str = terminal.lang_option()) -> None:
    """Score one body or a cohort and rank them."""
    source = load_methodology(methodology_id).source
    if profile is not None:
        check_profile(methodology_id, profile)
    try:
        cohort = CohortScorer(methodology_id, parse_pairs(option, "--option"))
    except (ValueError, DefinitionError) as exc:
        fail(str(exc))
    bodies = read_and_validate(cohort, inputs, profile)
    try:
        with progress_bars.for_bodies(len(bodies)) as bars:
            task = bars.add_task("scoring", total=len(bodies))
            results = cohort.score(bodies, explain=explain, period=period, progress=lambda: bars.advance(task))
    except ScoringError as exc:
        fail(str(exc))
    periods = {period} if period is not None else {b.submission.period for b in bodies} - {None}
    warn_outside_validity(source, periods)
    scorer = cohort.scorer(None)
    ranked = rank(scorer, results)
    if as_json:
        out.print_json(data=scores_document(scorer, ranked, bodies, explain), ensure_ascii=False)
        return
    title = terminal.gettext(lang)(N_("{methodology}: ranking")).format(methodology=methodology_id)
    for table in terminal.ranking_tables(ranked, cohort, title, lang):
        out.print(table)
    if explain:
        for entry in ranked:
            out.print(terminal.explanation_tree(entry.result.explanation, lang))


def outside_validity(source, period: int) -> str | None:
    """Why an edition does not apply to a reporting year (the edition in force on its 31 December,
    as `bagalau resolve` reads it), in this run's language, or None when it does or its family is
    not in the catalogue."""
    from bagalau.engine.editions import edition_dates, in_force
    if not 1 <= period <= 9999:
        return _("period %(period)s is not a year any edition can be in force in", period=period)
    day = date(period, 12, 31)
    try:
        editions = [m for m in _family_editions(source.family) if m.id != source.id] + [source]
        found = in_force(editions, day)
    except (KeyError, DefinitionError, ValueError, OSError):
        return None
    if found is not None and found[0].id == source.id:
        return None
    dates = edition_dates(source)
    window = (_("in force from %(start)s until %(end)s", start=dates.starts, end=dates.ends) if dates.ends else
              _("in force from %(start)s", start=dates.starts))
    instead = (_("the edition in force then is %(edition)s", edition=found[0].id) if found is not None
               else _("no edition of %(family)s was in force then", family=source.family))
    return _("%(edition)s was not in force for period %(period)s (on %(day)s); it was %(window)s: %(instead)s "
             "(`bagalau resolve %(family)s --period %(period)s`)", edition=source.id, period=period, day=day,
             window=window, instead=instead, family=source.family)


def _family_editions(family: str) -> list:
    """The catalogue's editions of a family. Each file's family is read from its first lines, so
    only that family's editions are loaded (catalog.family_editions parses every file: seconds)."""
    import re
    found = []
    for edition_id, path in catalog.definition_paths().items():
        with open(path, encoding="utf-8") as handle:
            declared = re.search(r"^family:\s*['\"]?([\w.-]+)", handle.read(8192), re.MULTILINE)
        if declared and declared.group(1) == family:
            found.append(catalog.methodology(edition_id))
    return found


def warn_outside_validity(source, periods) -> None:
    for period in sorted(periods):
        reason = outside_validity(source, period)
        if reason:
            warn(str(reason))


@app.command()
def resolve(family: str,
            period: Optional[int] = typer.Option(None, help="reporting year: the edition in force on 31 December"),
            on: Optional[str] = typer.Option(None, help="or a date, YYYY-MM-DD")) -> None:
    """Which edition of a methodology family is in force for a period (amendment chains resolved)."""
    if (period is None) == (on is None):
        fail(_("give --period YEAR or --on DATE"))
    try:
        day = date.fromisoformat(on) if on else date(period, 12, 31)
    except ValueError:
        fail(_("--on must be a date YYYY-MM-DD, not '%(value)s'", value=on))
    try:
        found = catalog.edition_in_force(family, day)
    except KeyError as exc:
        fail(str(exc.args[0]))
    except DefinitionError as exc:
        fail(str(exc))
    if found is None:
        fail(_("no edition of %(family)s was in force on %(day)s", family=family, day=day))
    m, dates = found
    out.print(f"[bold]{m.id}[/] is in force on {day}: {m.act.kind} № {m.act.number} of {m.act.signed}"
              + (f", amending {' → '.join(m.lineage)}" if m.lineage else ""))
    out.print(f"from {dates.starts}" + (" (assumed)" if dates.assumed_start else "")
              + (f" until {dates.ends}" if dates.ends else "") + f" — {dates.note}")


@app.command()
def diff(old: str, new: str,
         as_json: bool = typer.Option(False, "--json"),
         profile: Optional[str] = typer.Option(None, help="compare one profile's trees")) -> None:
    """What changed between two editions, node by node (on the resolved trees)."""
    a, b = load_methodology(old, profile), load_methodology(new, profile)
    changes = diff_editions(a.methodology, b.methodology)
    if as_json:
        out.print_json(data=[change.__dict__ for change in changes], ensure_ascii=False)
        return
    table = terminal.Table(title=f"{old} → {new}: {len(changes)} change(s)")
    for column in ("area", "id", "change", "before", "after"):
        table.add_column(column)
    for change in changes:
        table.add_row(change.area, change.id, change.kind, change.before, change.after)
    out.print(table)


def scores_document(scorer: Scorer, ranked, bodies: list[ValidatedInputs], explain: bool) -> dict:
    warnings = {body.submission.body_id: [str(w) for w in body.warnings] for body in bodies}
    return {
        "schema": "bagalau.scores/1",
        "methodology": scorer.methodology.id,
        "content_hash": scorer.compiled.content_hash,
        "options": scorer.options,
        "rounding": scorer.methodology.rounding.model_dump(),
        "bodies": [{
            "id": entry.result.body_id,
            "name": entry.result.name,
            "rank": entry.rank,
            "profile": entry.profile,
            "total": format(entry.rounded_total, "f"),
            "grades": entry.result.grades,
            "scores": {key: format(scorer.round(value), "f") for key, value in entry.result.scores.items()},
            "exact": {key: number_text(value) for key, value in entry.result.scores.items()},
            "warnings": warnings.get(entry.result.body_id, []),
            **({"explanation": entry.result.explanation} if explain else {}),
        } for entry in ranked],
    }


@app.command("demo")
def run_demo(output: Path = typer.Option(Path("out/demo"), "--output", "-o", help="folder for the files"),
             methodology_ids: List[str] = typer.Option([], "--methodology", help="default: every edition with demo data"),
             period: Optional[int] = typer.Option(None, help="default: a year the edition was in force")) -> None:
    """Score the synthetic demo cohorts, print the rankings and write explanations to files."""
    output.mkdir(parents=True, exist_ok=True)
    out.print(f"[bold yellow]{demo.SYNTHETIC_NOTE}[/]")
    for methodology_id in methodology_ids or demo.demo_methodologies():
        run_one_demo(methodology_id, output, period)


def run_one_demo(methodology_id: str, output: Path, period: Optional[int]) -> None:
    compiled = load_methodology(methodology_id)
    period = period or demo.default_period(compiled.source)
    inputs_path = output / f"{methodology_id}-inputs.json"
    inputs_path.write_text(json.dumps(demo.cohort_document(compiled, period), ensure_ascii=False, indent=2),
                           encoding="utf-8")
    cohort = CohortScorer(methodology_id)
    bodies = read_and_validate(cohort, [inputs_path])
    results = cohort.score(bodies, explain=True, period=period)
    scorer = cohort.scorer(None)
    ranked = rank(scorer, results)
    for table in terminal.ranking_tables(ranked, cohort, f"{methodology_id}, {period}: ranking (synthetic data)"):
        out.print(table)
    explanations = output / "explanations" / methodology_id
    explanations.mkdir(parents=True, exist_ok=True)
    for entry in ranked:
        explanation = entry.result.explanation
        (explanations / f"{entry.result.body_id}.json").write_text(
            json.dumps(explanation, ensure_ascii=False, indent=2), encoding="utf-8")
        with open(explanations / f"{entry.result.body_id}.txt", "w", encoding="utf-8") as handle:
            Console(file=handle, width=160, no_color=True).print(terminal.explanation_tree(explanation))
    (output / f"{methodology_id}-scores.json").write_text(
        json.dumps(scores_document(scorer, ranked, bodies, explain=False), ensure_ascii=False, indent=2),
        encoding="utf-8")
    out.print(f"inputs: {inputs_path}\nscores: {output / f'{methodology_id}-scores.json'}\n"
              f"explanations: {explanations}/<body>.json and .txt\n")
