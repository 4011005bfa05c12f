"""`bagalau documents …`: the official documents of a campaign.

* ``bagalau documents CAMPAIGN --body ID --form conclusion --lang kk --format pdf``:
  one body's document, from the final run (else the latest; ``--run N`` for an
  earlier one, which is a draft);
* ``bagalau documents CAMPAIGN --all``: every body's documents, each form of the
  edition (or ``--form``), both languages (or ``--lang``), PDF and DOCX (or
  ``--format``), on every core, with a progress bar;
* ``bagalau documents CAMPAIGN --form rating --format xlsx|csv|json|svg|pdf``: the rating
  (pdf: the report with its charts);
* ``bagalau documents verify FILE``: the document against the store and the audit
  chain (exit 0: the final one, or the current draft; 1: rejected; 2: unreadable).

Files are written whole or not at all; a bad choice prints one clear message and
exits with status 2.
"""

from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import click
import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from typer.core import TyperGroup

from bagalau import campaigns, store
from bagalau.cli.campaigns import DATABASE, guarded, open_store
from bagalau.cli.console import _, err, fail, out, wrote
from bagalau.documents import batch, charts, forms, make, ratings, render, report
from bagalau.documents.files import write_atomic
from bagalau.documents.sources import LANGUAGES, body_data, rating_data
from bagalau.documents.verify import UnreadableDocument, verify

RATING_FORMATS = ("xlsx", "csv", "json", "svg", "pdf")


class DocumentsGroup(TyperGroup):
    """``documents CAMPAIGN …`` runs the ``make`` command; ``documents verify FILE`` runs
    as itself."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ("--help", "-h"):
            args = ["make", *args]
        return super().parse_args(ctx, args)


app = typer.Typer(cls=DocumentsGroup, no_args_is_help=True,
                  help="Official documents: `documents CAMPAIGN --body ID --form conclusion --lang kk --format pdf`, "
                       "`documents CAMPAIGN --all`, `documents CAMPAIGN --form rating --format xlsx`, "
                       "`documents verify FILE`.")


def _rating(c, data, lang: str, fmt: str, output: Optional[Path]) -> list[Path]:
    if fmt not in RATING_FORMATS:
        fail(_("--format for the rating must be one of %(choices)s, got '%(value)s'",
                choices=", ".join(RATING_FORMATS), value=fmt))
    stem = f"{data.campaign}-rating"
    if fmt == "xlsx":
        return [write_atomic(output or Path(f"{stem}-{lang}.xlsx"), ratings.xlsx_bytes(data, lang))]
    if fmt == "csv":
        return [write_atomic(output or Path(f"{stem}.csv"), ratings.csv_bytes(data))]
    if fmt == "json":
        return [write_atomic(output or Path(f"{stem}.json"), ratings.json_bytes(data))]
    if fmt == "pdf":
        return [write_atomic(output or Path(f"{stem}-{lang}.pdf"), report.pdf(data, lang))]
    base = output or Path(f"{stem}-{lang}.svg")
    return [write_atomic(base, charts.totals_chart(data, lang).encode()),
            write_atomic(base.with_name(base.stem + "-breakdown.svg"), charts.breakdown_chart(data, lang).encode())]


@app.command("make")
@guarded
def make_command(
        campaign: str = typer.Argument(..., help="Campaign id or name."),
        body: Optional[str] = typer.Option(None, "--body", help="the body's code"),
        form: List[str] = typer.Option([], "--form", help="a form of the edition (e.g. conclusion), or rating; "
                                       "repeat with --all"),
        lang: List[str] = typer.Option([], "--lang", help="kk or ru (default: ru; with --all both)"),
        fmt: List[str] = typer.Option([], "--format", help="pdf or docx (rating: xlsx, csv, json, svg); "
                                      "default pdf, with --all both"),
        run: Optional[int] = typer.Option(None, "--run", help="an earlier scoring run (its document is a draft)"),
        all_bodies: bool = typer.Option(False, "--all", help="every body of the campaign"),
        jobs: int = typer.Option(0, "--jobs", help="processes for --all (default: every core)"),
        output: Optional[Path] = typer.Option(None, "--output", "-o", help="the file to write (with --all: the "
                                              "folder; default: the current folder)"),
        database: Optional[str] = DATABASE) -> None:
    """Write a campaign's documents."""
    for value in lang:
        if value not in LANGUAGES:
            fail(_("--lang must be one of %(choices)s, got '%(value)s'", choices=", ".join(LANGUAGES), value=value))
    factory = open_store(database)
    if form == ["rating"]:
        if len(fmt) > 1 or len(lang) > 1:
            fail(_("the rating is one --format and one --lang at a time"))
        with store.transaction(factory) as s:
            data = rating_data(s, campaigns.get_campaign(s, campaign))
        for path in _rating(None, data, (lang or ["ru"])[0], (fmt or ["xlsx"])[0], output):
            wrote(path)
        return
    for value in fmt:
        if value not in make.FORMATS:
            fail(_("--format must be one of %(choices)s for a form (the rating: --form rating --format "
                   "%(rating)s), got '%(value)s'", choices=", ".join(make.FORMATS),
                   rating="|".join(RATING_FORMATS), value=value))
    with store.transaction(factory) as s:
        c = campaigns.get_campaign(s, campaign)
        names = form or forms.available(c.methodology_id)
        if not names:
            fail(_("no forms for %(edition)s yet; the rating: --form rating", edition=c.methodology_id))
        try:
            for name in names:
                forms.form(c.methodology_id, name)
        except forms.FormError as exc:
            fail(str(exc))
        if all_bodies:
            if body is not None:
                fail(_("give --body or --all, not both"))
            bodies = [body_data(s, c, m.body_code, run) for m in sorted(c.bodies, key=lambda m: m.body_code)]
        else:
            if body is None:
                fail(_("say which body: --body CODE (or --all); bodies: %(bodies)s",
                       bodies=", ".join(sorted(m.body_code for m in c.bodies))))
            if len(names) > 1 or len(lang) > 1 or len(fmt) > 1:
                fail(_("one document at a time without --all: one --form, --lang and --format"))
            bodies = [body_data(s, c, body, run)]
    if not all_bodies:
        data, name, language, kind = bodies[0], names[0], (lang or ["ru"])[0], (fmt or ["pdf"])[0]
        try:
            content = make.layout(data, name, language, kind)
        except (forms.FormError, render.RenderError) as exc:
            fail(str(exc))
        path = write_atomic(output or Path(make.file_name(data.campaign, data.body, name, language, kind,
                                                          data.kind, data.run)), content)
        wrote(f"{path} ({data.kind}, run {data.run})")
        return
    folder = output or Path(".")
    if folder.exists() and not folder.is_dir():
        fail(_("--output must be a folder with --all: %(path)s is a file", path=folder))
    work = batch.jobs_for(bodies, names, lang or list(LANGUAGES), fmt or list(make.FORMATS), folder)
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=err, transient=False) as progress:
        task = progress.add_task("documents", total=len(work))
        try:
            batch.run(work, workers=jobs or None, done=lambda path: progress.advance(task))
        except (forms.FormError, render.RenderError) as exc:
            fail(str(exc))
    err.print(_("wrote %(count)s documents to %(folder)s", count=len(work), folder=folder), highlight=False,
              markup=False)


@app.command("verify")
@guarded
def verify_command(file: Path = typer.Argument(..., help="a PDF or DOCX made by `bagalau documents`"),
                   campaign: Optional[str] = typer.Option(None, "--campaign", "-c",
                                                          help="the campaign it must belong to"),
                   database: Optional[str] = DATABASE) -> None:
    """Check a document against the store and the audit chain: final, current draft,
    superseded draft, altered or from another campaign."""
    factory = open_store(database)
    with store.transaction(factory) as s:
        expected = campaigns.get_campaign(s, campaign) if campaign is not None else None
        try:
            verdict = verify(s, file, expected)
        except UnreadableDocument as exc:
            fail(str(exc))
    colour = "green" if verdict.accepted else "red"
    out.print(f"[{colour}]{verdict.status.upper()}[/]: {file.name}", highlight=False)
    for reason in verdict.reasons:
        out.print(f"  {reason}", highlight=False)
    if not verdict.accepted:
        raise typer.Exit(1)
